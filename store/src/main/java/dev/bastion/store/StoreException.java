package dev.bastion.store;

/** A store operation failed; the message names the operation, never the values involved. */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
