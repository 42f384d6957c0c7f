package dev.bastion.gateway.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.backend.BackendException.Kind;
import dev.bastion.gateway.config.ModelSettings;
import java.io.IOException;

/**
 * Translates the OpenAI chat request the pipeline hands a backend into an Anthropic Messages API request.
 *
 * <p>The mapping: {@code system} and {@code developer} messages become the top-level {@code system} text (joined
 * by blank lines); {@code user} and {@code assistant} messages become turns whose text parts are {@code text}
 * blocks and whose {@code image_url} parts are {@code image} blocks (a {@code data:} URL as base64, anything else
 * as a URL source); an assistant's {@code tool_calls} become {@code tool_use} blocks (arguments parsed as JSON);
 * {@code tool} messages become {@code tool_result} blocks in a user turn. Consecutive turns of the same role are
 * merged, since the Messages API wants user and assistant turns to alternate. {@code max_completion_tokens} or
 * {@code max_tokens} becomes {@code max_tokens} (the model's configured {@code max-tokens} when the request names
 * none: the Messages API requires it); {@code stop} becomes {@code stop_sequences}; {@code tools} and
 * {@code tool_choice} are translated; {@code temperature} (capped at 1, Anthropic's maximum), {@code top_p} and
 * {@code user} (as {@code metadata.user_id}) pass. What the Messages API cannot do ({@code n > 1}, a JSON {@code response_format},
 * {@code logprobs}) is refused as {@link Kind#UNSUPPORTED} rather than silently dropped. Stateless.
 */
final class AnthropicRequests {
    private AnthropicRequests() {
    }

    static ObjectNode translate(ModelSettings model, ObjectNode request, boolean stream) throws BackendException {
        refuseUnsupported(request);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("model", model.upstreamModel());
        JsonNode max = request.has("max_completion_tokens") ? request.get("max_completion_tokens") : request.get("max_tokens");
        out.put("max_tokens", max != null && max.canConvertToInt() && max.asInt() > 0 ? max.asInt() : model.maxTokens());
        StringBuilder system = new StringBuilder();
        ArrayNode messages = Json.MAPPER.createArrayNode();
        for (JsonNode m : request.path("messages")) {
            String role = m.path("role").asText("");
            switch (role) {
                case "system", "developer" -> {
                    if (!system.isEmpty()) {
                        system.append("\n\n");
                    }
                    system.append(text(m.path("content")));
                }
                case "user" -> append(messages, "user", contentBlocks(m.path("content")));
                case "assistant" -> append(messages, "assistant", assistantBlocks(m));
                case "tool", "function" -> append(messages, "user", toolResult(m));
                default -> throw new BackendException(Kind.UNSUPPORTED, "messages with role '" + role
                        + "' cannot be sent to an Anthropic model");
            }
        }
        if (!system.isEmpty()) {
            out.put("system", system.toString());
        }
        out.set("messages", messages);
        if (request.has("temperature") && request.get("temperature").isNumber()) {
            out.put("temperature", Math.min(1.0, request.get("temperature").asDouble()));
        }
        if (request.has("top_p") && request.get("top_p").isNumber()) {
            out.set("top_p", request.get("top_p"));
        }
        JsonNode stop = request.get("stop");
        if (stop != null && stop.isTextual()) {
            out.putArray("stop_sequences").add(stop.asText());
        } else if (stop != null && stop.isArray() && !stop.isEmpty()) {
            out.set("stop_sequences", stop.deepCopy());
        }
        if (request.path("tools").isArray() && !request.path("tools").isEmpty()) {
            ArrayNode tools = out.putArray("tools");
            for (JsonNode t : request.path("tools")) {
                JsonNode fn = t.path("function");
                ObjectNode tool = tools.addObject();
                tool.put("name", fn.path("name").asText());
                if (fn.has("description")) {
                    tool.put("description", fn.path("description").asText());
                }
                tool.set("input_schema", fn.path("parameters").isObject() ? fn.get("parameters").deepCopy()
                        : Json.MAPPER.createObjectNode().put("type", "object"));
            }
            toolChoice(request).ifPresent(c -> out.set("tool_choice", c));
        }
        if (request.path("user").isTextual()) {
            out.putObject("metadata").put("user_id", request.get("user").asText());
        }
        if (stream) {
            out.put("stream", true);
        }
        return out;
    }

    private static void refuseUnsupported(ObjectNode request) throws BackendException {
        if (request.path("n").asInt(1) > 1) {
            throw new BackendException(Kind.UNSUPPORTED, "Anthropic models answer one choice per request ('n' must be 1)");
        }
        String format = request.path("response_format").path("type").asText("text");
        if (!format.equals("text")) {
            throw new BackendException(Kind.UNSUPPORTED, "Anthropic models do not take a 'response_format' of type '"
                    + format + "'");
        }
        if (request.path("logprobs").asBoolean(false)) {
            throw new BackendException(Kind.UNSUPPORTED, "Anthropic models do not return 'logprobs'");
        }
    }

    private static java.util.Optional<ObjectNode> toolChoice(ObjectNode request) {
        JsonNode choice = request.get("tool_choice");
        ObjectNode out = Json.MAPPER.createObjectNode();
        if (choice == null || choice.isNull() || choice.asText().equals("auto")) {
            out.put("type", "auto");
        } else if (choice.asText().equals("none")) {
            out.put("type", "none");
        } else if (choice.asText().equals("required")) {
            out.put("type", "any");
        } else if (choice.isObject()) {
            out.put("type", "tool");
            out.put("name", choice.path("function").path("name").asText());
        } else {
            out.put("type", "auto");
        }
        if (request.path("parallel_tool_calls").isBoolean() && !request.get("parallel_tool_calls").asBoolean()
                && !out.path("type").asText().equals("none")) {
            out.put("disable_parallel_tool_use", true);
        }
        return java.util.Optional.of(out);
    }

    /** Adds blocks as a turn of {@code role}, merged into the previous turn when that has the same role. */
    private static void append(ArrayNode messages, String role, ArrayNode blocks) {
        if (blocks.isEmpty()) {
            return;
        }
        if (!messages.isEmpty() && messages.get(messages.size() - 1).path("role").asText().equals(role)) {
            ((ArrayNode) messages.get(messages.size() - 1).get("content")).addAll(blocks);
            return;
        }
        ObjectNode turn = messages.addObject();
        turn.put("role", role);
        turn.set("content", blocks);
    }

    private static ArrayNode contentBlocks(JsonNode content) {
        ArrayNode blocks = Json.MAPPER.createArrayNode();
        if (content.isTextual()) {
            if (!content.asText().isEmpty()) {
                blocks.addObject().put("type", "text").put("text", content.asText());
            }
            return blocks;
        }
        for (JsonNode part : content) {
            String type = part.path("type").asText();
            if (type.equals("text") && !part.path("text").asText().isEmpty()) {
                blocks.addObject().put("type", "text").put("text", part.path("text").asText());
            } else if (type.equals("image_url")) {
                blocks.add(image(part.path("image_url").path("url").asText()));
            }
        }
        return blocks;
    }

    private static ObjectNode image(String url) {
        ObjectNode block = Json.MAPPER.createObjectNode();
        block.put("type", "image");
        ObjectNode source = block.putObject("source");
        int comma = url.indexOf(',');
        if (url.startsWith("data:") && comma > 0 && url.substring(0, comma).endsWith(";base64")) {
            source.put("type", "base64");
            source.put("media_type", url.substring(5, url.indexOf(';')));
            source.put("data", url.substring(comma + 1));
        } else {
            source.put("type", "url");
            source.put("url", url);
        }
        return block;
    }

    private static ArrayNode assistantBlocks(JsonNode m) throws BackendException {
        ArrayNode blocks = contentBlocks(m.path("content"));
        for (JsonNode call : m.path("tool_calls")) {
            ObjectNode use = blocks.addObject();
            use.put("type", "tool_use");
            use.put("id", call.path("id").asText());
            use.put("name", call.path("function").path("name").asText());
            String arguments = call.path("function").path("arguments").asText("");
            try {
                JsonNode input = arguments.isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(arguments);
                use.set("input", input.isObject() ? input : Json.MAPPER.createObjectNode());
            } catch (IOException e) {
                throw new BackendException(Kind.UNSUPPORTED, "a tool call's 'arguments' is not a JSON object, which "
                        + "Anthropic models require");
            }
        }
        return blocks;
    }

    private static ArrayNode toolResult(JsonNode m) {
        ArrayNode blocks = Json.MAPPER.createArrayNode();
        ObjectNode result = blocks.addObject();
        result.put("type", "tool_result");
        result.put("tool_use_id", m.path("tool_call_id").asText(m.path("name").asText("")));
        result.put("content", text(m.path("content")));
        return blocks;
    }

    /** The text of a content value: a string, or the text parts of an array joined. */
    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder b = new StringBuilder();
        for (JsonNode part : content) {
            if (part.path("type").asText().equals("text")) {
                b.append(part.path("text").asText());
            }
        }
        return b.toString();
    }
}
