package dev.bastion.gateway.api;

import java.util.Objects;

/**
 * Bad input, as the readers shared by the pipeline and other code report it (request bodies, dialect translations,
 * the admin endpoints): carries the {@link ApiError} to send. Pipeline stages never throw it across each other: the
 * pipeline turns it into a value at one place ({@code pipeline.Check.of}); the server layer catches it for body-read
 * errors and the admin endpoints. It carries no stack trace, since it is an expected outcome, not a bug.
 */
public final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient ApiError error;

    public Refusal(ApiError error) {
        super(error.code(), null, false, false);
        this.error = Objects.requireNonNull(error, "error");
    }

    public ApiError error() {
        return error;
    }
}
