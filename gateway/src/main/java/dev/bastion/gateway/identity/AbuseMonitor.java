package dev.bastion.gateway.identity;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Detects the query patterns of model extraction and membership probing, per API key and (through a second
 * identity, {@code tenant:NAME}) per tenant: many near-duplicate prompts (a template with small perturbations; exact
 * repeats do not count), systematic sweeps (one template enumerated over numbers), sustained volume, and a
 * sustained high share of output tokens. Prompts are never kept: only 64-bit hashes (a SimHash of word trigrams, so near-duplicates are found
 * by Hamming distance; the exact text; the text with digits masked).
 *
 * <p>A key that trips a rule is throttled progressively: it is refused for a cool-down that doubles each time it
 * trips again (1 s, 2 s, 4 s ... up to 10 min), which a caller sees as 429 with Retry-After. Ordinary traffic of
 * the same volume with varied prompts is not flagged. State is in memory, per process. Thread-safe.
 */
public final class AbuseMonitor {
    /** The thresholds; {@code minRequests} 0 turns the monitor off. */
    public record Settings(Duration window, int minRequests, double nearDuplicateShare, double outputShare,
            double sweepShare, int volumeRequests) {
        public Settings {
            Objects.requireNonNull(window, "abuse.window");
            if (minRequests < 0 || nearDuplicateShare <= 0 || nearDuplicateShare > 1 || outputShare <= 0 || outputShare > 1
                    || sweepShare <= 0 || sweepShare > 1 || volumeRequests < 0 || volumeRequests > TRACKED) {
                throw new IllegalArgumentException("abuse thresholds must be positive shares and a non-negative count");
            }
        }

        public Settings(Duration window, int minRequests, double nearDuplicateShare, double outputShare) {
            this(window, minRequests, nearDuplicateShare, outputShare, 0.6, 0);
        }
    }

    /** Why a key was flagged, and for how long it is held back. */
    public record Flag(String rule, String detail, Duration coolDown) {
    }

    private record Seen(long at, long fingerprint, boolean nearDuplicate, long promptTokens, long completionTokens,
            long exact, long template, boolean distinct) {
    }

    /**
     * One key's recent requests, bounded: at most {@link #TRACKED} are kept, with running totals, and a new prompt
     * is compared with the latest {@link #COMPARED} only, so each request costs O(1) however busy the key is.
     */
    private static final class KeyState {
        final Deque<Seen> recent = new ArrayDeque<>();
        final java.util.HashMap<Long, Integer> exactCounts = new java.util.HashMap<>();
        final java.util.HashMap<Long, Integer> templateCounts = new java.util.HashMap<>();
        long duplicates;
        long promptTokens;
        long completionTokens;
        long blockedUntil;
        int strikes;

        /** Whether a prompt with this exact text is already in the window. */
        boolean seenExactly(long exact) {
            return exactCounts.containsKey(exact);
        }

        /** The most distinct prompts sharing one template in the window. */
        int largestSweep() {
            int max = 0;
            for (int c : templateCounts.values()) {
                max = Math.max(max, c);
            }
            return max;
        }

        void add(Seen seen) {
            recent.addLast(seen);
            exactCounts.merge(seen.exact(), 1, Integer::sum);
            if (seen.distinct()) {
                templateCounts.merge(seen.template(), 1, Integer::sum);
            }
            duplicates += seen.nearDuplicate() ? 1 : 0;
            promptTokens += seen.promptTokens();
            completionTokens += seen.completionTokens();
            if (recent.size() > TRACKED) {
                removeOldest();
            }
        }

        void removeOldest() {
            Seen old = recent.pollFirst();
            exactCounts.computeIfPresent(old.exact(), (k, v) -> v > 1 ? v - 1 : null);
            if (old.distinct()) {
                templateCounts.computeIfPresent(old.template(), (k, v) -> v > 1 ? v - 1 : null);
            }
            duplicates -= old.nearDuplicate() ? 1 : 0;
            promptTokens -= old.promptTokens();
            completionTokens -= old.completionTokens();
        }

        void clear() {
            recent.clear();
            exactCounts.clear();
            templateCounts.clear();
            duplicates = 0;
            promptTokens = 0;
            completionTokens = 0;
        }
    }

    static final int TRACKED = 1000;
    static final int COMPARED = 64;

    /**
     * Fingerprints within this many differing bits count as near-duplicates. Unrelated texts differ in about 32 of
     * 64 bits (standard deviation 4), so 12 leaves five standard deviations of margin.
     */
    static final int NEAR_BITS = 12;

    private final Settings settings;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, KeyState> keys = new ConcurrentHashMap<>();

    public AbuseMonitor(Settings settings, LongSupplier nanoTime) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** The time left on a key's cool-down, if it is held back now. */
    public Optional<Duration> heldBack(String keyId) {
        KeyState s = keys.get(keyId);
        if (s == null) {
            return Optional.empty();
        }
        synchronized (s) {
            long left = s.blockedUntil - nanoTime.getAsLong();
            return left > 0 ? Optional.of(Duration.ofNanos(left)) : Optional.empty();
        }
    }

    /**
     * What the monitor keeps of one prompt: its SimHash and its exact and template hashes. Computed once per request
     * and recorded for the key and for its tenant.
     */
    public record Fingerprint(long simHash, long exact, long template) {
        public static Fingerprint of(String promptText) {
            return new Fingerprint(AbuseMonitor.simHash(promptText), exactHash(promptText), templateHash(promptText));
        }
    }

    /** Whether the monitor records anything ({@code min-requests} above 0); when not, fingerprints are not needed. */
    public boolean enabled() {
        return settings.minRequests() > 0;
    }

    /** Records one answered request; returns a flag when this request makes the key trip a rule. */
    public Optional<Flag> record(String keyId, String promptText, long promptTokens, long completionTokens) {
        if (!enabled()) {
            return Optional.empty();
        }
        return record(keyId, Fingerprint.of(promptText), promptTokens, completionTokens);
    }

    /** As {@link #record(String, String, long, long)}, with the prompt's fingerprint computed by the caller. */
    public Optional<Flag> record(String keyId, Fingerprint prompt, long promptTokens, long completionTokens) {
        if (!enabled()) {
            return Optional.empty();
        }
        long now = nanoTime.getAsLong();
        long fingerprint = prompt.simHash();
        KeyState s = keys.computeIfAbsent(keyId, k -> new KeyState());
        synchronized (s) {
            long horizon = now - settings.window().toNanos();
            while (!s.recent.isEmpty() && s.recent.peekFirst().at() < horizon) {
                s.removeOldest();
            }
            boolean near = false;
            java.util.Iterator<Seen> latest = s.recent.descendingIterator();
            for (int compared = 0; compared < COMPARED && latest.hasNext(); compared++) {
                Seen earlier = latest.next();
                int distance = Long.bitCount(earlier.fingerprint() ^ fingerprint);
                // Exact repeats (retries, health checks, load tests) extract nothing new; small variations do.
                if (distance > 0 && distance <= NEAR_BITS) {
                    near = true;
                    break;
                }
            }
            long exact = prompt.exact();
            long template = prompt.template();
            s.add(new Seen(now, fingerprint, near, promptTokens, completionTokens, exact, template,
                    !s.seenExactly(exact)));
            int n = s.recent.size();
            if (n < settings.minRequests() || now < s.blockedUntil) {
                return Optional.empty();
            }
            long duplicates = s.duplicates;
            long out = s.completionTokens;
            long all = out + s.promptTokens;
            String rule = null;
            String detail = null;
            if (settings.volumeRequests() > 0 && n >= settings.volumeRequests()) {
                rule = "sustained_volume";
                detail = n + " answered requests within " + settings.window().toMinutes() + " min";
            } else if ((double) duplicates / n >= settings.nearDuplicateShare()) {
                rule = "near_duplicate_prompts";
                detail = duplicates + " of the last " + n + " prompts are small variations of each other";
            } else if ((double) s.largestSweep() / n >= settings.sweepShare()) {
                rule = "systematic_sweep";
                detail = s.largestSweep() + " of the last " + n + " prompts are one template with different numbers";
            } else if (all > 0 && (double) out / all >= settings.outputShare()) {
                rule = "high_output_share";
                detail = String.format(Locale.ROOT, "%.0f%% of the last %d requests' tokens are output", 100.0 * out / all, n);
            }
            if (rule == null) {
                return Optional.empty();
            }
            s.strikes++;
            Duration coolDown = Duration.ofSeconds(Math.min(600, 1L << Math.min(s.strikes - 1, 10)));
            s.blockedUntil = now + coolDown.toNanos();
            s.clear();
            return Optional.of(new Flag(rule, detail, coolDown));
        }
    }

    /** A hash of the prompt as written (lower case, whitespace collapsed). */
    static long exactHash(String text) {
        return mix(normalisedHash(text, false));
    }

    /** A hash of the prompt with every run of digits replaced by {@code #}: one value per enumerated template. */
    static long templateHash(String text) {
        return mix(normalisedHash(text, true) * 31L + 7);
    }

    /**
     * {@code String.hashCode} of the normalised prompt (lower case, whitespace runs as one space, digit runs as
     * {@code #} when {@code maskDigits}; at most 4,096 characters), computed without building the string.
     */
    static int normalisedHash(String text, boolean maskDigits) {
        int h = 0;
        int length = 0;
        boolean space = false;
        boolean digit = false;
        for (int i = 0; i < text.length() && length < 4096; i++) {
            char c = Character.toLowerCase(text.charAt(i));
            if (Character.isWhitespace(c)) {
                if (!space) {
                    h = 31 * h + ' ';
                    length++;
                }
                space = true;
                digit = false;
                continue;
            }
            space = false;
            if (maskDigits && Character.isDigit(c)) {
                if (!digit) {
                    h = 31 * h + '#';
                    length++;
                }
                digit = true;
                continue;
            }
            digit = false;
            h = 31 * h + c;
            length++;
        }
        return h;
    }

    /**
     * 64-bit SimHash over word trigrams (word unigrams for prompts of fewer than three words); a word is a run of
     * letters and digits, lower-cased (no regular expression on untrusted text). Words are hashed as they are read
     * and a trigram's feature is the mix of its three word hashes, so no string is built.
     */
    static long simHash(String text) {
        int[] words = new int[16];
        int count = 0;
        int h = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (Character.isLetterOrDigit(c)) {
                h = 31 * h + Character.toLowerCase(c);
                inWord = true;
            } else if (inWord) {
                if (count == words.length) {
                    words = java.util.Arrays.copyOf(words, count * 2);
                }
                words[count++] = h;
                h = 0;
                inWord = false;
            }
        }
        if (inWord) {
            if (count == words.length) {
                words = java.util.Arrays.copyOf(words, count * 2);
            }
            words[count++] = h;
        }
        int[] votes = new int[64];
        int features = 0;
        int span = count >= 3 ? 3 : 1;
        for (int i = 0; i + span <= count; i++) {
            long feature = 0;
            for (int j = i; j < i + span; j++) {
                feature = feature * 0x9E3779B97F4A7C15L + words[j];
            }
            long fh = mix(feature);
            for (int b = 0; b < 64; b++) {
                votes[b] += ((fh >>> b) & 1) == 1 ? 1 : -1;
            }
            features++;
        }
        long out = 0;
        for (int b = 0; b < 64 && features > 0; b++) {
            if (votes[b] > 0) {
                out |= 1L << b;
            }
        }
        return out;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
