package dev.bastion.guard.pii;

import java.util.Arrays;
import java.util.Locale;

/**
 * A text cut once into tokens for the name model: runs of letters and digits (with an inner apostrophe, hyphen or
 * dot between letters, as in O'Brien, Jean-Luc, S.A.), and every other visible character on its own. For each token
 * it keeps its UTF-16 start and end, its lower-case form and whether a line break precedes it. Immutable after
 * construction except for a cache of token shapes; not shared between threads.
 */
final class Tokens {
    final String text;
    /**
     * The characters of {@link #text}: loops over them read a plain array, with no per-character coder branch the
     * JIT would speculate on (a speculation that a later text breaks costs a recompilation of the whole caller).
     */
    final char[] chars;
    final int size;
    final int[] start;
    final int[] end;
    final String[] lower;
    final boolean[] lineBefore;
    /** Per token, what its first char is: {@link #WORD} letter or digit, {@link #UPPER}, {@link #LOWER} case. */
    private final byte[] kind;
    private static final byte WORD = 1;
    private static final byte UPPER = 2;
    private static final byte LOWER = 4;

    private Tokens(String text, char[] chars, int size, int[] start, int[] end, String[] lower, boolean[] lineBefore,
            byte[] kind) {
        this.text = text;
        this.chars = chars;
        this.size = size;
        this.start = start;
        this.end = end;
        this.lower = lower;
        this.lineBefore = lineBefore;
        this.kind = kind;
    }

    /** The lower-case string of each ASCII character: one-character tokens (punctuation, "a", "I") share them. */
    private static final String[] ONE_CHAR = new String[128];

    static {
        for (char c = 0; c < 128; c++) {
            ONE_CHAR[c] = String.valueOf(c).toLowerCase(Locale.ROOT);
        }
    }

    /** Tokenises {@code text}; never fails. */
    static Tokens of(String text) {
        int n = 0;
        int cap = Math.max(8, text.length() / 4);
        int[] s = new int[cap];
        int[] e = new int[cap];
        boolean[] line = new boolean[cap];
        boolean sawLine = false;
        int i = 0;
        char[] a = text.toCharArray(); // plain array reads: no bounds and coder checks per character
        int len = a.length;
        while (i < len) {
            char c = a[i];
            if (Chars.space(c)) {
                sawLine |= c == '\n' || c == '\r';
                i++;
                continue;
            }
            int from = i;
            if (Chars.letterOrDigit(c)) {
                i++;
                while (i < len) {
                    char d = a[i];
                    if (Chars.letterOrDigit(d)) {
                        i++;
                    } else if ((d == '\'' || d == '-' || d == '\u2019') && i + 1 < len
                            && Chars.letter(a[i + 1]) && Chars.letter(a[i - 1])) {
                        i++;
                    } else {
                        break;
                    }
                }
            } else {
                i += Character.charCount(text.codePointAt(i));
            }
            if (n == s.length) {
                s = Arrays.copyOf(s, n * 2);
                e = Arrays.copyOf(e, n * 2);
                line = Arrays.copyOf(line, n * 2);
            }
            s[n] = from;
            e[n] = i;
            line[n] = sawLine;
            sawLine = false;
            n++;
        }
        String[] lower = new String[n];
        byte[] kind = new byte[n];
        for (int k = 0; k < n; k++) {
            char c = text.charAt(s[k]);
            lower[k] = e[k] - s[k] == 1 && c < 128 ? ONE_CHAR[c] : text.substring(s[k], e[k]).toLowerCase(Locale.ROOT);
            kind[k] = (byte) ((Chars.letterOrDigit(c) ? WORD : 0) | (Chars.upper(c) ? UPPER : 0)
                    | (Chars.lower(c) ? LOWER : 0));
        }
        return new Tokens(text, a, n, s, e, lower, line, kind);
    }

    String word(int i) {
        return text.substring(start[i], end[i]);
    }

    /** Whether token {@code i} starts with an upper-case letter. */
    boolean capitalised(int i) {
        return (kind[i] & UPPER) != 0;
    }

    /**
     * Whether token {@code i} can be a word of a name: capitalised, shaped like a name, and neither a function word
     * nor a word {@link SpanRules#notName} rules out. The cue classes add their own exclusions on top.
     */
    boolean nameWord(int i) {
        String w = lower[i];
        return capitalised(i) && nameShaped(i) && !SpanRules.notName(w) && !SpanRules.FUNCTION_WORDS.contains(w);
    }

    /** Whether token {@code i} starts with a lower-case letter. */
    boolean startsLowerCase(int i) {
        return (kind[i] & LOWER) != 0;
    }

    /** Whether token {@code i} is two or more letters, an apostrophe or hyphen inside allowed: shaped like a name. */
    boolean nameShaped(int i) {
        if (end[i] - start[i] < 2) {
            return false;
        }
        for (int k = start[i]; k < end[i]; k++) {
            char c = text.charAt(k);
            if (!Chars.letter(c) && c != '-' && c != '\'' && c != '\u2019') {
                return false;
            }
        }
        return true;
    }

    /** Whether token {@code i} is a letter-or-digit run (not punctuation). */
    boolean isWord(int i) {
        return (kind[i] & WORD) != 0;
    }

    /**
     * A compressed shape: upper-case letters as X, lower as x, digits as d, others kept, runs of the same class
     * collapsed (so Smith is Xx, SMITH is X, 12-34 is d-d, McDonald is XxXx).
     */
    String shape(int i) {
        if (shapes == null) {
            shapes = new String[size];
        }
        String cached = shapes[i];
        if (cached == null) {
            cached = computeShape(i);
            shapes[i] = cached;
        }
        return cached;
    }

    private String[] shapes;
    private long cueWords = -1;

    /** The {@link CueWords} bits of all tokens together: which cue classes can find anything in this text. */
    long cueWords() {
        if (cueWords < 0) {
            long bits = 0;
            for (int i = 0; i < size; i++) {
                bits |= CueWords.of(lower[i]);
            }
            cueWords = bits;
        }
        return cueWords;
    }
    private long[] shapeKeys;
    private boolean[] shapeKnown;

    /**
     * {@code shape(i).hashCode() * 0x100000001B3L + shape(i).length()}, the key the name model hashes a shape by,
     * worked out from the characters without building the shape string (String.hashCode is specified as the
     * polynomial computed here).
     */
    long shapeKey(int i) {
        if (shapeKeys == null) {
            shapeKeys = new long[size];
            shapeKnown = new boolean[size];
        }
        if (!shapeKnown[i]) {
            int h = 0;
            int n = 0;
            char last = 0;
            for (int k = start[i]; k < end[i] && n < 6; k++) {
                char c = text.charAt(k);
                char m = Chars.upper(c) ? 'X' : Chars.letter(c) ? 'x' : Chars.digit(c) ? 'd' : c;
                if (m != last) {
                    h = 31 * h + m;
                    n++;
                    last = m;
                }
            }
            shapeKeys[i] = h * 0x100000001B3L + n;
            shapeKnown[i] = true;
        }
        return shapeKeys[i];
    }

    private String computeShape(int i) {
        StringBuilder b = new StringBuilder(6);
        char last = 0;
        for (int k = start[i]; k < end[i] && b.length() < 6; k++) {
            char c = text.charAt(k);
            char m = Chars.upper(c) ? 'X' : Chars.letter(c) ? 'x' : Chars.digit(c) ? 'd' : c;
            if (m != last) {
                b.append(m);
                last = m;
            }
        }
        return b.toString();
    }
}
