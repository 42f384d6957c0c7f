package dev.bastion.guard.injection;

import java.util.Arrays;

/**
 * Lexical features of normalised text, hashed into a fixed space: word unigrams and bigrams and, when
 * {@code charGrams} is set, character 3-, 4- and 5-grams (log counts, L2-normalised), then one slot per injection
 * rule (1 when it matches) and a few shape features (length, share of non-ASCII, hidden characters found, a rule hit
 * inside double quotation marks, a question mark at the end, a question word at the start: the marks of a text that
 * discusses an attack rather than makes one). Linear time. Stateless.
 *
 * <p>Character n-grams fit the style of each collection closely (punctuation habits, names, spelling), which scores
 * well on a split of the same collections and worse on a collection left out; the leave-one-source-out evaluation
 * ({@code bastion eval injection}) decides which set ships, and the model file records the choice.
 */
public final class Features {
    static final int HASH_BITS = 17;
    static final int HASHED = 1 << HASH_BITS;
    static final int SHAPE = 6;

    /**
     * A sparse vector: indices and values, same length; {@code ruleFound} says whether some rule matched the text the
     * features were read from (quoted or not), which is the scanned text itself when {@link #readsAsIs} holds.
     */
    public record Sparse(int[] index, float[] value, boolean ruleFound) {
        public Sparse {
            if (index.length != value.length) {
                throw new IllegalArgumentException("sparse vector index and value lengths differ");
            }
        }
    }

    /**
     * Whether {@link #of} reads {@code text} exactly as given: no longer than {@code maxChars} and with no whitespace
     * to squeeze (every whitespace character a single space).
     */
    static boolean readsAsIs(String text, int maxChars) {
        if (text.length() > maxChars) {
            return false;
        }
        boolean space = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ws = Character.isWhitespace(c);
            if (ws && (space || c != ' ')) {
                return false;
            }
            space = ws;
        }
        return true;
    }

    private Features() {
    }

    private static final double LN2_SQUARED = Math.log(2) * Math.log(2);

    static int size(int rules) {
        return HASHED + rules + SHAPE;
    }

    static Sparse of(String text, boolean hidden, InjectionRules rules, int maxChars, boolean charGrams) {
        return of(text, hidden, rules, maxChars, charGrams, 0);
    }

    /**
     * The features of {@code text}, with the word features' norm counting {@code phantomWords} extra words of no
     * evidence (value ln 2 each; round nine, shipped in the model file since round ten): a short text's few words are
     * not scaled up to the weight of a long text's hundreds (a six-word style request "Please don't repeat my
     * question this time." weighs each word at 0.28 against 0.04 in a jailbreak of three hundred words; with 16
     * phantom words the six-word request's words shrink by x0.64, a 50-word text's by x0.93).
     */
    static Sparse of(String text, boolean hidden, InjectionRules rules, int maxChars, boolean charGrams,
            int phantomWords) {
        if (phantomWords < 0) {
            throw new IllegalArgumentException("phantom words must be >= 0");
        }
        String t = text.length() > maxChars ? text.substring(0, maxChars) : text;
        StringBuilder squeezed = new StringBuilder(t.length());
        boolean space = false;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            boolean ws = Character.isWhitespace(c);
            if (ws && space) {
                continue;
            }
            squeezed.append(ws ? ' ' : c);
            space = ws;
        }
        String s = squeezed.toString();
        // Collect every hashed feature id, then sort and count runs: no boxing, linear-ish in the text.
        int grams = Math.max(0, s.length() - 2) * 3 + s.length() * 2 + 8;
        int[] ids = new int[grams];
        int count = 0;
        for (int n = 3; n <= 5 && charGrams; n++) {
            for (int i = 0; i + n <= s.length(); i++) {
                ids[count++] = bucket(s, i, i + n, n);
            }
        }
        boolean[] quoted = quotedSpans(s);
        String prev = null;
        int at = 0;
        for (String w : s.split(" ")) {
            int start = at;
            at += w.length() + 1;
            String word = strip(w);
            if (word.isEmpty()) {
                continue;
            }
            // Words inside a closed quotation are hashed apart: a text that quotes an attack to discuss it shares
            // the attack's words but not its features.
            boolean q = quoted[Math.min(start + w.indexOf(word.charAt(0)), quoted.length - 1)];
            ids[count++] = bucket((q ? "qw:" : "w:") + word, 0, word.length() + (q ? 3 : 2), 7);
            if (prev != null) {
                String bi = prev + " " + word;
                ids[count++] = bucket((q ? "qb:" : "b:") + bi, 0, bi.length() + (q ? 3 : 2), 11);
            }
            prev = word;
        }
        Arrays.sort(ids, 0, count);
        int[] uniq = new int[count];
        float[] freq = new float[count];
        int distinct = 0;
        for (int i = 0; i < count; ) {
            int j = i;
            while (j < count && ids[j] == ids[i]) {
                j++;
            }
            uniq[distinct] = ids[i];
            freq[distinct++] = j - i;
            i = j;
        }
        int r = rules.rules().size();
        int[] index = new int[distinct + r + SHAPE];
        float[] value = new float[index.length];
        int k = 0;
        double norm = 0;
        for (int i = 0; i < distinct; i++) {
            index[k] = uniq[i];
            value[k] = (float) Math.log1p(freq[i]);
            norm += value[k] * value[k];
            k++;
        }
        norm += phantomWords * LN2_SQUARED;
        float inv = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0;
        for (int i = 0; i < k; i++) {
            value[i] *= inv;
        }
        // A rule slot counts a match outside any closed quotation (like the words); a quoted match sets the
        // quoted-hit shape feature instead: the marks of a text that discusses an attack rather than makes one.
        boolean quotedHit = false;
        boolean ruleFound = false;
        boolean[] literals = rules.literalsIn(s); // every rule's literals, in one pass over s
        for (int i = 0; i < r; i++) {
            index[k] = HASHED + i;
            if (!rules.mayMatch(i, literals)) { // a literal the rule needs is absent: it cannot match (RequiredLiterals)
                value[k++] = 0;
                continue;
            }
            com.google.re2j.Matcher m = rules.rules().get(i).pattern().matcher(s);
            boolean open = false;
            while (!open && m.find()) {
                ruleFound = true;
                // Only a closed quotation hides a match from its slot (a stray quotation mark hides nothing).
                open = !quoted[Math.min(m.start(), quoted.length - 1)];
                quotedHit |= !open || insideQuotes(s, m.start());
            }
            value[k++] = open ? 1 : 0;
        }
        int nonAscii = 0;
        for (int i = 0; i < t.length(); i++) {
            if (t.charAt(i) > 0x7f) {
                nonAscii++;
            }
        }
        index[k] = HASHED + r;
        value[k++] = (float) (Math.log1p(text.length()) / 10);
        index[k] = HASHED + r + 1;
        value[k++] = t.isEmpty() ? 0 : (float) nonAscii / t.length();
        index[k] = HASHED + r + 2;
        value[k++] = hidden ? 1 : 0;
        // Discussing an attack rather than making it: the rule hit is quoted, the text asks a question.
        index[k] = HASHED + r + 3;
        value[k++] = quotedHit ? 1 : 0;
        String trimmed = s.strip();
        index[k] = HASHED + r + 4;
        value[k++] = trimmed.endsWith("?") ? 1 : 0;
        index[k] = HASHED + r + 5;
        value[k++] = startsWithQuestionWord(trimmed) ? 1 : 0;
        return new Sparse(Arrays.copyOf(index, k), Arrays.copyOf(value, k), ruleFound);
    }

    private static final java.util.Set<String> QUESTION_WORDS = java.util.Set.of("how", "what", "why", "which", "when",
            "where", "who", "is", "are", "does", "do", "can", "could", "should", "would", "will", "was", "were");

    private static boolean startsWithQuestionWord(String s) {
        int end = 0;
        while (end < s.length() && end < 12 && Character.isLetter(s.charAt(end))) {
            end++;
        }
        return QUESTION_WORDS.contains(s.substring(0, end));
    }

    /**
     * Marks the characters inside closed double quotations (straight, curly or guillemets) of at most
     * {@link #MAX_QUOTE} characters on one line; an unclosed or longer quotation marks nothing, so a stray quotation
     * mark cannot hide the rest of a text.
     */
    static boolean[] quotedSpans(String s) {
        boolean[] in = new boolean[Math.max(1, s.length())];
        int i = 0;
        while (i < s.length()) {
            if (!isQuote(s.charAt(i))) {
                i++;
                continue;
            }
            int j = i + 1;
            while (j < s.length() && j - i <= MAX_QUOTE && !isQuote(s.charAt(j)) && s.charAt(j) != '\n') {
                j++;
            }
            if (j < s.length() && isQuote(s.charAt(j))) {
                java.util.Arrays.fill(in, i, j + 1, true);
                i = j + 1;
            } else {
                i++;
            }
        }
        return in;
    }

    static final int MAX_QUOTE = 200;

    private static boolean isQuote(char c) {
        return c == '"' || c == '\u201c' || c == '\u201d' || c == '\u00ab' || c == '\u00bb';
    }

    /** An odd number of quotation marks in the 300 characters before {@code at} on its line: inside a quotation. */
    static boolean insideQuotes(String s, int at) {
        int quotes = 0;
        for (int i = at - 1; i >= Math.max(0, at - 300) && s.charAt(i) != '\n'; i--) {
            char c = s.charAt(i);
            if (c == '"' || c == '\u201c' || c == '\u201d' || c == '\u00ab' || c == '\u00bb') {
                quotes++;
            }
        }
        return quotes % 2 == 1;
    }

    private static String strip(String w) {
        int a = 0;
        int b = w.length();
        while (a < b && !Character.isLetterOrDigit(w.charAt(a))) {
            a++;
        }
        while (b > a && !Character.isLetterOrDigit(w.charAt(b - 1))) {
            b--;
        }
        return w.substring(a, b);
    }

    /** FNV-1a over the chars of s[from, to), salted, folded into HASH_BITS bits. */
    private static int bucket(CharSequence s, int from, int to, int salt) {
        int h = 0x811c9dc5 ^ salt * 0x9e3779b9;
        int end = Math.min(to, s.length());
        for (int i = from; i < end; i++) {
            h ^= s.charAt(i);
            h *= 0x01000193;
        }
        h ^= h >>> 15;
        h *= 0x2c1b3c6d;
        h ^= h >>> 12;
        return h & (HASHED - 1);
    }
}
