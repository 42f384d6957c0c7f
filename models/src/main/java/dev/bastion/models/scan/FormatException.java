package dev.bastion.models.scan;

/** A model file breaks its format; the message says where and how. */
public final class FormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FormatException(String message) {
        super(message);
    }
}
