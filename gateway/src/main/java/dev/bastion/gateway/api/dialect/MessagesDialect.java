package dev.bastion.gateway.api.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.pipeline.Exchange;
import java.util.Optional;
import java.util.Set;

/**
 * Anthropic's Messages API, {@code POST /v1/messages}, over the chat pipeline. This class translates the request
 * and the key header; {@link MessagesAnswers} builds the {@code message} object, the stream's events and the
 * errors in Anthropic's shape.
 *
 * <p>Translated: {@code x-api-key} (or {@code Authorization: Bearer}), {@code max_tokens} (required, as Anthropic
 * requires it), {@code system} as a string or text blocks, {@code messages} with text, image, {@code tool_use} and
 * {@code tool_result} blocks, {@code tools} (name, description, input_schema), {@code tool_choice} (auto, any,
 * tool, none; {@code disable_parallel_tool_use}), {@code stop_sequences}, {@code temperature}, {@code top_p},
 * {@code top_k} (passed on as the extension of that name), {@code metadata.user_id} (as {@code user}),
 * {@code stream}. The {@code anthropic-version} header is accepted and not checked. Refused with a 400: extended
 * thinking, server tools, documents, images inside tool results, and any unknown field.
 */
public final class MessagesDialect implements Dialect {
    private static final Set<String> KNOWN = Set.of("model", "messages", "max_tokens", "system", "stop_sequences",
            "stream", "temperature", "top_p", "top_k", "tools", "tool_choice", "metadata", "thinking", "service_tier");

    private final String id;
    /** The request's stop sequences, the only ones an answer may say it stopped on. */
    private Set<String> stops = Set.of();

    /** @param id the message id ({@code msg_...}) */
    public MessagesDialect(String id) {
        this.id = id;
    }

    @Override
    public String endpoint() {
        return "messages";
    }

    /** Anthropic clients send the key as {@code x-api-key}; a bearer header, when sent, wins. */
    @Override
    public Optional<String> authorization(Exchange exchange) {
        Optional<String> bearer = exchange.header("Authorization");
        if (bearer.isPresent()) {
            return bearer;
        }
        return exchange.header("x-api-key").map(String::strip).filter(k -> !k.isEmpty()).map(k -> "Bearer " + k);
    }

    @Override
    public ObjectNode toChat(ObjectNode body) {
        Fields.refuseUnknown(body, KNOWN, "POST /v1/messages");
        ObjectNode chat = Json.MAPPER.createObjectNode();
        chat.put("model", Fields.requireString(body, "model", "model"));
        JsonNode max = body.get("max_tokens");
        if (max == null || max.isNull()) {
            throw Fields.bad("max_tokens", "'max_tokens' is required (the Messages API has no default).");
        }
        if (!max.isIntegralNumber() || !max.canConvertToInt() || max.asInt() < 1) {
            throw Fields.bad("max_tokens", "'max_tokens' must be a positive integer.");
        }
        chat.put("max_tokens", max.asInt());
        JsonNode thinking = body.path("thinking");
        if (!thinking.isMissingNode() && !thinking.isNull() && !"disabled".equals(thinking.path("type").asText())) {
            throw Fields.bad("thinking", "Extended thinking is not supported through Bastion; leave 'thinking' out.");
        }
        ArrayNode messages = chat.putArray("messages");
        if (Fields.present(body, "system")) {
            messages.addObject().put("role", "system").set("content", system(body.get("system")));
        }
        MessagesInput.translate(body.get("messages"), messages);
        if (Fields.present(body, "stop_sequences")) {
            JsonNode stops = body.get("stop_sequences");
            if (!stops.isArray()) {
                throw Fields.bad("stop_sequences", "'stop_sequences' must be a list of strings.");
            }
            for (JsonNode s : stops) {
                if (!s.isTextual()) {
                    throw Fields.bad("stop_sequences", "'stop_sequences' must be a list of strings.");
                }
            }
            if (!stops.isEmpty()) {
                chat.set("stop", stops);
                Set<String> requested = new java.util.HashSet<>();
                stops.forEach(stop -> requested.add(stop.asText()));
                this.stops = Set.copyOf(requested);
            }
        }
        JsonNode temperature = body.get("temperature");
        if (temperature != null && !temperature.isNull() && (!temperature.isNumber() || temperature.asDouble() < 0
                || temperature.asDouble() > 1)) {
            throw Fields.bad("temperature", "'temperature' must be a number from 0 to 1.");
        }
        Fields.copy(body, "temperature", chat, "temperature");
        Fields.copy(body, "top_p", chat, "top_p");
        Fields.copy(body, "top_k", chat, "top_k");
        if (Fields.present(body, "metadata")) {
            Fields.requireObject(body.get("metadata"), "metadata");
            if (body.get("metadata").path("user_id").isTextual()) {
                chat.put("user", body.get("metadata").get("user_id").asText());
            }
        }
        if (Fields.present(body, "tools")) {
            chat.set("tools", tools(body.get("tools")));
        }
        if (Fields.present(body, "tool_choice")) {
            toolChoice(body.get("tool_choice"), chat);
        }
        if (Fields.present(body, "stream")) {
            chat.set("stream", body.get("stream"));
            if (body.get("stream").asBoolean(false)) {
                chat.putObject("stream_options").put("include_usage", true);
            }
        }
        return chat;
    }

    private static JsonNode system(JsonNode system) {
        if (system.isTextual()) {
            return system;
        }
        if (!system.isArray()) {
            throw Fields.bad("system", "'system' must be a string or a list of text blocks.");
        }
        ArrayNode parts = Json.MAPPER.createArrayNode();
        for (int i = 0; i < system.size(); i++) {
            JsonNode block = system.get(i);
            if (!block.isObject() || !"text".equals(block.path("type").asText())) {
                throw Fields.bad("system[" + i + "]", "system[" + i + "] must be a text block.");
            }
            parts.addObject().put("type", "text").put("text", Fields.requireString(block, "text", "system[" + i + "].text"));
        }
        return parts;
    }

    private static ArrayNode tools(JsonNode tools) {
        if (!tools.isArray()) {
            throw Fields.bad("tools", "'tools' must be a list of tools.");
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String at = "tools[" + i + "]";
            Fields.requireObject(tool, at);
            String type = tool.path("type").asText("custom");
            if (!type.equals("custom")) {
                throw Fields.bad(at + ".type", at + " is a server tool; Bastion translates only client tools "
                        + "(name, description, input_schema).");
            }
            ObjectNode fn = out.addObject().put("type", "function").putObject("function");
            fn.put("name", Fields.requireString(tool, "name", at + ".name"));
            Fields.copy((ObjectNode) tool, "description", fn, "description");
            JsonNode schema = tool.get("input_schema");
            if (schema == null || !schema.isObject()) {
                throw Fields.bad(at + ".input_schema", at + ".input_schema is required: a JSON Schema object.");
            }
            fn.set("parameters", schema);
        }
        return out;
    }

    private static void toolChoice(JsonNode choice, ObjectNode chat) {
        Fields.requireObject(choice, "tool_choice");
        switch (choice.path("type").asText()) {
            case "auto" -> chat.put("tool_choice", "auto");
            case "any" -> chat.put("tool_choice", "required");
            case "none" -> chat.put("tool_choice", "none");
            case "tool" -> chat.putObject("tool_choice").put("type", "function").putObject("function")
                    .put("name", Fields.requireString(choice, "name", "tool_choice.name"));
            default -> throw Fields.bad("tool_choice.type", "'tool_choice.type' must be auto, any, tool or none.");
        }
        if (choice.path("disable_parallel_tool_use").asBoolean(false)) {
            chat.put("parallel_tool_calls", false);
        }
    }

    @Override
    public ObjectNode answer(ObjectNode completion) {
        return MessagesAnswers.message(id, ChatAnswer.of(completion), stops);
    }

    @Override
    public StreamTranslator stream() {
        return new MessagesAnswers.Stream(id, stops);
    }

    @Override
    public ObjectNode errorBody(ApiError error) {
        return MessagesAnswers.error(error.status(), error.type(), error.code(), error.message());
    }
}
