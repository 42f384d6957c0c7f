package dev.bastion.inference;

/**
 * GPT-2's byte-level alphabet: every byte value has one printable code point, so byte-level BPE vocabularies can
 * store arbitrary bytes as text. Stateless and thread-safe.
 */
final class ByteLevel {

    /* The mapping (from GPT-2's encoder, and identical in every byte-level BPE since): the printable bytes
     * '!'..'~', 0xA1..0xAC and 0xAE..0xFF stand for themselves; the remaining 68 bytes (controls, space, 0x7F..0xA0,
     * 0xAD) take the code points U+0100, U+0101, ... in increasing byte order. So a space is U+0120 'Ġ' and a
     * newline U+010A 'Ċ'. */
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[0x144];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int next = 0x100;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
            char c = printable ? (char) b : (char) next++;
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {
    }

    /** The code point standing for byte {@code b} (0 to 255). */
    static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** Maps bytes to their byte-level text. */
    static String encode(byte[] bytes, int from, int to) {
        var sb = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            sb.append(BYTE_TO_CHAR[bytes[i] & 0xFF]);
        }
        return sb.toString();
    }

    /**
     * Maps byte-level text back to bytes.
     *
     * @return the bytes, or an empty array when {@code text} holds a character outside the alphabet (such a token
     *         is not byte-level text, and callers fall back to its UTF-8)
     */
    static byte[] decode(String text) {
        byte[] out = new byte[text.length()];
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
            if (b < 0) {
                return new byte[0];
            }
            out[i] = (byte) b;
        }
        return out;
    }
}
