package dev.bastion.guard.pii;

/**
 * The answers of {@link Character#isWhitespace(char)}, {@link Character#isLetterOrDigit(char)},
 * {@link Character#isLetter(char)}, {@link Character#isDigit(char)}, {@link Character#isUpperCase(char)} and
 * {@link Character#isLowerCase(char)} for every char, worked out once into a 64 KB table. Exactly the same answers
 * ({@code CharsTest} compares all 65,536 chars), but a table read instead of a virtual call through the JDK's
 * per-block {@code CharacterData} classes: the JIT speculates on which of those classes a call site sees, and the
 * first char of another block (a Cyrillic name after thousands of Latin ones) threw away the compiled tokeniser
 * and span checks and made C2 compile them again. Immutable and thread-safe.
 */
final class Chars {
    private Chars() {
    }

    private static final byte SPACE = 1;
    private static final byte LETTER = 2;
    private static final byte DIGIT = 4;
    private static final byte LETTER_OR_DIGIT = 8;
    private static final byte UPPER = 16;
    private static final byte LOWER = 32;
    private static final byte[] TABLE = new byte[Character.MAX_VALUE + 1];

    static {
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            char ch = (char) c;
            TABLE[c] = (byte) ((Character.isWhitespace(ch) ? SPACE : 0) | (Character.isLetter(ch) ? LETTER : 0)
                    | (Character.isDigit(ch) ? DIGIT : 0) | (Character.isLetterOrDigit(ch) ? LETTER_OR_DIGIT : 0)
                    | (Character.isUpperCase(ch) ? UPPER : 0) | (Character.isLowerCase(ch) ? LOWER : 0));
        }
    }

    static boolean space(char c) {
        return (TABLE[c] & SPACE) != 0;
    }

    static boolean letter(char c) {
        return (TABLE[c] & LETTER) != 0;
    }

    static boolean digit(char c) {
        return (TABLE[c] & DIGIT) != 0;
    }

    static boolean letterOrDigit(char c) {
        return (TABLE[c] & LETTER_OR_DIGIT) != 0;
    }

    static boolean upper(char c) {
        return (TABLE[c] & UPPER) != 0;
    }

    static boolean lower(char c) {
        return (TABLE[c] & LOWER) != 0;
    }
}
