package dev.bastion.gateway.api.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.api.Refusal;
import java.util.Set;

/**
 * OpenAI's Responses API, {@code POST /v1/responses}, over the chat pipeline. This class translates the request;
 * {@link ResponsesAnswers} builds the {@code response} object and the stream's events.
 *
 * <p>Translated: {@code input} as a string or a list of items ({@code message} items with roles user, system,
 * developer and assistant, content as a string or {@code input_text}/{@code output_text}/{@code input_image}
 * parts; {@code function_call} and {@code function_call_output} items), {@code instructions} (a system message
 * first), {@code max_output_tokens}, {@code temperature}, {@code top_p}, {@code tools} of type function,
 * {@code tool_choice}, {@code parallel_tool_calls}, {@code text.format} (text, json_object, json_schema),
 * {@code user}, {@code metadata} (echoed, not sent upstream), {@code stream}. Refused with a 400:
 * {@code previous_response_id} and {@code store: true} (Bastion keeps no responses server-side), other tool types,
 * other item and part types, and any unknown field. Errors keep OpenAI's shape.
 */
public final class ResponsesDialect implements Dialect {
    private static final Set<String> KNOWN = Set.of("model", "input", "instructions", "max_output_tokens",
            "temperature", "top_p", "tools", "tool_choice", "parallel_tool_calls", "text", "user", "metadata",
            "stream", "store", "previous_response_id", "truncation");
    private static final Set<String> ROLES = Set.of("user", "system", "developer", "assistant");

    private final String id;
    private final long created;
    private ObjectNode request = Json.MAPPER.createObjectNode();

    /** @param id the response id ({@code resp_...}) @param created epoch seconds of the request */
    public ResponsesDialect(String id, long created) {
        this.id = id;
        this.created = created;
    }

    @Override
    public String endpoint() {
        return "responses";
    }

    @Override
    public ObjectNode toChat(ObjectNode body) {
        Fields.refuseUnknown(body, KNOWN, "POST /v1/responses");
        if (Fields.present(body, "previous_response_id")) {
            throw new Refusal(ApiError.invalidParam("previous_response_id", "'previous_response_id' is not supported: "
                    + "Bastion keeps no responses server-side. Send the earlier turns in 'input' instead."));
        }
        Fields.refuseUnless(body, "store", com.fasterxml.jackson.databind.node.BooleanNode.FALSE, "'store: true' is not "
                + "supported: Bastion keeps no responses server-side. Leave 'store' out or set it to false.");
        Fields.refuseUnless(body, "truncation", Json.MAPPER.getNodeFactory().textNode("disabled"),
                "'truncation' must be \"disabled\": Bastion does not drop input to fit the context.");
        this.request = body;
        ObjectNode chat = Json.MAPPER.createObjectNode();
        chat.put("model", Fields.requireString(body, "model", "model"));
        ArrayNode messages = chat.putArray("messages");
        if (Fields.present(body, "instructions")) {
            messages.addObject().put("role", "system").put("content", Fields.requireString(body, "instructions", "instructions"));
        }
        ResponsesInput.translate(body.get("input"), messages);
        Fields.copy(body, "max_output_tokens", chat, "max_tokens");
        Fields.copy(body, "temperature", chat, "temperature");
        Fields.copy(body, "top_p", chat, "top_p");
        Fields.copy(body, "parallel_tool_calls", chat, "parallel_tool_calls");
        Fields.copy(body, "user", chat, "user");
        if (Fields.present(body, "metadata")) {
            Fields.requireObject(body.get("metadata"), "metadata");
        }
        if (Fields.present(body, "tools")) {
            chat.set("tools", tools(body.get("tools")));
        }
        if (Fields.present(body, "tool_choice")) {
            chat.set("tool_choice", toolChoice(body.get("tool_choice")));
        }
        if (Fields.present(body, "text")) {
            format(body.get("text"), chat);
        }
        if (Fields.present(body, "stream")) {
            chat.set("stream", body.get("stream"));
            if (body.get("stream").asBoolean(false)) {
                chat.putObject("stream_options").put("include_usage", true);
            }
        }
        return chat;
    }

    private static ArrayNode tools(JsonNode tools) {
        if (!tools.isArray()) {
            throw Fields.bad("tools", "'tools' must be an array.");
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String at = "tools[" + i + "]";
            Fields.requireObject(tool, at);
            if (!"function".equals(tool.path("type").asText())) {
                throw Fields.bad(at + ".type", at + ".type must be \"function\": Bastion does not run hosted tools "
                        + "(web search, file search, code interpreter, ...).");
            }
            ObjectNode fn = out.addObject().put("type", "function").putObject("function");
            fn.put("name", Fields.requireString(tool, "name", at + ".name"));
            Fields.copy((ObjectNode) tool, "description", fn, "description");
            Fields.copy((ObjectNode) tool, "parameters", fn, "parameters");
            Fields.copy((ObjectNode) tool, "strict", fn, "strict");
        }
        return out;
    }

    private static JsonNode toolChoice(JsonNode choice) {
        if (choice.isTextual() && Set.of("auto", "none", "required").contains(choice.asText())) {
            return choice;
        }
        if (choice.isObject() && "function".equals(choice.path("type").asText()) && choice.path("name").isTextual()) {
            ObjectNode out = Json.MAPPER.createObjectNode().put("type", "function");
            out.putObject("function").put("name", choice.get("name").asText());
            return out;
        }
        throw Fields.bad("tool_choice", "'tool_choice' must be \"auto\", \"none\", \"required\" or "
                + "{\"type\": \"function\", \"name\": ...}.");
    }

    private static void format(JsonNode text, ObjectNode chat) {
        Fields.requireObject(text, "text");
        JsonNode format = text.path("format");
        if (format.isMissingNode() || format.isNull()) {
            return;
        }
        switch (format.path("type").asText()) {
            case "text" -> { }
            case "json_object" -> chat.putObject("response_format").put("type", "json_object");
            case "json_schema" -> {
                ObjectNode schema = chat.putObject("response_format").put("type", "json_schema").putObject("json_schema");
                schema.put("name", Fields.requireString(format, "name", "text.format.name"));
                Fields.copy((ObjectNode) format, "description", schema, "description");
                Fields.copy((ObjectNode) format, "schema", schema, "schema");
                Fields.copy((ObjectNode) format, "strict", schema, "strict");
            }
            default -> throw Fields.bad("text.format.type", "'text.format.type' must be text, json_object or json_schema.");
        }
    }

    /** The request as the client sent it, for the fields a {@code response} object echoes. */
    ObjectNode request() {
        return request;
    }

    @Override
    public ObjectNode answer(ObjectNode completion) {
        return ResponsesAnswers.response(this, ChatAnswer.of(completion));
    }

    @Override
    public StreamTranslator stream() {
        return new ResponsesAnswers.Stream(this);
    }

    String id() {
        return id;
    }

    long created() {
        return created;
    }

    static Set<String> roles() {
        return ROLES;
    }
}
