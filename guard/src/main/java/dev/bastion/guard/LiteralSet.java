package dev.bastion.guard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A fixed list of literal strings, and which of them occur in a text, found in one pass over the text instead of
 * one {@link String#contains} per literal: the prefilter of scanners whose rules run only when one of their cue
 * words or keywords occurs. {@link #present} gives exactly what {@code text.contains(literal)} gives for each.
 * Immutable and thread-safe.
 *
 * <p>How: literals of one ASCII character sit in a table indexed by that character, longer ones whose first two
 * characters are ASCII in a table indexed by those two. Each position of the text is looked up once in each table,
 * and only the few literals listed there are compared. The rest (a literal starting outside ASCII, an empty one)
 * fall back to {@code contains}.
 */
public final class LiteralSet {
    private final String[] literals;
    /** Per ASCII character, the index of the one-character literal it is, or -1. */
    private final int[] single = new int[128];
    /** Per pair of ASCII characters (first * 128 + second), the indexes of the longer literals starting so. */
    private final int[][] pairs = new int[128 * 128][];
    /** Literals not in either table. */
    private final int[] other;

    /** A set of {@code literals}, in this order (an empty one is in every text, as for {@code contains}). */
    public LiteralSet(List<String> literals) {
        this.literals = literals.toArray(String[]::new);
        Arrays.fill(single, -1);
        List<Integer> rest = new ArrayList<>();
        for (int id = 0; id < this.literals.length; id++) {
            String s = this.literals[id];
            if (s.length() == 1 && s.charAt(0) < 128 && single[s.charAt(0)] < 0) {
                single[s.charAt(0)] = id;
            } else if (s.length() > 1 && s.charAt(0) < 128 && s.charAt(1) < 128) {
                int key = s.charAt(0) * 128 + s.charAt(1);
                int[] old = pairs[key] == null ? new int[0] : pairs[key];
                int[] grown = Arrays.copyOf(old, old.length + 1);
                grown[old.length] = id;
                pairs[key] = grown;
            } else {
                rest.add(id); // empty, outside ASCII, or a repeated one-character literal
            }
        }
        other = rest.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The number of literals. */
    public int size() {
        return literals.length;
    }

    /** Per literal, in the order given, whether {@code text} contains it. */
    public boolean[] present(String text) {
        boolean[] hit = new boolean[literals.length];
        int len = text.length();
        for (int i = 0; i < len; i++) {
            char c = text.charAt(i);
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
            char d = text.charAt(i + 1);
            int[] longer = d < 128 ? pairs[c * 128 + d] : null;
            if (longer == null) {
                continue;
            }
            for (int id : longer) {
                if (!hit[id]) {
                    String s = literals[id];
                    hit[id] = s.length() == 2 || text.startsWith(s, i);
                }
            }
        }
        for (int id : other) {
            hit[id] = text.contains(literals[id]);
        }
        return hit;
    }
}
