package dev.bastion.gateway.api.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;

/**
 * Anthropic's {@code messages} as chat messages. A user turn's {@code tool_result} blocks become {@code tool}
 * messages placed before the rest of that turn (chat wants tool answers right after the assistant's calls); an
 * assistant turn's {@code tool_use} blocks become its {@code tool_calls}, with {@code input} as JSON text. Text
 * blocks become text parts; base64 and URL images become {@code image_url} parts.
 */
final class MessagesInput {
    private MessagesInput() {
    }

    static void translate(JsonNode messages, ArrayNode out) {
        if (messages == null || messages.isNull()) {
            throw Fields.bad("messages", "'messages' is required: a non-empty list of messages.");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw Fields.bad("messages", "'messages' must be a non-empty list of messages.");
        }
        for (int i = 0; i < messages.size(); i++) {
            message(messages.get(i), "messages[" + i + "]", out);
        }
    }

    private static void message(JsonNode message, String at, ArrayNode out) {
        Fields.requireObject(message, at);
        String role = Fields.requireString(message, "role", at + ".role");
        if (!role.equals("user") && !role.equals("assistant")) {
            throw Fields.bad(at + ".role", at + ".role must be user or assistant (the system prompt goes in 'system').");
        }
        JsonNode content = message.get("content");
        if (content != null && content.isTextual()) {
            out.addObject().put("role", role).put("content", content.asText());
            return;
        }
        if (content == null || !content.isArray()) {
            throw Fields.bad(at + ".content", at + ".content must be a string or a list of content blocks.");
        }
        ArrayNode parts = Json.MAPPER.createArrayNode();
        ArrayNode calls = Json.MAPPER.createArrayNode();
        for (int b = 0; b < content.size(); b++) {
            JsonNode block = content.get(b);
            String blockAt = at + ".content[" + b + "]";
            Fields.requireObject(block, blockAt);
            String type = block.path("type").asText();
            switch (type) {
                case "text" -> parts.addObject().put("type", "text")
                        .put("text", Fields.requireString(block, "text", blockAt + ".text"));
                case "image" -> {
                    if (!role.equals("user")) {
                        throw Fields.bad(blockAt, blockAt + ": images belong in user messages.");
                    }
                    parts.addObject().put("type", "image_url").putObject("image_url").put("url", imageUrl(block, blockAt));
                }
                case "tool_use" -> {
                    if (!role.equals("assistant")) {
                        throw Fields.bad(blockAt, blockAt + ": tool_use blocks belong in assistant messages.");
                    }
                    ObjectNode call = calls.addObject();
                    call.put("id", Fields.requireString(block, "id", blockAt + ".id"));
                    call.put("type", "function");
                    JsonNode input = block.get("input");
                    if (input == null || !input.isObject()) {
                        throw Fields.bad(blockAt + ".input", blockAt + ".input must be an object.");
                    }
                    call.putObject("function").put("name", Fields.requireString(block, "name", blockAt + ".name"))
                            .put("arguments", input.toString());
                }
                case "tool_result" -> {
                    if (!role.equals("user")) {
                        throw Fields.bad(blockAt, blockAt + ": tool_result blocks belong in user messages.");
                    }
                    ObjectNode tool = out.addObject().put("role", "tool");
                    tool.put("tool_call_id", Fields.requireString(block, "tool_use_id", blockAt + ".tool_use_id"));
                    tool.set("content", toolResult(block.get("content"), blockAt + ".content"));
                }
                default -> throw Fields.bad(blockAt + ".type", blockAt + ".type must be text, image, tool_use or "
                        + "tool_result (thinking, documents and server-tool blocks are not supported).");
            }
        }
        if (!parts.isEmpty() || !calls.isEmpty()) {
            ObjectNode m = out.addObject().put("role", role);
            if (parts.isEmpty()) {
                m.putNull("content");
            } else {
                m.set("content", parts);
            }
            if (!calls.isEmpty()) {
                m.set("tool_calls", calls);
            }
        }
    }

    private static String imageUrl(JsonNode block, String at) {
        JsonNode source = block.path("source");
        switch (source.path("type").asText()) {
            case "base64" -> {
                return "data:" + Fields.requireString(source, "media_type", at + ".source.media_type") + ";base64,"
                        + Fields.requireString(source, "data", at + ".source.data");
            }
            case "url" -> {
                return Fields.requireString(source, "url", at + ".source.url");
            }
            default -> throw Fields.bad(at + ".source", at + ".source must be a base64 or url image source.");
        }
    }

    /** A tool result's content: a string, or text blocks as text parts; missing content is an empty result. */
    private static JsonNode toolResult(JsonNode content, String at) {
        if (content == null || content.isNull()) {
            return Json.MAPPER.getNodeFactory().textNode("");
        }
        if (content.isTextual()) {
            return content;
        }
        if (!content.isArray()) {
            throw Fields.bad(at, at + " must be a string or a list of text blocks.");
        }
        ArrayNode parts = Json.MAPPER.createArrayNode();
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            if (!block.isObject() || !"text".equals(block.path("type").asText())) {
                throw Fields.bad(at + "[" + i + "]", at + "[" + i + "] must be a text block (images in tool "
                        + "results are not supported).");
            }
            parts.addObject().put("type", "text").put("text", Fields.requireString(block, "text", at + "[" + i + "].text"));
        }
        return parts;
    }
}
