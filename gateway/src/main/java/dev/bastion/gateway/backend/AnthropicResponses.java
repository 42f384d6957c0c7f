package dev.bastion.gateway.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.backend.BackendException.Kind;
import dev.bastion.gateway.config.ModelSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates Anthropic Messages API answers back into OpenAI's shapes: a message into a {@code chat.completion}
 * ({@code text} blocks joined into {@code content}, {@code tool_use} blocks into {@code tool_calls} with their input
 * as JSON text, {@code stop_reason} into {@code finish_reason} (and a matched {@code stop_sequence} into
 * {@link ChatBackend#STOP_SEQUENCE}), usage into prompt and completion tokens), and the
 * event stream into {@code chat.completion.chunk}s through {@link Stream}.
 *
 * <p>Prompt tokens are Anthropic's {@code input_tokens} plus its cache creation and cache read tokens: all of them
 * are input the upstream read.
 */
final class AnthropicResponses {
    private AnthropicResponses() {
    }

    static ObjectNode completion(ModelSettings model, JsonNode message) throws BackendException {
        if (!message.path("content").isArray()) {
            throw new BackendException(Kind.BAD_RESPONSE, "the upstream's answer has no 'content' array");
        }
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("id", chatId(message.path("id").asText("")));
        root.put("object", "chat.completion");
        root.put("created", java.time.Instant.now().getEpochSecond());
        root.put("model", message.path("model").asText(model.upstreamModel()));
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode out = choice.putObject("message");
        out.put("role", "assistant");
        StringBuilder text = new StringBuilder();
        ArrayNode calls = Json.MAPPER.createArrayNode();
        for (JsonNode block : message.path("content")) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "tool_use" -> {
                    ObjectNode call = calls.addObject();
                    call.put("id", block.path("id").asText());
                    call.put("type", "function");
                    call.putObject("function").put("name", block.path("name").asText())
                            .put("arguments", block.path("input").isMissingNode() ? "{}" : block.get("input").toString());
                }
                default -> { } // thinking and other blocks are not part of an OpenAI answer
            }
        }
        if (text.isEmpty() && !calls.isEmpty()) {
            out.putNull("content");
        } else {
            out.put("content", text.toString());
        }
        if (!calls.isEmpty()) {
            out.set("tool_calls", calls);
        }
        choice.put("finish_reason", finishReason(message.path("stop_reason").asText("end_turn")));
        stopSequence(message, choice);
        root.set("usage", usage(message.path("usage"), 0, 0));
        return root;
    }

    /**
     * Carries the stop sequence an answer names ({@code stop_reason: "stop_sequence"} with {@code stop_sequence}) onto
     * the chat choice, as {@link ChatBackend#STOP_SEQUENCE}.
     *
     * @param stopped the message, or a {@code message_delta}'s {@code delta}
     */
    static void stopSequence(JsonNode stopped, ObjectNode choice) {
        if (stopped.path("stop_reason").asText("").equals("stop_sequence") && stopped.path("stop_sequence").isTextual()) {
            choice.put(ChatBackend.STOP_SEQUENCE, stopped.get("stop_sequence").asText());
        }
    }

    static String finishReason(String stopReason) {
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop"; // end_turn, stop_sequence, pause_turn
        };
    }

    /** OpenAI usage from Anthropic usage; {@code inputFallback} and {@code outputFallback} fill absent counts. */
    static ObjectNode usage(JsonNode u, long inputFallback, long outputFallback) {
        long input = u.has("input_tokens") ? u.path("input_tokens").asLong() + u.path("cache_creation_input_tokens").asLong(0)
                + u.path("cache_read_input_tokens").asLong(0) : inputFallback;
        long output = u.has("output_tokens") ? u.path("output_tokens").asLong() : outputFallback;
        ObjectNode usage = Json.MAPPER.createObjectNode();
        usage.put("prompt_tokens", input);
        usage.put("completion_tokens", output);
        usage.put("total_tokens", input + output);
        return usage;
    }

    private static String chatId(String messageId) {
        return "chatcmpl-" + (messageId.isEmpty() ? "anthropic" : messageId);
    }

    /**
     * Turns the Messages API event stream into chunks, one event at a time: {@code message_start} gives the
     * role chunk, {@code content_block_start} of a {@code tool_use} block opens a tool call (its id and name),
     * {@code content_block_delta} carries text or the tool input's JSON fragments, {@code message_delta} the
     * finish reason and output tokens, {@code message_stop} ends with a usage chunk. {@code ping} and unknown
     * events are skipped; an {@code error} event fails the stream. One instance per stream; not thread-safe.
     */
    static final class Stream {
        private final ModelSettings model;
        private final long created = java.time.Instant.now().getEpochSecond();
        private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
        private String id = chatId("");
        private String upstreamModel;
        private long inputTokens;
        private long outputTokens;
        private boolean stopped;

        Stream(ModelSettings model) {
            this.model = model;
            this.upstreamModel = model.upstreamModel();
        }

        /** Whether {@code message_stop} was seen. */
        boolean stopped() {
            return stopped;
        }

        /** The chunks for one event, in order; often none. */
        List<ObjectNode> onEvent(JsonNode event, boolean midStream) throws BackendException {
            switch (event.path("type").asText()) {
                case "message_start" -> {
                    JsonNode message = event.path("message");
                    id = chatId(message.path("id").asText(""));
                    upstreamModel = message.path("model").asText(upstreamModel);
                    ObjectNode u = usage(message.path("usage"), 0, 0);
                    inputTokens = u.path("prompt_tokens").asLong();
                    outputTokens = u.path("completion_tokens").asLong();
                    ObjectNode delta = Json.MAPPER.createObjectNode().put("role", "assistant").put("content", "");
                    return List.of(chunk(delta, null));
                }
                case "content_block_start" -> {
                    JsonNode block = event.path("content_block");
                    if (block.path("type").asText().equals("tool_use")) {
                        int toolIndex = toolIndexByBlock.size();
                        toolIndexByBlock.put(event.path("index").asInt(), toolIndex);
                        ObjectNode call = Json.MAPPER.createObjectNode();
                        call.put("index", toolIndex);
                        call.put("id", block.path("id").asText());
                        call.put("type", "function");
                        call.putObject("function").put("name", block.path("name").asText()).put("arguments", "");
                        return List.of(chunk(toolDelta(call), null));
                    }
                    if (block.path("type").asText().equals("text") && !block.path("text").asText().isEmpty()) {
                        return List.of(chunk(Json.MAPPER.createObjectNode().put("content", block.path("text").asText()), null));
                    }
                    return List.of();
                }
                case "content_block_delta" -> {
                    JsonNode delta = event.path("delta");
                    switch (delta.path("type").asText()) {
                        case "text_delta" -> {
                            return List.of(chunk(Json.MAPPER.createObjectNode().put("content", delta.path("text").asText()), null));
                        }
                        case "input_json_delta" -> {
                            Integer toolIndex = toolIndexByBlock.get(event.path("index").asInt());
                            if (toolIndex == null) {
                                throw new BackendException(Kind.BAD_RESPONSE, "the upstream sent tool input for a "
                                        + "block it never opened", 0, midStream, null);
                            }
                            ObjectNode call = Json.MAPPER.createObjectNode();
                            call.put("index", toolIndex);
                            call.putObject("function").put("arguments", delta.path("partial_json").asText());
                            return List.of(chunk(toolDelta(call), null));
                        }
                        default -> {
                            return List.of(); // thinking and signature deltas
                        }
                    }
                }
                case "message_delta" -> {
                    JsonNode u = event.path("usage");
                    if (u.has("output_tokens")) {
                        outputTokens = u.path("output_tokens").asLong();
                    }
                    if (u.has("input_tokens")) {
                        inputTokens = usage(u, inputTokens, outputTokens).path("prompt_tokens").asLong();
                    }
                    String stop = event.path("delta").path("stop_reason").asText("");
                    if (stop.isEmpty()) {
                        return List.of();
                    }
                    ObjectNode finish = chunk(Json.MAPPER.createObjectNode(), finishReason(stop));
                    stopSequence(event.path("delta"), (ObjectNode) finish.path("choices").get(0));
                    return List.of(finish);
                }
                case "message_stop" -> {
                    stopped = true;
                    ObjectNode last = base();
                    last.putArray("choices");
                    ObjectNode usage = last.putObject("usage");
                    usage.put("prompt_tokens", inputTokens);
                    usage.put("completion_tokens", outputTokens);
                    usage.put("total_tokens", inputTokens + outputTokens);
                    return List.of(last);
                }
                case "error" -> throw new BackendException(event.path("error").path("type").asText().equals("overloaded_error")
                        ? Kind.UNAVAILABLE : Kind.UPSTREAM_ERROR, "the upstream reported an error in the stream", 0,
                        midStream, null);
                default -> {
                    return List.of(); // ping, and events added to the API later
                }
            }
        }

        private static ObjectNode toolDelta(ObjectNode call) {
            ObjectNode delta = Json.MAPPER.createObjectNode();
            delta.putArray("tool_calls").add(call);
            return delta;
        }

        private ObjectNode base() {
            ObjectNode c = Json.MAPPER.createObjectNode();
            c.put("id", id);
            c.put("object", "chat.completion.chunk");
            c.put("created", created);
            c.put("model", upstreamModel);
            return c;
        }

        private ObjectNode chunk(ObjectNode delta, String finish) {
            ObjectNode c = base();
            ObjectNode choice = c.putArray("choices").addObject();
            choice.put("index", 0);
            choice.set("delta", delta);
            if (finish == null) {
                choice.putNull("finish_reason");
            } else {
                choice.put("finish_reason", finish);
            }
            return c;
        }
    }
}
