package dev.bastion.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * An error as a client sees it: an HTTP status and OpenAI's error shape
 * {@code {"error":{"message","type","param","code"}}}. Every error the gateway sends is one of these, built by the
 * factory methods below, so the wording and mapping live in one place. Messages never contain prompt text, keys
 * or stack traces.
 *
 * @param status HTTP status
 * @param type OpenAI error type ({@code invalid_request_error}, {@code authentication_error}, ...)
 * @param code machine-readable code, also the refusal reason in metrics
 * @param message what went wrong and what to do, for a person
 * @param param the request field at fault, if one is
 * @param retryAfter value for the {@code Retry-After} header, if the client may retry
 */
public record ApiError(int status, String type, String code, String message, Optional<String> param,
        Optional<Duration> retryAfter) {

    public ApiError {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an error status must be 4xx or 5xx, got " + status);
        }
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(param, "param");
        Objects.requireNonNull(retryAfter, "retryAfter");
    }

    private static ApiError of(int status, String type, String code, String message) {
        return new ApiError(status, type, code, message, Optional.empty(), Optional.empty());
    }

    public static ApiError invalidRequest(String code, String message) {
        return of(400, "invalid_request_error", code, message);
    }

    public static ApiError invalidParam(String param, String message) {
        return new ApiError(400, "invalid_request_error", "invalid_" + paramCode(param), message, Optional.of(param),
                Optional.empty());
    }

    public static ApiError missingAuth() {
        return of(401, "authentication_error", "missing_api_key",
                "No API key provided. Send it as 'Authorization: Bearer bsk_...'.");
    }

    public static ApiError invalidAuth() {
        return of(401, "authentication_error", "invalid_api_key",
                "The API key is not valid: it is unknown, revoked or expired.");
    }

    public static ApiError forbidden(String code, String message) {
        return of(403, "permission_error", code, message);
    }

    public static ApiError policyBlocked(String code, String message) {
        return of(403, "policy_violation", code, message);
    }

    public static ApiError notFound(String code, String message) {
        return of(404, "invalid_request_error", code, message);
    }

    public static ApiError methodNotAllowed(String method, String path) {
        return of(405, "invalid_request_error", "method_not_allowed", method + " is not supported on " + path + ".");
    }

    public static ApiError payloadTooLarge(long limit) {
        return of(413, "invalid_request_error", "request_too_large",
                "The request body is larger than the limit of " + limit + " bytes (server.max-body-size).");
    }

    public static ApiError unsupportedMediaType() {
        return of(415, "invalid_request_error", "unsupported_media_type",
                "Send the request body as JSON with 'Content-Type: application/json'.");
    }

    public static ApiError rateLimited(String code, String message, Duration retryAfter) {
        return new ApiError(429, "rate_limit_error", code, message, Optional.empty(), Optional.of(retryAfter));
    }

    public static ApiError overloaded(String code, String message) {
        return new ApiError(503, "server_error", code, message, Optional.empty(), Optional.of(Duration.ofSeconds(1)));
    }

    public static ApiError upstream(int status, String code, String message) {
        return of(status, "upstream_error", code, message);
    }

    public static ApiError unavailable(String code, String message) {
        return of(503, "server_error", code, message);
    }

    public static ApiError internal(String requestId) {
        return of(500, "server_error", "internal_error",
                "The gateway failed to handle this request; it has been logged as request " + requestId + ".");
    }

    /** The OpenAI error body. */
    public ObjectNode toJson() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        if (param.isPresent()) {
            error.put("param", param.get());
        } else {
            error.putNull("param");
        }
        error.put("code", code);
        return root;
    }

    private static String paramCode(String param) {
        return param.replaceAll("[^A-Za-z0-9]+", "_").replaceAll("^_|_$", "");
    }
}
