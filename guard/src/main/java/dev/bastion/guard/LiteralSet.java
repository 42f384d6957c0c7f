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
 * characters are ASCII under the pair of those two. Each position of the text is looked up once in each table,
 * and only the few literals listed there are compared. The rest (a literal starting outside ASCII, an empty one)
 * fall back to {@code contains}.
 */
public final class LiteralSet {
    /*
     * Layout. The tables are flat arrays of primitives, not objects: a scan asks them once per character of the text,
     * and in a gateway they are out of the CPU caches by the next request, so every object on the way (an int[] per
     * pair, a String and its byte[] per literal) was a cache miss of its own. Here a pair that starts no literal
     * costs one bit of a 2 KiB bitmap (a text's pairs touch a few of its 32 lines); a pair that starts some finds
     * them through its rank in the bitmap (the set bits before it: rank[word] plus a bitCount) in one slice of
     * pairIds, and their characters in one char[]. docs/benchmarks.md, gateway overhead, round eighteen.
     */
    private final int size;
    /** Per ASCII character, the index of the one-character literal it is, or -1. */
    private final int[] single = new int[128];
    /** Bit (first * 128 + second) set when some literal of two or more characters starts with that ASCII pair. */
    private final long[] pairBits = new long[128 * 128 / 64];
    /** Per word of {@link #pairBits}, the number of bits set in the words before it. */
    private final int[] pairRank = new int[pairBits.length];
    /** The literals under the n-th pair (in pair order) are {@code pairIds[pairStart[n]]} up to {@code pairStart[n + 1]}. */
    private final int[] pairStart;
    private final int[] pairIds;
    /** Literal id's characters: {@code chars[charStart[id]]} up to {@code charStart[id + 1]}. */
    private final char[] chars;
    private final int[] charStart;
    /** Literals not in either table, and the literals themselves for them. */
    private final int[] other;
    private final String[] otherLiterals;

    /** A set of {@code literals}, in this order (an empty one is in every text, as for {@code contains}). */
    public LiteralSet(List<String> literals) {
        size = literals.size();
        Arrays.fill(single, -1);
        List<List<Integer>> byPair = new ArrayList<>(128 * 128);
        for (int k = 0; k < 128 * 128; k++) {
            byPair.add(null);
        }
        List<Integer> rest = new ArrayList<>();
        charStart = new int[size + 1];
        StringBuilder all = new StringBuilder();
        for (int id = 0; id < size; id++) {
            String s = literals.get(id);
            all.append(s);
            charStart[id + 1] = all.length();
            if (s.length() == 1 && s.charAt(0) < 128 && single[s.charAt(0)] < 0) {
                single[s.charAt(0)] = id;
            } else if (s.length() > 1 && s.charAt(0) < 128 && s.charAt(1) < 128) {
                int key = s.charAt(0) * 128 + s.charAt(1);
                if (byPair.get(key) == null) {
                    byPair.set(key, new ArrayList<>());
                }
                byPair.get(key).add(id);
                pairBits[key >>> 6] |= 1L << key;
            } else {
                rest.add(id); // empty, outside ASCII, or a repeated one-character literal
            }
        }
        chars = all.toString().toCharArray();
        for (int w = 1; w < pairBits.length; w++) {
            pairRank[w] = pairRank[w - 1] + Long.bitCount(pairBits[w - 1]);
        }
        List<Integer> ids = new ArrayList<>();
        List<Integer> starts = new ArrayList<>(List.of(0));
        for (List<Integer> under : byPair) { // in pair order, so the n-th set bit's literals are the n-th slice
            if (under != null) {
                ids.addAll(under);
                starts.add(ids.size());
            }
        }
        pairIds = ids.stream().mapToInt(Integer::intValue).toArray();
        pairStart = starts.stream().mapToInt(Integer::intValue).toArray();
        other = rest.stream().mapToInt(Integer::intValue).toArray();
        otherLiterals = rest.stream().map(literals::get).toArray(String[]::new);
    }

    /** The number of literals. */
    public int size() {
        return size;
    }

    /** Per literal, in the order given, whether {@code text} contains it. */
    public boolean[] present(String text) {
        boolean[] hit = new boolean[size];
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
            if (d >= 128) {
                continue;
            }
            int key = c * 128 + d;
            long word = pairBits[key >>> 6];
            long bit = 1L << key;
            if ((word & bit) == 0) {
                continue;
            }
            int n = pairRank[key >>> 6] + Long.bitCount(word & (bit - 1));
            for (int k = pairStart[n]; k < pairStart[n + 1]; k++) {
                int id = pairIds[k];
                if (!hit[id]) {
                    hit[id] = startsAt(text, i, id);
                }
            }
        }
        for (int k = 0; k < other.length; k++) {
            hit[other[k]] = text.contains(otherLiterals[k]);
        }
        return hit;
    }

    /** Whether literal {@code id} (two or more characters, its first two already seen at {@code at}) starts at {@code at}. */
    private boolean startsAt(String text, int at, int id) {
        int from = charStart[id];
        int n = charStart[id + 1] - from;
        if (at + n > text.length()) {
            return false;
        }
        for (int j = 2; j < n; j++) {
            if (text.charAt(at + j) != chars[from + j]) {
                return false;
            }
        }
        return true;
    }
}
