package dev.bastion.inference;

import java.util.function.IntConsumer;

/**
 * Splits text into the words that byte-level BPE encodes one at a time, exactly as the pre-tokenizer regular
 * expressions of Llama 3 ({@code "llama-bpe"}) and Qwen2 ({@code "qwen2"}) do, without a regex engine.
 * Immutable and thread-safe; linear in the length of the text.
 */
final class PreTokenizer {

    /* Both pre-tokenizers are the same alternation, tried left to right at each position (leftmost match wins):
     *
     *   1  (?i:'s|'t|'re|'ve|'m|'ll|'d)
     *   2  [^\r\n\p{L}\p{N}]?\p{L}+
     *   3  \p{N}{1,3}            (qwen2: \p{N}, one digit per word)
     *   4  ' '?[^\s\p{L}\p{N}]+[\r\n]*
     *   5  \s*[\r\n]+
     *   6  \s+(?!\S)
     *   7  \s+
     *
     * (Source: tokenizer.json of Meta-Llama-3 and Qwen2.5/3, and llama.cpp's llama-vocab.cpp for the GGUF names.)
     * Every alternative is decided by looking at most two code points ahead and then scanning a run, so each is a
     * branch below. The only backtracking in the regexes is in 5 and 6: 5 matches a whitespace run up to and
     * including its last \r or \n; 6 matches a whitespace run that ends the text whole, and otherwise all of it but
     * its last code point (which then starts the next word, e.g. " hello" after the other spaces). \s is Unicode
     * White_Space (as in Rust's regex crate, which Hugging Face tokenizers use), \p{L} and \p{N} are the general
     * categories L* and N*. The case-insensitive contractions also accept U+017F (long s), which folds to 's'. */

    private final int maxDigits;

    private PreTokenizer(int maxDigits) {
        this.maxDigits = maxDigits;
    }

    /** Llama 3's pre-tokenizer ({@code tokenizer.ggml.pre = "llama-bpe"}): numbers in groups of up to 3 digits. */
    static PreTokenizer llama3() {
        return new PreTokenizer(3);
    }

    /** Qwen2's pre-tokenizer ({@code tokenizer.ggml.pre = "qwen2"}): every digit is its own word. */
    static PreTokenizer qwen2() {
        return new PreTokenizer(1);
    }

    /**
     * Splits {@code cps} (code points) into words, reporting the end index of each word in order; the first word
     * starts at 0 and each next word at the previous end.
     */
    void split(int[] cps, IntConsumer wordEnd) {
        int n = cps.length;
        int i = 0;
        while (i < n) {
            int end = next(cps, i);
            wordEnd.accept(end);
            i = end;
        }
    }

    private int next(int[] cps, int i) {
        int n = cps.length;
        int c = cps[i];
        int c1 = i + 1 < n ? cps[i + 1] : -1;
        // 1: contractions
        if (c == '\'' && c1 >= 0) {
            int l1 = Character.toLowerCase(c1);
            if (l1 == 's' || l1 == 't' || l1 == 'm' || l1 == 'd' || c1 == 0x17F) {
                return i + 2;
            }
            int c2 = i + 2 < n ? Character.toLowerCase(cps[i + 2]) : -1;
            if ((l1 == 'r' && c2 == 'e') || (l1 == 'v' && c2 == 'e') || (l1 == 'l' && c2 == 'l')) {
                return i + 3;
            }
        }
        // 2: an optional non-letter, non-digit, non-newline, then letters
        if (isLetter(c)) {
            return letters(cps, i + 1);
        }
        if (c != '\r' && c != '\n' && !isNumber(c) && c1 >= 0 && isLetter(c1)) {
            return letters(cps, i + 2);
        }
        // 3: digits
        if (isNumber(c)) {
            int j = i + 1;
            while (j < n && j - i < maxDigits && isNumber(cps[j])) {
                j++;
            }
            return j;
        }
        // 4: an optional space, then symbols, then newlines
        if (isSymbol(c) || (c == ' ' && c1 >= 0 && isSymbol(c1))) {
            int j = c == ' ' ? i + 2 : i + 1;
            while (j < n && isSymbol(cps[j])) {
                j++;
            }
            while (j < n && (cps[j] == '\r' || cps[j] == '\n')) {
                j++;
            }
            return j;
        }
        // c is white space from here on (everything else is a letter, a number or a symbol)
        int runEnd = i + 1;
        int lastNewline = -1;
        if (c == '\r' || c == '\n') {
            lastNewline = i;
        }
        while (runEnd < n && isWhitespace(cps[runEnd])) {
            if (cps[runEnd] == '\r' || cps[runEnd] == '\n') {
                lastNewline = runEnd;
            }
            runEnd++;
        }
        // 5: white space up to its last newline
        if (lastNewline >= 0) {
            return lastNewline + 1;
        }
        // 6: white space not followed by a non-space, or 7: a single white space before a non-space
        if (runEnd == n || runEnd - i == 1) {
            return runEnd;
        }
        return runEnd - 1;
    }

    private static int letters(int[] cps, int j) {
        while (j < cps.length && isLetter(cps[j])) {
            j++;
        }
        return j;
    }

    static boolean isLetter(int cp) {
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> true;
            default -> false;
        };
    }

    static boolean isNumber(int cp) {
        return switch (Character.getType(cp)) {
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> true;
            default -> false;
        };
    }

    /** Unicode White_Space (not Java's {@link Character#isWhitespace}, which differs on no-break spaces). */
    static boolean isWhitespace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
                || cp == 0x205F || cp == 0x3000;
    }

    /** Neither white space, letter nor number: {@code [^\s\p{L}\p{N}]}. */
    private static boolean isSymbol(int cp) {
        return !isWhitespace(cp) && !isLetter(cp) && !isNumber(cp);
    }
}
