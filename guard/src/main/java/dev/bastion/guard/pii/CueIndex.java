package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cue words of a list of recognisers, looked for in one pass over a text instead of one {@code contains} per
 * cue and recogniser. {@link #hits} says which distinct cues occur anywhere in the lower-case text (the same
 * question {@link Recognizer#mayMatch} asks with {@link String#contains}); {@link #mayMatch} then answers for
 * recogniser {@code r} exactly as {@code recognizers.get(r).mayMatch(present, lower)} does. Immutable and
 * thread-safe.
 *
 * <p>How: cues of one character sit in a table indexed by that character; longer cues in a table indexed by their
 * first two characters. Every position of the text is looked up once in each table (a cue of two or more
 * characters can only start where its first two characters do), and only the few cues listed there are compared.
 * Cues must be ASCII; a text character outside ASCII starts no cue.
 */
final class CueIndex {
    private final List<Recognizer> recognizers;
    /** The distinct cues, by id. */
    private final String[] cues;
    /** Per recogniser, the ids of its cues (empty when it has none). */
    private final int[][] cueIds;
    /** Per ASCII character, the id of the one-character cue it is, or -1. */
    private final int[] single = new int[128];
    /** Per pair of ASCII characters (first * 128 + second), the ids of the longer cues that start with it. */
    private final int[][] pairs = new int[128 * 128][];

    CueIndex(List<Recognizer> recognizers) {
        this.recognizers = List.copyOf(recognizers);
        java.util.Arrays.fill(single, -1);
        Map<String, Integer> ids = new HashMap<>();
        List<String> distinct = new ArrayList<>();
        cueIds = new int[this.recognizers.size()][];
        for (int r = 0; r < cueIds.length; r++) {
            List<String> own = this.recognizers.get(r).cues();
            cueIds[r] = new int[own.size()];
            for (int k = 0; k < own.size(); k++) {
                String cue = own.get(k);
                if (cue.isEmpty() || !cue.chars().allMatch(c -> c < 128)) {
                    throw new IllegalArgumentException("cues must be non-empty ASCII: '" + cue + "'");
                }
                Integer id = ids.get(cue);
                if (id == null) {
                    id = distinct.size();
                    ids.put(cue, id);
                    distinct.add(cue);
                    if (cue.length() == 1) {
                        single[cue.charAt(0)] = id;
                    } else {
                        int key = cue.charAt(0) * 128 + cue.charAt(1);
                        int[] old = pairs[key] == null ? new int[0] : pairs[key];
                        int[] grown = java.util.Arrays.copyOf(old, old.length + 1);
                        grown[old.length] = id;
                        pairs[key] = grown;
                    }
                }
                cueIds[r][k] = id;
            }
        }
        cues = distinct.toArray(String[]::new);
    }

    /** Which distinct cues occur in {@code lower} (anywhere, as {@link String#contains} would find them). */
    boolean[] hits(String lower) {
        boolean[] hit = new boolean[cues.length];
        int len = lower.length();
        for (int i = 0; i < len; i++) {
            char c = lower.charAt(i);
            if (c >= 128) {
                continue;
            }
            int one = single[c];
            if (one >= 0) {
                hit[one] = true;
            }
            if (i + 1 >= len) {
                break;
            }
            char d = lower.charAt(i + 1);
            int[] longer = d < 128 ? pairs[c * 128 + d] : null;
            if (longer == null) {
                continue;
            }
            for (int id : longer) {
                if (!hit[id]) {
                    String cue = cues[id];
                    hit[id] = cue.length() == 2 || lower.startsWith(cue, i);
                }
            }
        }
        return hit;
    }

    /**
     * Whether recogniser {@code r} may match a text whose ASCII characters are marked in {@code present} and whose
     * cues found are {@code hits}: one of its needed characters, and one of its cues when it has cues.
     */
    boolean mayMatch(int r, boolean[] present, boolean[] hits) {
        String needs = recognizers.get(r).needs();
        boolean chars = needs.isEmpty();
        for (int i = 0; i < needs.length() && !chars; i++) {
            chars = present[needs.charAt(i)];
        }
        if (!chars) {
            return false;
        }
        int[] own = cueIds[r];
        if (own.length == 0) {
            return true;
        }
        for (int id : own) {
            if (hits[id]) {
                return true;
            }
        }
        return false;
    }
}
