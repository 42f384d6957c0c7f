package dev.bastion.app;

import java.io.UncheckedIOException;

/** Turns an exception that ends a command into one line for the user. */
final class Errors {
    private Errors() {
    }

    static String describe(Throwable e) {
        if (e instanceof UncheckedIOException u && u.getCause() != null) {
            return u.getMessage() + " (" + u.getCause().getClass().getSimpleName() + ")";
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
