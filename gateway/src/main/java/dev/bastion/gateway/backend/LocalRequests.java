package dev.bastion.gateway.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.inference.ChatMessage;
import dev.bastion.inference.GenerationRequest;
import dev.bastion.inference.LocalModel;
import dev.bastion.inference.NoChatTemplateException;
import dev.bastion.inference.SamplingParameters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Turns an OpenAI chat request into the local engine's prompt tokens and generation settings.
 *
 * <p>Supported: messages (system, developer, user, assistant, tool; content as a string or text parts),
 * {@code max_tokens} / {@code max_completion_tokens}, {@code temperature}, {@code top_p}, {@code stop},
 * {@code seed}, {@code logit_bias}, and the extensions {@code top_k}, {@code min_p} and {@code repetition_penalty}
 * (as vLLM and llama.cpp's server name them). Features the engine does not have (tool definitions, JSON
 * mode, images, several choices) are refused with 400 rather than silently ignored, as is any chat with a base
 * model that has no chat template (it only continues text).
 */
final class LocalRequests {
    private LocalRequests() {
    }

    record Parsed(int[] prompt, GenerationRequest generation) {
    }

    static Parsed parse(LocalModel engine, ObjectNode request, int defaultMaxTokens) throws BackendException {
        refuseIfPresent(request, "tools", "tool definitions");
        refuseIfPresent(request, "functions", "function definitions");
        JsonNode format = request.path("response_format");
        if (!format.isMissingNode() && !format.isNull() && !"text".equals(format.path("type").asText())) {
            throw unsupported("response_format " + format.path("type").asText() + " is not supported by the local engine");
        }
        if (request.path("n").asInt(1) != 1) {
            throw unsupported("n must be 1 for local models");
        }
        boolean continuation = request.path(dev.bastion.gateway.api.ChatRequest.TEXT_COMPLETION).asBoolean(false);
        if (!continuation) {
            try {
                engine.requireChatTemplate();
            } catch (NoChatTemplateException e) {
                throw unsupported(e.getMessage());
            }
        }
        try {
            // A text completion (/v1/completions) continues its one message's text as is, template or not.
            int[] prompt = continuation ? engine.rawPrompt(text(request.path("messages").path(0).path("content")))
                    : engine.chatPrompt(messages(request.path("messages")));
            int maxTokens = request.has("max_completion_tokens") ? request.get("max_completion_tokens").asInt()
                    : request.path("max_tokens").asInt(defaultMaxTokens);
            maxTokens = Math.min(maxTokens, Math.max(1, engine.contextSize() - prompt.length));
            SamplingParameters sampling = new SamplingParameters(
                    number(request, "temperature", 1.0),
                    number(request, "top_p", 1.0),
                    request.path("top_k").asInt(0),
                    number(request, "min_p", 0.0),
                    request.hasNonNull("seed") ? OptionalLong.of(request.get("seed").asLong()) : OptionalLong.empty(),
                    number(request, "repetition_penalty", 1.0),
                    64,
                    logitBias(request.path("logit_bias"), engine.tokenizer().vocabularySize()));
            return new Parsed(prompt, new GenerationRequest(maxTokens, stops(request.path("stop")), sampling));
        } catch (IllegalArgumentException e) {
            throw unsupported(e.getMessage());
        }
    }

    private static List<ChatMessage> messages(JsonNode array) throws BackendException {
        if (!array.isArray() || array.isEmpty()) {
            throw unsupported("messages must be a non-empty array");
        }
        List<ChatMessage> out = new ArrayList<>();
        for (JsonNode m : array) {
            String role = m.path("role").asText("");
            role = role.equals("developer") ? "system" : role;
            if (!List.of("system", "user", "assistant", "tool").contains(role)) {
                throw unsupported("message role '" + role + "' is not supported by the local engine");
            }
            StringBuilder content = new StringBuilder(text(m.path("content")));
            for (JsonNode call : m.path("tool_calls")) {
                // Earlier tool calls are shown to the model as the JSON it would have produced.
                content.append(content.isEmpty() ? "" : "\n").append("{\"name\": ")
                        .append(call.path("function").path("name").toString()).append(", \"arguments\": ")
                        .append(call.path("function").path("arguments").asText("{}")).append('}');
            }
            out.add(new ChatMessage(role, content.toString(),
                    m.hasNonNull("name") ? Optional.of(m.get("name").asText()) : Optional.empty(),
                    m.hasNonNull("tool_call_id") ? Optional.of(m.get("tool_call_id").asText()) : Optional.empty()));
        }
        return out;
    }

    private static String text(JsonNode content) throws BackendException {
        if (content.isMissingNode() || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : content) {
                if (!"text".equals(part.path("type").asText())) {
                    throw unsupported("content parts of type '" + part.path("type").asText()
                            + "' are not supported by the local engine (text only)");
                }
                sb.append(part.path("text").asText());
            }
            return sb.toString();
        }
        throw unsupported("message content must be a string or an array of text parts");
    }

    private static List<String> stops(JsonNode stop) throws BackendException {
        if (stop.isMissingNode() || stop.isNull()) {
            return List.of();
        }
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : stop) {
            if (!s.isTextual()) {
                throw unsupported("stop must be a string or an array of strings");
            }
            out.add(s.asText());
        }
        return out;
    }

    private static Map<Integer, Float> logitBias(JsonNode bias, int vocabulary) throws BackendException {
        Map<Integer, Float> out = new HashMap<>();
        for (var e : bias.properties()) {
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                throw unsupported("logit_bias keys must be token ids");
            }
            if (id < 0 || id >= vocabulary) {
                throw unsupported("logit_bias token id " + id + " is outside the vocabulary of " + vocabulary);
            }
            out.put(id, (float) e.getValue().asDouble());
        }
        return out;
    }

    private static double number(ObjectNode request, String field, double fallback) throws BackendException {
        JsonNode n = request.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isNumber()) {
            throw unsupported(field + " must be a number");
        }
        return n.asDouble();
    }

    private static void refuseIfPresent(ObjectNode request, String field, String what) throws BackendException {
        JsonNode n = request.get(field);
        if (n != null && !n.isNull() && !(n.isArray() && n.isEmpty())) {
            throw unsupported(what + " (" + field + ") are not supported by the local engine yet; use an upstream model");
        }
    }

    private static BackendException unsupported(String message) {
        return new BackendException(BackendException.Kind.UNSUPPORTED, message);
    }
}
