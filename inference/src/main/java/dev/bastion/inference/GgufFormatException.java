package dev.bastion.inference;

import java.io.IOException;
import java.io.Serial;

/**
 * A GGUF file whose content breaks the format: the message says what is wrong and where (the key, the tensor, the
 * byte offset) and what was expected. Thrown for every malformed input; the parser never lets an index, arithmetic
 * or allocation failure escape instead.
 */
public final class GgufFormatException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** A format error described by {@code message}. */
    public GgufFormatException(String message) {
        super(message);
    }

    /** The same error as {@code cause}, with {@code message} giving more context (usually the file's path). */
    public GgufFormatException(String message, GgufFormatException cause) {
        super(message, cause);
    }
}
