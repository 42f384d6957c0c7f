package dev.bastion.guard.structure;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/** Strict UTF-8 validation of request bodies, before any parser sees them. */
public final class Utf8 {
    private Utf8() {
    }

    /**
     * Returns the byte offset of the first byte that is not part of valid UTF-8 (overlong forms, surrogates encoded
     * in UTF-8 and truncated sequences included), or empty when all of {@code bytes} is valid.
     */
    public static OptionalInt firstInvalidByte(byte[] bytes, int length) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, length);
        try {
            decoder.decode(in);
            return OptionalInt.empty();
        } catch (MalformedInputException e) {
            return OptionalInt.of(in.position());
        } catch (CharacterCodingException e) {
            return OptionalInt.of(in.position());
        }
    }
}
