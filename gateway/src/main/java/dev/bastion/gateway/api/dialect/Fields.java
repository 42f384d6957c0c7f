package dev.bastion.gateway.api.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.Refusal;
import java.util.Optional;
import java.util.Set;

/**
 * Checks on request fields shared by the dialects. Every failure is a {@link Refusal} with a 400 that names the
 * field ({@code param}) and says what was expected; messages never contain the request's values.
 */
final class Fields {
    private Fields() {
    }

    /**
     * A 400 naming {@code param} (a path such as {@code messages[2].content[0].type}). Its code names only the
     * top-level field ({@code invalid_messages}): codes are metric labels and audit outcomes, so they must come from
     * a small fixed set, never from indexes or names the client chose.
     */
    static Refusal bad(String param, String message) {
        int end = param.length();
        for (int i = 0; i < param.length(); i++) {
            if (param.charAt(i) == '[' || param.charAt(i) == '.') {
                end = i;
                break;
            }
        }
        return new Refusal(new ApiError(400, "invalid_request_error", "invalid_" + param.substring(0, end), message,
                Optional.of(param), Optional.empty()));
    }

    /** Whether {@code field} is present and not null. */
    static boolean present(JsonNode json, String field) {
        return json.hasNonNull(field);
    }

    static String requireString(JsonNode json, String field, String at) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            throw bad(at, "'" + at + "' is required.");
        }
        if (!v.isTextual()) {
            throw bad(at, "'" + at + "' must be a string.");
        }
        return v.asText();
    }

    static void requireObject(JsonNode v, String at) {
        if (!v.isObject()) {
            throw bad(at, "'" + at + "' must be an object.");
        }
    }

    /** Copies {@code from.field} to {@code to.as} when present; {@code null} values are dropped. */
    static void copy(ObjectNode from, String field, ObjectNode to, String as) {
        if (present(from, field)) {
            to.set(as, from.get(field));
        }
    }

    /**
     * Refuses fields the dialect does not know: a request is either translated faithfully or refused, never
     * answered with a field silently dropped.
     */
    static void refuseUnknown(ObjectNode request, Set<String> known, String endpoint) {
        for (var names = request.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!known.contains(name)) {
                boolean plain = plainName(name);
                throw new Refusal(new ApiError(400, "invalid_request_error", "unknown_field", "Unknown or unsupported "
                        + "field " + (plain ? "'" + name + "'" : "(a name that is not a plain identifier)") + " for "
                        + endpoint + "; docs/api-compatibility.md lists what Bastion translates.",
                        Optional.of(plain ? name : "body"), Optional.empty()));
            }
        }
    }

    /** Whether a client's field name is short and plain enough to be named back in an error. */
    private static boolean plainName(String name) {
        if (name.isEmpty() || name.length() > 64) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    /** Refuses a field whose value is present and not {@code allowed}. */
    static void refuseUnless(ObjectNode request, String field, JsonNode allowed, String message) {
        JsonNode v = request.get(field);
        if (v != null && !v.isNull() && !v.equals(allowed)) {
            throw bad(field, message);
        }
    }
}
