package dev.bastion.gateway.backend;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A backend could not answer. {@link #getMessage()} is safe to show to clients: it never contains upstream
 * credentials, upstream response bodies that could echo the prompt, or prompt text.
 */
public final class BackendException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the backend failed; each maps to one HTTP status in {@code pipeline.BackendErrors}. */
    public enum Kind {
        /** The upstream could not be reached (connection refused, DNS, TLS). 502. */
        UNAVAILABLE,
        /** The upstream did not answer in time. 504. */
        TIMEOUT,
        /** The upstream answered with an error status. 502, or 429 when the upstream rate-limited us. */
        UPSTREAM_ERROR,
        /** The upstream answered something that is not a valid OpenAI response. 502. */
        BAD_RESPONSE,
        /** The upstream refused Bastion's credentials (401/403 upstream). 502. */
        UPSTREAM_AUTH,
        /** The model is declared but cannot run here (no local model loaded). 503. */
        NOT_LOADED,
        /** The request is one this backend cannot serve (for example a feature it lacks). 400. */
        UNSUPPORTED,
        /** The prompt does not fit the model's context. 400 context_length_exceeded. */
        CONTEXT_LENGTH,
        /** The local engine's queue is full. 429 with Retry-After. */
        BUSY
    }

    private final Kind kind;
    private final int upstreamStatus;
    private final boolean midStream;
    private final transient Optional<Duration> retryAfter;

    public BackendException(Kind kind, String message, int upstreamStatus, boolean midStream, Throwable cause) {
        this(kind, message, upstreamStatus, midStream, cause, Optional.empty());
    }

    /** As the five-argument constructor, with the delay the upstream asked for in its {@code Retry-After}. */
    public BackendException(Kind kind, String message, int upstreamStatus, boolean midStream, Throwable cause,
            Optional<Duration> retryAfter) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.upstreamStatus = upstreamStatus;
        this.midStream = midStream;
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    public BackendException(Kind kind, String message) {
        this(kind, message, 0, false, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The upstream's HTTP status, or 0 when there was none. */
    public int upstreamStatus() {
        return upstreamStatus;
    }

    /** The delay the upstream's {@code Retry-After} asked for (already bounded), if it sent one. */
    public Optional<Duration> retryAfter() {
        return retryAfter;
    }

    /** Whether some chunks had already been delivered when the failure happened. */
    public boolean midStream() {
        return midStream;
    }
}
