package dev.bastion.guard.secrets;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Turns the bytes of a file into text the way an editor would, so credentials in Windows configs (UTF-16 with or
 * without a byte-order mark) and legacy files (Latin-1) are scanned instead of skipped. Binary files give empty.
 *
 * <p>Order: a byte-order mark decides (UTF-8, UTF-16 LE/BE); else many NUL bytes on one parity of the first 4 KiB
 * mean UTF-16 without a mark; else strict UTF-8; else, when the bytes have no NUL and few control characters,
 * ISO-8859-1 (every byte is a character, so it cannot fail). Stateless and thread-safe.
 */
public final class TextDecoding {
    private static final int SNIFF = 4096;

    private TextDecoding() {
    }

    /** The text of {@code bytes}, or empty when they look binary. */
    public static Optional<String> decode(byte[] bytes) {
        int n = bytes.length;
        if (n >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF) {
            return strict(StandardCharsets.UTF_8, bytes, 3);
        }
        if (n >= 2 && (bytes[0] & 0xff) == 0xFF && (bytes[1] & 0xff) == 0xFE) {
            return strict(StandardCharsets.UTF_16LE, bytes, 2).filter(TextDecoding::mostlyText);
        }
        if (n >= 2 && (bytes[0] & 0xff) == 0xFE && (bytes[1] & 0xff) == 0xFF) {
            return strict(StandardCharsets.UTF_16BE, bytes, 2).filter(TextDecoding::mostlyText);
        }
        int sniff = Math.min(n, SNIFF);
        int evenNul = 0;
        int oddNul = 0;
        for (int i = 0; i < sniff; i++) {
            if (bytes[i] == 0) {
                if ((i & 1) == 0) {
                    evenNul++;
                } else {
                    oddNul++;
                }
            }
        }
        int pairs = sniff / 2;
        if (pairs > 0 && oddNul > pairs * 0.3 && evenNul < pairs * 0.05) {
            return strict(StandardCharsets.UTF_16LE, bytes, 0).filter(TextDecoding::mostlyText); // ASCII in UTF-16LE: NUL high bytes
        }
        if (pairs > 0 && evenNul > pairs * 0.3 && oddNul < pairs * 0.05) {
            return strict(StandardCharsets.UTF_16BE, bytes, 0).filter(TextDecoding::mostlyText);
        }
        if (evenNul + oddNul > 0) {
            return Optional.empty();
        }
        Optional<String> utf8 = strict(StandardCharsets.UTF_8, bytes, 0);
        if (utf8.isPresent()) {
            return utf8;
        }
        String latin1 = new String(bytes, StandardCharsets.ISO_8859_1);
        return mostlyText(latin1) ? Optional.of(latin1) : Optional.empty();
    }

    private static Optional<String> strict(Charset charset, byte[] bytes, int offset) {
        try {
            return Optional.of(charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, bytes.length - offset)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** At most 2% control characters other than tab, line feed, carriage return and form feed. */
    static boolean mostlyText(String s) {
        int control = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || (c >= 0x7f && c < 0xa0)) {
                control++;
            }
        }
        return control <= s.length() * 0.02;
    }
}
