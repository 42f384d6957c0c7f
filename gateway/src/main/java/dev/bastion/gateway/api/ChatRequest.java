package dev.bastion.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A validated {@code /v1/chat/completions} request: the fields the gateway interprets, checked, over the original
 * JSON which is kept whole so everything else (tools, response_format, seed, logprobs, ...) passes through.
 *
 * <p>Text the scanners see is every message's string content and every {@code text} part of array content, in
 * order; {@link #texts()} lists them and {@link #withTexts(List)} writes rewritten texts back into a copy.
 * Non-text parts (images, audio, files) pass through unscanned.
 */
public final class ChatRequest {
    /**
     * A field only the {@code /v1/completions} dialect sets on the chat request it builds: the single user message
     * is a text to continue, not a chat. The local engine continues it raw (no chat template, so base models work);
     * upstream backends drop the field and answer the message as a one-message chat. On {@code /v1/chat/completions}
     * the pipeline refuses it as an unknown field.
     */
    public static final String TEXT_COMPLETION = "bastion_text_completion";
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");

    private final ObjectNode json;
    private final String model;
    private final boolean stream;
    private final boolean includeUsage;
    private final List<TextSlot> slots;
    /** Each slot's role, in order: made once, since every request asks (scan input, its controls, the stream guard). */
    private final List<String> roles;

    /** Where one scanned text lives: message index and, for array content, part index (-1 for string content). */
    public record TextSlot(int message, int part, String role) {
    }

    private ChatRequest(ObjectNode json, String model, boolean stream, boolean includeUsage, List<TextSlot> slots) {
        this.json = json;
        this.model = model;
        this.stream = stream;
        this.includeUsage = includeUsage;
        this.slots = List.copyOf(slots);
        String[] roles = new String[this.slots.size()];
        for (int i = 0; i < roles.length; i++) {
            roles[i] = this.slots.get(i).role();
        }
        this.roles = List.of(roles);
    }

    /**
     * Checks the fields the gateway relies on.
     *
     * @throws Refusal with a 400 naming the field when a field is missing or of the wrong type
     */
    public static ChatRequest from(ObjectNode json) {
        String model = requireModel(json);
        JsonNode messages = json.get("messages");
        if (messages == null || messages.isNull()) {
            throw new Refusal(ApiError.invalidParam("messages", "'messages' is required: a non-empty array of messages."));
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw new Refusal(ApiError.invalidParam("messages", "'messages' must be a non-empty array."));
        }
        List<TextSlot> slots = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            checkMessage(messages.get(i), i, slots);
        }
        boolean stream = optionalBoolean(json, "stream");
        boolean includeUsage = false;
        JsonNode options = json.get("stream_options");
        if (options != null && !options.isNull()) {
            if (!options.isObject()) {
                throw new Refusal(ApiError.invalidParam("stream_options", "'stream_options' must be an object."));
            }
            includeUsage = optionalBoolean((ObjectNode) options, "include_usage");
        }
        optionalPositiveInt(json, "max_tokens");
        optionalPositiveInt(json, "max_completion_tokens");
        JsonNode n = json.get("n");
        if (n != null && !n.isNull() && (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1 || n.asInt() > 16)) {
            throw new Refusal(ApiError.invalidParam("n", "'n' must be an integer from 1 to 16."));
        }
        optionalNumber(json, "temperature", 0, 2);
        optionalNumber(json, "top_p", 0, 1);
        if (optionalBoolean(json, TEXT_COMPLETION) && (messages.size() != 1 || !messages.get(0).path("content").isTextual())) {
            throw new Refusal(ApiError.invalidParam("messages", "A text completion is one message with string content."));
        }
        return new ChatRequest(json, model, stream, includeUsage, slots);
    }

    static String requireModel(ObjectNode json) {
        JsonNode model = json.get("model");
        if (model == null || model.isNull()) {
            throw new Refusal(ApiError.invalidParam("model", "'model' is required; GET /v1/models lists the models you may use."));
        }
        if (!model.isTextual() || model.asText().isBlank() || model.asText().length() > 256) {
            throw new Refusal(ApiError.invalidParam("model", "'model' must be a non-empty string of at most 256 characters."));
        }
        return model.asText();
    }

    private static void checkMessage(JsonNode message, int i, List<TextSlot> slots) {
        String at = "messages[" + i + "]";
        if (!message.isObject()) {
            throw new Refusal(ApiError.invalidParam(at, at + " must be an object with 'role' and 'content'."));
        }
        JsonNode role = message.get("role");
        if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
            throw new Refusal(ApiError.invalidParam(at + ".role",
                    at + ".role must be one of system, developer, user, assistant, tool."));
        }
        JsonNode content = message.get("content");
        boolean mayOmitContent = role.asText().equals("assistant")
                && (message.has("tool_calls") || message.has("function_call"));
        if (content == null || content.isNull()) {
            if (!mayOmitContent) {
                throw new Refusal(ApiError.invalidParam(at + ".content", at + ".content is required."));
            }
            return;
        }
        if (content.isTextual()) {
            slots.add(new TextSlot(i, -1, role.asText()));
            return;
        }
        if (!content.isArray()) {
            throw new Refusal(ApiError.invalidParam(at + ".content", at + ".content must be a string or an array of parts."));
        }
        for (int p = 0; p < content.size(); p++) {
            JsonNode part = content.get(p);
            String partAt = at + ".content[" + p + "]";
            if (!part.isObject() || !part.path("type").isTextual()) {
                throw new Refusal(ApiError.invalidParam(partAt, partAt + " must be an object with a 'type'."));
            }
            if (part.get("type").asText().equals("text")) {
                if (!part.path("text").isTextual()) {
                    throw new Refusal(ApiError.invalidParam(partAt + ".text", partAt + ".text must be a string."));
                }
                slots.add(new TextSlot(i, p, role.asText()));
            }
        }
    }

    private static boolean optionalBoolean(ObjectNode json, String field) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new Refusal(ApiError.invalidParam(field, "'" + field + "' must be true or false."));
        }
        return v.asBoolean();
    }

    private static void optionalPositiveInt(ObjectNode json, String field) {
        JsonNode v = json.get(field);
        if (v != null && !v.isNull() && (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1)) {
            throw new Refusal(ApiError.invalidParam(field, "'" + field + "' must be a positive integer."));
        }
    }

    private static void optionalNumber(ObjectNode json, String field, double min, double max) {
        JsonNode v = json.get(field);
        if (v != null && !v.isNull() && (!v.isNumber() || v.asDouble() < min || v.asDouble() > max)) {
            throw new Refusal(ApiError.invalidParam(field, "'" + field + "' must be a number from " + min + " to " + max + "."));
        }
    }

    public String model() {
        return model;
    }

    public boolean stream() {
        return stream;
    }

    /** Whether this request asks for a plain continuation of its one message ({@link #TEXT_COMPLETION}). */
    public boolean textCompletion() {
        return json.path(TEXT_COMPLETION).asBoolean(false);
    }

    public boolean includeUsage() {
        return includeUsage;
    }

    public List<TextSlot> slots() {
        return slots;
    }

    /** The role of the message each of {@link #texts()} came from, in the same order. */
    public List<String> roles() {
        return roles;
    }

    /** The texts scanners see, one per slot, in order. */
    public List<String> texts() {
        List<String> texts = new ArrayList<>(slots.size());
        ArrayNode messages = (ArrayNode) json.get("messages");
        for (TextSlot slot : slots) {
            JsonNode content = messages.get(slot.message()).get("content");
            texts.add(slot.part() < 0 ? content.asText() : content.get(slot.part()).get("text").asText());
        }
        return texts;
    }

    /** A copy of the request JSON with each slot's text replaced by {@code texts} (same order and size). */
    public ObjectNode withTexts(List<String> texts) {
        if (texts.size() != slots.size()) {
            throw new IllegalArgumentException("expected " + slots.size() + " texts, got " + texts.size());
        }
        ObjectNode copy = json.deepCopy();
        ArrayNode messages = (ArrayNode) copy.get("messages");
        for (int i = 0; i < slots.size(); i++) {
            TextSlot slot = slots.get(i);
            ObjectNode message = (ObjectNode) messages.get(slot.message());
            if (slot.part() < 0) {
                message.put("content", Objects.requireNonNull(texts.get(i)));
            } else {
                ((ObjectNode) message.get("content").get(slot.part())).put("text", texts.get(i));
            }
        }
        return copy;
    }

    /** The request JSON as received (do not modify). */
    public ObjectNode json() {
        return json;
    }

    /** A rough prompt size in tokens (4 characters a token), used to pre-check token limits before the call. */
    public long estimatedPromptTokens() {
        long chars = 0;
        for (String t : texts()) {
            chars += t.length();
        }
        return Math.max(1, chars / 4);
    }
}
