package dev.bastion.gateway.api.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Responses API's {@code input} as chat messages: a string is one user message; a list of items maps item
 * by item, with consecutive {@code function_call} items gathered into one assistant message's {@code tool_calls}
 * and each {@code function_call_output} a {@code tool} message.
 */
final class ResponsesInput {
    private ResponsesInput() {
    }

    static void translate(JsonNode input, ArrayNode messages) {
        if (input == null || input.isNull()) {
            throw Fields.bad("input", "'input' is required: a string or a list of input items.");
        }
        if (input.isTextual()) {
            messages.addObject().put("role", "user").put("content", input.asText());
            return;
        }
        if (!input.isArray() || input.isEmpty()) {
            throw Fields.bad("input", "'input' must be a string or a non-empty list of input items.");
        }
        for (int i = 0; i < input.size(); i++) {
            item(input.get(i), "input[" + i + "]", messages);
        }
    }

    private static void item(JsonNode item, String at, ArrayNode messages) {
        Fields.requireObject(item, at);
        String type = item.path("type").asText(item.has("role") ? "message" : "");
        switch (type) {
            case "message" -> message(item, at, messages);
            case "function_call" -> {
                ObjectNode call = Json.object();
                call.put("id", Fields.requireString(item, "call_id", at + ".call_id"));
                call.put("type", "function");
                call.putObject("function").put("name", Fields.requireString(item, "name", at + ".name"))
                        .put("arguments", Fields.requireString(item, "arguments", at + ".arguments"));
                JsonNode last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
                ObjectNode assistant = last != null && "assistant".equals(last.path("role").asText())
                        ? (ObjectNode) last : messages.addObject().put("role", "assistant").putNull("content");
                (assistant.get("tool_calls") instanceof ArrayNode a ? a : assistant.putArray("tool_calls")).add(call);
            }
            case "function_call_output" -> {
                ObjectNode tool = messages.addObject().put("role", "tool");
                tool.put("tool_call_id", Fields.requireString(item, "call_id", at + ".call_id"));
                JsonNode output = item.get("output");
                if (output != null && output.isArray()) {
                    tool.set("content", parts(output, at + ".output", false));
                } else {
                    tool.put("content", Fields.requireString(item, "output", at + ".output"));
                }
            }
            default -> throw Fields.bad(at + ".type", at + ".type must be message, function_call or "
                    + "function_call_output (Bastion keeps no items server-side, so item references, reasoning and "
                    + "hosted-tool items are not supported).");
        }
    }

    private static void message(JsonNode item, String at, ArrayNode messages) {
        String role = Fields.requireString(item, "role", at + ".role");
        if (!ResponsesDialect.roles().contains(role)) {
            throw Fields.bad(at + ".role", at + ".role must be user, system, developer or assistant.");
        }
        JsonNode content = item.get("content");
        ObjectNode message = messages.addObject().put("role", role);
        if (content != null && content.isTextual()) {
            message.put("content", content.asText());
        } else if (content != null && content.isArray()) {
            message.set("content", parts(content, at + ".content", true));
        } else {
            throw Fields.bad(at + ".content", at + ".content must be a string or a list of content parts.");
        }
    }

    /** Content parts as chat parts: text parts, and images when {@code images}. */
    private static ArrayNode parts(JsonNode content, String at, boolean images) {
        ArrayNode out = Json.array();
        for (int p = 0; p < content.size(); p++) {
            JsonNode part = content.get(p);
            String partAt = at + "[" + p + "]";
            Fields.requireObject(part, partAt);
            switch (part.path("type").asText()) {
                case "input_text", "output_text" -> out.addObject().put("type", "text")
                        .put("text", Fields.requireString(part, "text", partAt + ".text"));
                case "input_image" -> {
                    if (!images || !part.path("image_url").isTextual()) {
                        throw Fields.bad(partAt, partAt + " must be an input_image with an image_url here (file ids "
                                + "are not supported).");
                    }
                    ObjectNode url = out.addObject().put("type", "image_url").putObject("image_url");
                    url.put("url", part.get("image_url").asText());
                    Fields.copy((ObjectNode) part, "detail", url, "detail");
                }
                default -> throw Fields.bad(partAt + ".type", partAt + ".type must be input_text, output_text or "
                        + "input_image.");
            }
        }
        return out;
    }

    /** Small constructors, to keep the switch readable. */
    private static final class Json {
        static ObjectNode object() {
            return dev.bastion.gateway.api.Json.MAPPER.createObjectNode();
        }

        static ArrayNode array() {
            return dev.bastion.gateway.api.Json.MAPPER.createArrayNode();
        }
    }
}
