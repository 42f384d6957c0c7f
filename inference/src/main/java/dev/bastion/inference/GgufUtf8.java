package dev.bastion.inference;

/**
 * Strict UTF-8 validation (RFC 3629 section 4): no overlong forms, no surrogates (U+D800..U+DFFF), nothing above
 * U+10FFFF, no truncated or stray continuation bytes. A string that passes decodes with
 * {@code new String(bytes, UTF_8)} without any replacement character being substituted.
 */
final class GgufUtf8 {
    private GgufUtf8() {
    }

    /** The index of the first byte in {@code b[from, to)} that breaks UTF-8, or -1 if the range is valid. */
    static int invalidAt(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                i++;
                continue;
            }
            int len;
            int min; // the lowest allowed second byte, to refuse overlong forms and surrogates
            int max;
            if (c >= 0xc2 && c <= 0xdf) {
                len = 2;
                min = 0x80;
                max = 0xbf;
            } else if (c >= 0xe0 && c <= 0xef) {
                len = 3;
                min = c == 0xe0 ? 0xa0 : 0x80;
                max = c == 0xed ? 0x9f : 0xbf;
            } else if (c >= 0xf0 && c <= 0xf4) {
                len = 4;
                min = c == 0xf0 ? 0x90 : 0x80;
                max = c == 0xf4 ? 0x8f : 0xbf;
            } else {
                return i; // a continuation byte, an overlong lead (C0, C1) or F5..FF
            }
            if (i + len > to) {
                return i;
            }
            int second = b[i + 1] & 0xff;
            if (second < min || second > max) {
                return i;
            }
            for (int k = 2; k < len; k++) {
                if ((b[i + k] & 0xc0) != 0x80) {
                    return i;
                }
            }
            i += len;
        }
        return -1;
    }
}
