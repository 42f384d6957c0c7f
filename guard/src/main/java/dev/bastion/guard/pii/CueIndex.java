package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cue words of a list of recognisers, looked for in one pass over a text ({@link dev.bastion.guard.LiteralSet})
 * instead of one {@code contains} per cue and recogniser. {@link #hits} says which distinct cues occur anywhere in
 * the lower-case text (the question {@link Recognizer#mayMatch} asks with {@link String#contains}); {@link #mayMatch}
 * then answers for recogniser {@code r} exactly as {@code recognizers.get(r).mayMatch(present, lower)} does.
 * Immutable and thread-safe.
 */
final class CueIndex {
    private final List<Recognizer> recognizers;
    /** The distinct cues. */
    private final dev.bastion.guard.LiteralSet cues;
    /**
     * Per recogniser r, the ASCII characters it needs (one of them must occur) as a 128-bit mask in
     * {@code needs[2r]} (characters 0-63) and {@code needs[2r + 1]} (64-127); both zero when it needs none.
     */
    private final long[] needs;
    /** Per recogniser r, its cues' indexes in {@link #cues}: {@code cueIds[cueStart[r]]} up to {@code cueStart[r + 1]}. */
    private final int[] cueStart;
    private final int[] cueIds;
    /** Per recogniser, the key of its cue windows: equal exactly when the cue lists and margins are. */
    private final Object[] windowKeys;

    /** A distinct (cue list, margin) pair, by its number: hashed and compared as an int. */
    private record WindowGroup(int id) {
    }

    CueIndex(List<Recognizer> recognizers) {
        this.recognizers = List.copyOf(recognizers);
        Map<String, Integer> ids = new HashMap<>();
        List<String> distinct = new ArrayList<>();
        int count = this.recognizers.size();
        windowKeys = new Object[count];
        needs = new long[2 * count];
        cueStart = new int[count + 1];
        List<Integer> flat = new ArrayList<>();
        Map<List<Object>, WindowGroup> groups = new HashMap<>();
        for (int r = 0; r < count; r++) {
            Recognizer rec = this.recognizers.get(r);
            List<String> own = rec.cues();
            windowKeys[r] = groups.computeIfAbsent(List.of(own, rec.cueMargin()), k -> new WindowGroup(groups.size()));
            for (char c : rec.needs().toCharArray()) {
                if (c >= 128) { // Recognizer.mayMatch indexes a 128-entry table with it
                    throw new IllegalArgumentException("recogniser " + rec.id() + " needs a character outside ASCII");
                }
                needs[2 * r + (c >>> 6)] |= 1L << c;
            }
            for (String cue : own) {
                flat.add(ids.computeIfAbsent(cue, k -> {
                    distinct.add(k);
                    return distinct.size() - 1;
                }));
            }
            cueStart[r + 1] = flat.size();
        }
        cueIds = flat.stream().mapToInt(Integer::intValue).toArray();
        cues = new dev.bastion.guard.LiteralSet(distinct);
    }

    /**
     * The key recogniser {@code r} caches its cue windows under ({@link Recognizer#windows(String, String,
     * java.util.Map, Object)}): the same object for recognisers with equal cue lists and margins, and no other.
     */
    Object windowKey(int r) {
        return windowKeys[r];
    }

    /** Which distinct cues occur in {@code lower} (anywhere, as {@link String#contains} would find them). */
    boolean[] hits(String lower) {
        return cues.present(lower);
    }
    /**
     * The ASCII characters marked in {@code present} (128 entries) as the mask {@link #mayMatch} takes: characters
     * 0-63 in element 0, 64-127 in element 1.
     */
    static long[] mask(boolean[] present) {
        long[] m = new long[2];
        for (int c = 0; c < 128; c++) {
            m[c >>> 6] |= present[c] ? 1L << c : 0;
        }
        return m;
    }

    /**
     * Whether recogniser {@code r} may match a text whose ASCII characters are {@code present} ({@link #mask}) and
     * whose cues found are {@code hits}: one of its needed characters, and one of its cues when it has cues.
     *
     * <p>Read from flat arrays (a pair of longs and a slice of ints per recogniser), not from the recogniser objects:
     * asked for some 130 recognisers per text, the objects, their strings and lists were a few hundred scattered
     * cache lines a request, each a miss once a request's other work has evicted them (docs/benchmarks.md, gateway
     * overhead, round eighteen).
     */
    boolean mayMatch(int r, long[] present, boolean[] hits) {
        long lo = needs[2 * r];
        long hi = needs[2 * r + 1];
        if ((lo | hi) != 0 && (lo & present[0]) == 0 && (hi & present[1]) == 0) {
            return false;
        }
        int end = cueStart[r + 1];
        if (cueStart[r] == end) {
            return true;
        }
        for (int k = cueStart[r]; k < end; k++) {
            if (hits[cueIds[k]]) {
                return true;
            }
        }
        return false;
    }
}
