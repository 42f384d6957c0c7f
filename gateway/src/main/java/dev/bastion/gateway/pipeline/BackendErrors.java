package dev.bastion.gateway.pipeline;

import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.backend.BackendException;

/** Maps backend failures to client errors, in one place. Upstream details stay in the server log. */
final class BackendErrors {
    /** Retry-After sent when a rate-limiting upstream gave none (or one that could not be read). */
    private static final java.time.Duration UPSTREAM_RATE_LIMIT_DEFAULT = java.time.Duration.ofSeconds(5);

    private BackendErrors() {
    }

    static ApiError toApiError(String model, BackendException e) {
        return switch (e.kind()) {
            case TIMEOUT -> ApiError.upstream(504, "upstream_timeout",
                    "The model '" + model + "' did not answer in time (models[].read-timeout).");
            case UNAVAILABLE -> ApiError.upstream(502, "upstream_unavailable",
                    "The model '" + model + "' could not be reached: " + e.getMessage());
            case UPSTREAM_AUTH -> ApiError.upstream(502, "upstream_auth_failed",
                    "The upstream of model '" + model + "' rejected the gateway's credentials; an administrator must fix "
                            + "models[].api-key-env or api-key-file.");
            case UPSTREAM_ERROR -> e.upstreamStatus() == 429
                    ? ApiError.rateLimited("upstream_rate_limited", "The upstream of model '" + model
                            + "' is rate limiting; retry later.", e.retryAfter().orElse(UPSTREAM_RATE_LIMIT_DEFAULT))
                    : e.upstreamStatus() == 529 // Anthropic's "overloaded": the service is busy, not broken
                    ? new ApiError(503, "server_error", "upstream_overloaded", "The upstream of model '" + model
                            + "' is overloaded; retry later.", java.util.Optional.empty(),
                            java.util.Optional.of(e.retryAfter().orElse(UPSTREAM_RATE_LIMIT_DEFAULT)))
                    : ApiError.upstream(502, "upstream_error", "The upstream of model '" + model + "' failed: "
                            + e.getMessage());
            case BAD_RESPONSE -> ApiError.upstream(502, "upstream_bad_response",
                    "The upstream of model '" + model + "' sent an invalid response.");
            case NOT_LOADED -> ApiError.unavailable("model_not_loaded", e.getMessage());
            case UNSUPPORTED -> ApiError.invalidRequest("unsupported", e.getMessage());
            case CONTEXT_LENGTH -> ApiError.invalidRequest("context_length_exceeded", e.getMessage());
            case BUSY -> ApiError.rateLimited("engine_busy", e.getMessage(), java.time.Duration.ofSeconds(2));
        };
    }
}
