package dev.bastion.guard.pii;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * One pattern recogniser: an RE2 pattern (linear time on any input), an optional validator run on the match with
 * separators removed, a base score, and context words that raise the score when they appear shortly before the
 * match. The reported span is the named group {@code v} when the pattern has one, else the whole match. An optional
 * {@code core}, a smaller pattern that every match of {@code pattern} holds a match of, is looked for first in each
 * region, and a region without it is skipped ({@code core == pattern} when there is none). Immutable.
 */
public record Recognizer(String id, String type, Pattern pattern, Predicate<String> validator, double score,
        List<String> context, String needs, List<String> cues, int minDigits, int cueMargin, int minRun,
        Pattern core) {

    /**
     * Needs a digit somewhere in the text (a cheap prefilter: most identifiers are numbers). A recogniser that
     * needs it promises more: every match of its pattern holds an ASCII digit, so regions without one are skipped.
     */
    static final String DIGIT = "0123456789";

    public Recognizer {
        context = List.copyOf(context);
        cues = List.copyOf(cues);
        if (!(score > 0 && score <= 1)) {
            throw new IllegalArgumentException("score must be in (0, 1]");
        }
    }

    /**
     * A recogniser that runs only on texts holding at least one of the characters of {@code needs} (all texts when
     * it is empty): the prefilter that spares running the pattern where it cannot match.
     */
    static Recognizer of(String id, String type, String needs, String regex, Predicate<String> validator,
            double score, String... context) {
        Pattern p = Pattern.compile(regex);
        return new Recognizer(id, type, p, validator, score, List.of(context), needs, List.of(), 1, 0, 0, p);
    }

    /**
     * This recogniser, run only within {@code margin} characters (then out to whitespace) of a word starting with
     * one of {@code cues}.
     */
    Recognizer withCues(int margin, String... cues) {
        return new Recognizer(id, type, pattern, validator, score, context, needs, List.of(cues), minDigits, margin,
                minRun, core);
    }

    /** This recogniser, run only on digit clusters with at least {@code n} digits. */
    Recognizer minDigits(int n) {
        return new Recognizer(id, type, pattern, validator, score, context, needs, cues, n, cueMargin, minRun, core);
    }

    /**
     * This recogniser, run only on regions holding a run of at least {@code n} ASCII letters and digits: for a
     * pattern whose every match holds such a run (a wallet address, a PAN), the other regions cannot match.
     */
    Recognizer minRun(int n) {
        return new Recognizer(id, type, pattern, validator, score, context, needs, cues, minDigits, cueMargin, n, core);
    }

    /**
     * This recogniser, looking first for {@code coreRegex} in each region and skipping a region without a match of
     * it. The caller promises that every match of the pattern holds a match of the core (in the same region, so
     * assertions such as {@code \b} see the same text): a part every branch of the pattern ends or starts with
     * qualifies. Then the matches found are those of the pattern alone, only cheaper where the core is rare.
     */
    Recognizer withCore(String coreRegex) {
        return new Recognizer(id, type, pattern, validator, score, context, needs, cues, minDigits, cueMargin, minRun,
                Pattern.compile(coreRegex));
    }

    /**
     * Whether the text whose ASCII characters are marked in {@code present} and whose lower-case form is
     * {@code lower} can hold a match: one of the needed characters, and one of the cues when there are cues.
     */
    boolean mayMatch(boolean[] present, String lower) {
        boolean chars = needs.isEmpty();
        for (int i = 0; i < needs.length() && !chars; i++) {
            chars = present[needs.charAt(i)];
        }
        if (!chars || cues.isEmpty()) {
            return chars;
        }
        for (String c : cues) {
            if (lower.contains(c)) {
                return true;
            }
        }
        return false;
    }

    /** Marks the ASCII characters that occur in {@code text}. */
    static boolean[] present(String text) {
        boolean[] p = new boolean[128];
        for (char c : text.toCharArray()) {
            if (c < 128) {
                p[c] = true;
            }
        }
        return p;
    }

    /** A candidate span with its score before overlap resolution. */
    public record Candidate(String type, int start, int end, double score, String recognizer) {
    }

    private static final double CONTEXT_BOOST = 0.35;
    private static final int CONTEXT_WINDOW = 48;

    List<Candidate> find(String text, String lower) {
        return find(text, lower, new int[] {0, text.length()});
    }

    /** Matches inside the regions {@code windows} (flat [start, end) pairs), with offsets into the whole text. */
    List<Candidate> find(String text, String lower, int[] windows) {
        boolean named = pattern.namedGroups().containsKey("v"); // a map lookup, not a search of the pattern text
        List<Candidate> out = new ArrayList<>();
        for (int w = 0; w < windows.length; w += 2) {
            int base = windows[w];
            String region = base == 0 && windows[w + 1] == text.length() ? text : text.substring(base, windows[w + 1]);
            if (core != pattern && !core.matcher(region).find()) {
                continue; // no match of the core, so none of the pattern
            }
            Matcher m = pattern.matcher(region);
            while (m.find()) { // find() continues from the last match; find(int) would reset and rescan
                int start = m.start();
                int end = m.end();
                if (named && m.start("v") >= 0) {
                    start = m.start("v");
                    end = m.end("v");
                }
                start += base;
                end += base;
                if (validator.test(strip(text.substring(start, end)))) {
                    double s = score;
                    if (!context.isEmpty() && hasContext(lower, start)) {
                        s = Math.min(1, s + CONTEXT_BOOST);
                    }
                    out.add(new Candidate(type, start, end, s, id));
                }
            }
        }
        return out;
    }

    /** The regions of {@code text} this recogniser needs to look at, from {@code cache} when already computed. */
    int[] windows(String text, String lower, java.util.Map<Object, int[]> cache) {
        return windows(text, lower, cache, List.of(cues, cueMargin));
    }

    /**
     * As {@link #windows(String, String, java.util.Map)}, with the regions around its cues cached under
     * {@code cueKey}, which must stand for its cues and margin alone ({@link CueIndex#windowKey}: one cheap key per
     * distinct pair, where a key built from the cue list is hashed and compared word by word on every lookup).
     */
    int[] windows(String text, String lower, java.util.Map<Object, int[]> cache, Object cueKey) {
        if (!cues.isEmpty()) {
            int[] around = cache.computeIfAbsent(cueKey, k -> Windows.aroundWords(lower, cues, cueMargin));
            return needs.equals(DIGIT) ? Windows.withAsciiDigit(text, around) : around;
        }
        if (needs.equals(DIGIT)) {
            int[] clusters = cache.computeIfAbsent(DIGIT, k -> Windows.digitClusters(text));
            int[] w = cache.computeIfAbsent(minDigits, k -> Windows.withDigits(clusters, minDigits));
            return minRun > 0 ? Windows.withRun(text, w, minRun) : w;
        }
        if (!needs.isEmpty()) {
            return cache.computeIfAbsent(needs, k -> Windows.aroundChars(text, needs));
        }
        int[] whole = {0, text.length()};
        return minRun > 0 ? Windows.withRun(text, whole, minRun) : whole; // a cue-less rule's run, as for digits
    }

    private boolean hasContext(String lower, int start) {
        String before = lower.substring(Math.max(0, start - CONTEXT_WINDOW), start);
        for (String c : context) {
            if (before.contains(c)) {
                return true;
            }
        }
        return false;
    }

    /** The value without spaces, dots, dashes and slashes, as validators take it. */
    static String strip(String v) {
        StringBuilder b = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c != ' ' && c != '-' && c != '.' && c != '/' && c != '\u00a0') {
                b.append(c);
            }
        }
        return b.toString().toUpperCase(Locale.ROOT);
    }
}
