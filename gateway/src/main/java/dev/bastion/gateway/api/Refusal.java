package dev.bastion.gateway.api;

import java.util.Objects;

/**
 * A request is refused: carries the {@link ApiError} to send. Thrown by any pipeline stage and caught in exactly one
 * place (the pipeline's entry), which records the refusal and writes the error. Refusals are expected outcomes, not
 * bugs, so they carry no stack trace.
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
