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
     * Field names of the public OpenAI and Anthropic request shapes: an unknown field with one of these names is
     * named in the error. Any other name is the client's own text and is not echoed back (as model names are not).
     */
    private static final Set<String> API_FIELDS = Set.of("model", "messages", "input", "prompt", "instructions",
            "system", "max_tokens", "max_completion_tokens", "max_output_tokens", "temperature", "top_p", "top_k",
            "stop", "stop_sequences", "stream", "stream_options", "tools", "tool_choice", "functions", "function_call",
            "parallel_tool_calls", "response_format", "text", "n", "best_of", "echo", "suffix", "logprobs",
            "top_logprobs", "logit_bias", "seed", "user", "metadata", "store", "frequency_penalty", "presence_penalty",
            "previous_response_id", "truncation", "background", "include", "reasoning", "prompt_cache_key",
            "safety_identifier", "service_tier", "max_tool_calls", "conversation", "audio", "modalities", "prediction",
            "web_search_options", "thinking", "container", "mcp_servers", "context_management", "citations");

    /**
     * Refuses fields the dialect does not know: a request is either translated faithfully or refused, never
     * answered with a field silently dropped.
     */
    static void refuseUnknown(ObjectNode request, Set<String> known, String endpoint) {
        for (var names = request.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!known.contains(name)) {
                boolean api = API_FIELDS.contains(name);
                throw new Refusal(new ApiError(400, "invalid_request_error", "unknown_field", (api
                        ? "The field '" + name + "' is not supported on " + endpoint
                        : "The request has a field " + endpoint + " does not define (names are not echoed back)")
                        + "; docs/api-compatibility.md lists what Bastion translates.",
                        Optional.of(api ? name : "body"), Optional.empty()));
            }
        }
    }

    /** Refuses a field whose value is present and not {@code allowed}. */
    static void refuseUnless(ObjectNode request, String field, JsonNode allowed, String message) {
        JsonNode v = request.get(field);
        if (v != null && !v.isNull() && !v.equals(allowed)) {
            throw bad(field, message);
        }
    }
}
