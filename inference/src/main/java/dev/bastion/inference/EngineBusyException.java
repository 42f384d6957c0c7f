package dev.bastion.inference;

/** The engine's queue is full: the caller should retry later (HTTP 429 with Retry-After, or 503). */
public final class EngineBusyException extends Exception {
    private static final long serialVersionUID = 1L;

    EngineBusyException(String message) {
        super(message);
    }
}
