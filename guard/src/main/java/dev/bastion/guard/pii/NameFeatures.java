package dev.bastion.guard.pii;

/**
 * The features of one token for the name model, as 64-bit hashes of (template, value): the word, its affixes and
 * shape, its neighbours up to two away, gazetteer membership of it and its neighbours, line and sentence starts,
 * and the layout of its line (heading, list item, table row, key or value of a key: value line, upper-case line).
 * The features that depend on the previous tags are added by {@link NameModel} while decoding. Hashing the lower-case
 * form (String caches its hash) keeps extraction free of string building for the word features.
 */
final class NameFeatures {
    private NameFeatures() {
    }

    static final int STATIC = 26;

    static long hash(int template, long value) {
        long h = value * 0x9E3779B97F4A7C15L + template * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 29);
    }

    private static long str(String s) {
        return s.hashCode() * 0x100000001B3L + s.length();
    }

    /** {@code str(s.substring(from, to))} without the copy: String.hashCode is specified as this polynomial. */
    private static long str(String s, int from, int to) {
        int h = 0;
        for (int k = from; k < to; k++) {
            h = 31 * h + s.charAt(k);
        }
        return h * 0x100000001B3L + (to - from);
    }

    /** Fills {@code out} (length {@link #STATIC}) with the static features of token {@code i}. */
    static void of(Tokens t, int[] gaz, int[] places, int i, long[] out) {
        of(t, gaz, places, new int[t.size], i, out);
    }

    /** As {@link #of(Tokens, int[], int[], int, long[])}, with the line layout bits of {@link #layout}. */
    static void of(Tokens t, int[] gaz, int[] places, int[] layout, int i, long[] out) {
        Gazetteers g = Gazetteers.get();
        String w = t.lower[i];
        long shape = t.shapeKey(i);
        int n = w.length();
        boolean start = i == 0 || endsSentence(t, i - 1);
        int k = 0;
        out[k++] = hash(1, 0);
        out[k++] = hash(2, str(w));
        out[k++] = hash(3, n > 3 ? str(w, n - 3, n) : str(w));
        out[k++] = hash(4, n > 2 ? str(w, n - 2, n) : str(w));
        out[k++] = hash(5, n > 2 ? str(w, 0, 2) : str(w));
        out[k++] = hash(6, shape);
        out[k++] = hash(7, i > 0 ? str(t.lower[i - 1]) : 1);
        out[k++] = hash(8, i + 1 < t.size ? str(t.lower[i + 1]) : 1);
        out[k++] = hash(9, i > 1 ? str(t.lower[i - 2]) : 1);
        out[k++] = hash(10, i + 2 < t.size ? str(t.lower[i + 2]) : 1);
        out[k++] = hash(11, i > 0 ? t.shapeKey(i - 1) : 1);
        out[k++] = hash(12, i + 1 < t.size ? t.shapeKey(i + 1) : 1);
        out[k++] = hash(13, gaz[i] * 4L + (t.capitalised(i) ? 1 : 0) + (start ? 2 : 0));
        out[k++] = hash(14, i > 0 ? gaz[i - 1] : -1);
        out[k++] = hash(15, i + 1 < t.size ? gaz[i + 1] : -1);
        out[k++] = hash(16, (start ? 1 : 0) + (t.lineBefore[i] ? 2 : 0) + 4L * shape);
        out[k++] = hash(17, i > 1 ? str(t.lower[i - 2]) * 31 + str(t.lower[i - 1]) : 1);
        out[k++] = hash(18, i + 2 < t.size ? str(t.lower[i + 1]) * 31 + str(t.lower[i + 2]) : 1);
        out[k++] = hash(19, Math.min(n, 12) * 64L + shape);
        out[k++] = hash(20, places[i]);
        out[k++] = hash(21, i > 0 ? str(t.lower[i - 1]) * 31 + shape : 1);
        out[k++] = hash(22, i + 2 < t.size ? gaz[i + 2] : -1);
        out[k++] = hash(23, (i > 0 && t.lineBefore[i - 1] ? 1 : 0) + (i + 1 < t.size && t.lineBefore[i + 1] ? 2 : 0)
                + 4L * gaz[i]);
        out[k++] = hash(24, i > 0 ? gaz[i - 1] * 31L + shape : -2);
        out[k++] = hash(25, layout[i]);
        out[k++] = hash(26, layout[i] * 1024L + gaz[i] * 2L + (t.capitalised(i) ? 1 : 0));
        assert k == STATIC && g != null;
    }

    /** Layout bits: the token opens its line. */
    static final int LINE_START = 1;
    /** Layout bits: the token is its line's only word. */
    static final int WHOLE_LINE = 2;
    /** Layout bits: the line has letters and none of them is lower case. */
    static final int CAPS_LINE = 4;
    /** Layout bits: the line opens with a Markdown heading marker (#). */
    static final int HEADING = 8;
    /** Layout bits: the token follows a colon on its line (the value of a key: value line). */
    static final int VALUE = 16;
    /** Layout bits: a colon follows the token on its line and nothing but words lies between (the key). */
    static final int KEY = 32;
    /** Layout bits: the line opens with a list marker (-, *, >, or a number and a full stop). */
    static final int LIST = 64;
    /** Layout bits: the line holds a table bar (|). */
    static final int TABLE = 128;

    /**
     * Where each token sits in the layout of its line: line start, whole line, upper-case line, heading, key or
     * value of a key: value line, list item, table row (bits above). One pass over the tokens.
     */
    static int[] layout(Tokens t) {
        int[] out = new int[t.size];
        int from = 0;
        while (from < t.size) {
            int to = from + 1;
            while (to < t.size && !t.lineBefore[to]) {
                to++;
            }
            int bits = 0;
            int words = 0;
            int colon = -1;
            boolean lowerSeen = false;
            boolean letterSeen = false;
            for (int k = from; k < to; k++) {
                String w = t.lower[k];
                if (t.isWord(k)) {
                    words++;
                    for (int c = t.start[k]; c < t.end[k] && !lowerSeen; c++) {
                        char ch = t.text.charAt(c);
                        letterSeen |= Chars.letter(ch);
                        lowerSeen = Chars.lower(ch);
                    }
                } else if (w.equals("|")) {
                    bits |= TABLE;
                } else if (w.equals(":") && colon < 0) {
                    colon = k;
                }
            }
            String first = t.lower[from];
            bits |= letterSeen && !lowerSeen ? CAPS_LINE : 0;
            bits |= first.equals("#") ? HEADING : 0;
            bits |= first.equals("-") || first.equals("*") || first.equals(">") || first.equals("\u2022")
                    || (from + 1 < to && t.lower[from + 1].equals(".") && first.chars().allMatch(Character::isDigit))
                    ? LIST : 0;
            for (int k = from; k < to; k++) {
                int b = bits | (k == from ? LINE_START : 0) | (words == 1 && t.isWord(k) ? WHOLE_LINE : 0);
                if (colon >= 0) {
                    b |= k > colon ? VALUE : (k < colon && colon - from <= 4 ? KEY : 0);
                }
                out[k] = b;
            }
            from = to;
        }
        return out;
    }

    /** Gazetteer bits per token, and multi-word place membership (1 first token, 2 inside, 0 none). */
    static int[][] lookups(Tokens t) {
        Gazetteers g = Gazetteers.get();
        int[] gaz = new int[t.size];
        int[] places = new int[t.size];
        for (int i = 0; i < t.size; i++) {
            gaz[i] = t.isWord(i) ? g.flags(t.lower[i]) : 0;
        }
        for (int i = 0; i < t.size; i++) {
            if (!t.capitalised(i) || i + 1 >= t.size || !g.multiPlaceFirst.contains(t.lower[i])) {
                continue; // no multi-word place starts with this token, so no join below can be one
            }
            StringBuilder b = new StringBuilder(t.lower[i]);
            for (int j = i + 1; j < t.size && j < i + 4; j++) {
                b.append(' ').append(t.lower[j]);
                if (g.multiPlaces.contains(b.toString())) {
                    places[i] = 1;
                    for (int m = i + 1; m < j + 1; m++) { // not m <= j: C2 trapped on that limit
                        places[m] = 2;
                    }
                }
            }
        }
        return new int[][] {gaz, places, layout(t)};
    }

    static boolean endsSentence(Tokens t, int i) {
        if (t.lineBefore[i + 1]) {
            return true;
        }
        String w = t.lower[i];
        return w.equals(".") || w.equals("!") || w.equals("?") || w.equals(":") || w.equals("\"");
    }
}
