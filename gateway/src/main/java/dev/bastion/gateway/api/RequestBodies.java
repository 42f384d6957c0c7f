package dev.bastion.gateway.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.guard.structure.Utf8;
import java.io.IOException;
import java.util.OptionalInt;

/** Turns raw request bytes into a JSON object, or into the {@link ApiError} that says why it cannot. */
public final class RequestBodies {
    private RequestBodies() {
    }

    /**
     * Validates UTF-8 strictly, then parses one JSON object.
     *
     * @throws Refusal with a 400 error naming the byte offset or line and column, never echoing the input
     */
    public static ObjectNode parseObject(byte[] body, int length) {
        if (length == 0) {
            throw new Refusal(ApiError.invalidRequest("empty_body", "The request body is empty; send a JSON object."));
        }
        OptionalInt bad = Utf8.firstInvalidByte(body, length);
        if (bad.isPresent()) {
            throw new Refusal(ApiError.invalidRequest("invalid_utf8",
                    "The request body is not valid UTF-8 (first invalid byte at offset " + bad.getAsInt() + ")."));
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body, 0, length);
        } catch (StreamConstraintsException e) {
            throw new Refusal(ApiError.invalidRequest("json_too_complex",
                    "The request body exceeds a JSON limit (nesting depth 64, number length 100)."));
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new Refusal(ApiError.invalidRequest("invalid_json", "The request body is not valid JSON" + where
                    + " (" + describe(e) + ")."));
        } catch (IOException e) {
            throw new Refusal(ApiError.invalidRequest("invalid_json", "The request body could not be read as JSON."));
        }
        if (node == null || node.isMissingNode()) {
            throw new Refusal(ApiError.invalidRequest("empty_body", "The request body is empty; send a JSON object."));
        }
        if (!(node instanceof ObjectNode object)) {
            throw new Refusal(ApiError.invalidRequest("invalid_json", "The request body must be a JSON object, not "
                    + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + "."));
        }
        return object;
    }

    /** A short description of a JSON syntax error that cannot contain input text. */
    private static String describe(JsonProcessingException e) {
        String name = e.getClass().getSimpleName();
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (original.startsWith("Unexpected end-of-input")) {
            return "the body ends too early";
        }
        if (original.startsWith("Duplicate field")) {
            return "a field appears twice in one object";
        }
        if (original.startsWith("Unexpected character") || original.startsWith("Unrecognized token")) {
            return "unexpected character or token";
        }
        if (original.startsWith("Trailing token")) {
            return "more content after the JSON object";
        }
        return name.replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The {@code input} field of an embeddings or moderations request: a string or an array of strings, 1 to
     * {@code maxItems} of them; anything else is a 400 that ends with {@code notText} (what this endpoint does not
     * take instead).
     */
    public static java.util.List<String> textInputs(ObjectNode request, int maxItems, String notText) {
        JsonNode input = request.get("input");
        java.util.List<String> inputs = new java.util.ArrayList<>();
        if (input != null && input.isTextual()) {
            inputs.add(input.asText());
        } else if (input != null && input.isArray()) {
            for (JsonNode n : input) {
                if (!n.isTextual()) {
                    throw new Refusal(ApiError.invalidParam("input", "'input' must be a string or an array of strings "
                            + "(" + notText + ")."));
                }
                inputs.add(n.asText());
            }
        } else {
            throw new Refusal(ApiError.invalidParam("input", "'input' is required: a string or an array of strings."));
        }
        if (inputs.isEmpty() || inputs.size() > maxItems) {
            throw new Refusal(ApiError.invalidParam("input", "'input' must have 1 to " + maxItems + " items."));
        }
        return inputs;
    }
}
