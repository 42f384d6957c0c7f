package dev.bastion.guard.pii;

import java.util.Arrays;
import java.util.List;

/**
 * The prefilter that keeps pattern recognisers off text they cannot match: clusters of digits with enough digits
 * for the identifier (a card needs 12), the words around trigger characters ('@' for e-mail, '.' and ':' inside a
 * word for domains, URLs, IPv6), and the text within a margin of a word starting with a cue (a month name, "zip",
 * "licence"), each widened out to the nearest whitespace (at most {@link #SNAP} further) and merged when they
 * overlap. A pattern whose matches lie inside such a region finds the same matches there as in the whole text, in
 * time proportional to the regions. Stateless.
 */
final class Windows {
    static final int SNAP = 128;
    static final int GAP = 7;

    private Windows() {
    }

    /**
     * Clusters of digits: runs of digits at most {@link #GAP} characters apart, widened out to whitespace, as flat
     * (start, end, digit count) triples in order. A number-shaped identifier lies inside one cluster.
     */
    static int[] digitClusters(String text) {
        int[] out = new int[24];
        int n = 0;
        // Plain array reads: String.charAt's Latin-1/UTF-16 test is loop-invariant; C2 hoisted it on the profile
        // (profile_predicate) and trapped at UTF-16 texts, recompiling this method (2 compiles with the array, not 4)
        char[] a = text.toCharArray();
        int len = a.length;
        int i = 0;
        while (i < len) {
            if (!Chars.digit(a[i])) {
                i++;
                continue;
            }
            int start = i;
            int end = i;
            int digits = 0;
            int k = i;
            while (k < len) {
                if (Chars.digit(a[k])) {
                    digits++;
                    end = ++k;
                } else if (k - end < GAP && a[k] != '\n') {
                    k++;
                } else {
                    break;
                }
            }
            int[] w = window(text, start, end, 0);
            if (n > 0 && w[0] <= out[n - 2]) {
                out[n - 2] = Math.max(out[n - 2], w[1]);
                out[n - 1] += digits;
            } else {
                if (n + 3 > out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                out[n++] = w[0];
                out[n++] = w[1];
                out[n++] = digits;
            }
            i = Math.max(end, k);
        }
        return Arrays.copyOf(out, n);
    }

    /** The (start, end) pairs of the clusters with at least {@code minDigits} digits. */
    static int[] withDigits(int[] clusters, int minDigits) {
        int[] out = new int[clusters.length / 3 * 2];
        int n = 0;
        for (int c = 0; c < clusters.length; c += 3) {
            if (clusters[c + 2] >= minDigits) {
                out[n++] = clusters[c];
                out[n++] = clusters[c + 1];
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** The regions (flat [start, end) pairs) of {@code windows} that hold an ASCII digit. */
    static int[] withAsciiDigit(String text, int[] windows) {
        int[] out = new int[windows.length];
        int n = 0;
        for (int w = 0; w < windows.length; w += 2) {
            for (int k = windows[w]; k < windows[w + 1]; k++) {
                char c = text.charAt(k);
                if (c >= '0' && c <= '9') {
                    out[n++] = windows[w];
                    out[n++] = windows[w + 1];
                    break;
                }
            }
        }
        return n == out.length ? windows : Arrays.copyOf(out, n);
    }

    /**
     * The regions of {@code windows} that hold a run of at least {@code run} ASCII letters and digits (or the two
     * non-ASCII letters that case-insensitive RE2 classes match as ASCII ones).
     */
    static int[] withRun(String text, int[] windows, int run) {
        int[] out = new int[windows.length];
        int n = 0;
        for (int w = 0; w < windows.length; w += 2) {
            int length = 0;
            for (int k = windows[w]; k < windows[w + 1] && length < run; k++) {
                char c = text.charAt(k);
                // RE2's (?i) also folds the long s and the Kelvin sign onto ASCII letters
                boolean alnum = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
                        || c == '\u017f' || c == '\u212a';
                length = alnum ? length + 1 : 0;
            }
            if (length >= run) {
                out[n++] = windows[w];
                out[n++] = windows[w + 1];
            }
        }
        return n == out.length ? windows : Arrays.copyOf(out, n);
    }

    /** Regions around every occurrence of a character of {@code chars}, as flat [start, end) pairs in order. */
    static int[] aroundChars(String text, String chars) {
        int[] out = new int[16];
        int n = 0;
        boolean[] wanted = new boolean[128];
        for (int k = 0; k < chars.length(); k++) {
            if (chars.charAt(k) >= 128) {
                throw new IllegalArgumentException("trigger characters must be ASCII: " + chars);
            }
            wanted[chars.charAt(k)] = true;
        }
        char[] a = text.toCharArray(); // plain array reads: no bounds and coder checks per character
        int coveredTo = -1;
        for (int i = 0; i < a.length; i++) {
            char c = a[i];
            if (c >= 128 || !wanted[c] || i < coveredTo || !trigger(text, i, c)) {
                continue;
            }
            int[] w = window(text, i, i + 1, 0);
            if (n > 0 && w[0] <= out[n - 1]) {
                out[n - 1] = Math.max(out[n - 1], w[1]);
            } else {
                if (n + 2 > out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                out[n++] = w[0];
                out[n++] = w[1];
            }
            coveredTo = out[n - 1]; // triggers inside this region add nothing
        }
        return Arrays.copyOf(out, n);
    }

    /** Regions within {@code margin} of every word of the lower-case text that starts with one of {@code words}. */
    static int[] aroundWords(String lower, List<String> words, int margin) {
        // each occurrence's region as (start << 32 | end); sorted by start and merged where they overlap or touch,
        // which is the union of the half-open regions, in time proportional to the occurrences, not the text
        long[] found = new long[16];
        int n = 0;
        for (String w : words) {
            for (int at = lower.indexOf(w); at >= 0; at = lower.indexOf(w, at + 1)) {
                if (at > 0 && Character.isLetter(lower.charAt(at - 1)) && !Character.isDigit(w.charAt(0))) {
                    continue; // "mar" in "summary" is no month
                }
                int[] win = window(lower, at, at + w.length(), margin);
                if (n == found.length) {
                    found = Arrays.copyOf(found, n * 2);
                }
                found[n++] = (long) win[0] << 32 | win[1];
            }
        }
        Arrays.sort(found, 0, n);
        int[] out = new int[2 * n];
        int m = 0;
        for (int k = 0; k < n; k++) {
            int a = (int) (found[k] >>> 32);
            int b = (int) found[k];
            if (m > 0 && a <= out[m - 1]) {
                out[m - 1] = Math.max(out[m - 1], b);
            } else {
                out[m++] = a;
                out[m++] = b;
            }
        }
        return Arrays.copyOf(out, m);
    }

    /**
     * Digits and '@' always trigger; punctuation ('.', ':', '-') only inside a word (no whitespace on either side),
     * since a full stop or colon before a space ends a sentence rather than joining a domain, URL or address.
     */
    private static boolean trigger(String text, int i, char c) {
        if (Character.isDigit(c) || c == '@') {
            return true;
        }
        return i > 0 && i + 1 < text.length() && !Character.isWhitespace(text.charAt(i - 1))
                && !Character.isWhitespace(text.charAt(i + 1));
    }

    private static int[] window(String text, int from, int to, int margin) {
        int a = Math.max(0, from - margin);
        // Both loops count a step up from 0 (the backward one counted a down; with it C2 trapped in its callers and
        // recompiled digitClusters 7 times in one eval-shaped run, 4 without it); Chars answers as Character does.
        int back = Math.min(a, SNAP);
        for (int step = 0; step < back && !Chars.space(text.charAt(a - 1)); step++) {
            a--;
        }
        int b = Math.min(text.length(), to + margin);
        int ahead = Math.min(text.length(), b + SNAP) - b;
        for (int step = 0; step < ahead && !Chars.space(text.charAt(b)); step++) {
            b++;
        }
        return new int[] {a, b};
    }
}
