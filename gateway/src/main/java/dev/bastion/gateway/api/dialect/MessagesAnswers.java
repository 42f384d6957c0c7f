package dev.bastion.gateway.api.dialect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.api.Refusal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Anthropic's answers: the {@code message} object, its stream ({@code message_start}, then per content block
 * {@code content_block_start}, {@code content_block_delta}s ({@code text_delta}, {@code input_json_delta}) and
 * {@code content_block_stop}, then {@code message_delta} with the stop reason and usage, and {@code message_stop}),
 * and errors as {@code {"type":"error","error":{"type","message"}}}.
 *
 * <p>Stop reasons: {@code stop} is {@code end_turn}, or {@code stop_sequence} with the sequence when the backend
 * named one of the request's {@code stop_sequences} ({@link dev.bastion.gateway.backend.ChatBackend#STOP_SEQUENCE}:
 * the local engine, an Anthropic upstream, vLLM); {@code length} is {@code max_tokens}, {@code tool_calls} is
 * {@code tool_use}, {@code content_filter} is {@code refusal}. A backend that does not say which stop ended the
 * answer (most OpenAI-compatible servers) gets {@code end_turn} and {@code stop_sequence: null}: a chat
 * {@code stop} cannot tell a stop sequence from the model's own end.
 *
 * <p>Tool calls stream as {@code input_json_delta}s as the pipeline releases their arguments ({@link ChunkFolder}
 * says when a block opens and ends).
 */
final class MessagesAnswers {
    private MessagesAnswers() {
    }

    /** @param stops the request's {@code stop_sequences}: only one of them is reported as the one that matched */
    static ObjectNode message(String id, ChatAnswer a, Set<String> stops) {
        ObjectNode m = envelope(id, a.model());
        ArrayNode content = m.putArray("content");
        if (!a.text().isEmpty()) {
            content.addObject().put("type", "text").put("text", a.text());
        }
        for (ChatAnswer.ToolCall call : a.toolCalls()) {
            ObjectNode block = content.addObject().put("type", "tool_use").put("id", call.id()).put("name", call.name());
            block.set("input", input(call.arguments()));
        }
        stop(m, a.finishReason(), a.stopSequence(), stops);
        m.putObject("usage").put("input_tokens", a.promptTokens()).put("output_tokens", a.completionTokens());
        return m;
    }

    private static ObjectNode envelope(String id, String model) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("id", id);
        m.put("type", "message");
        m.put("role", "assistant");
        m.put("model", model);
        return m;
    }

    /** A tool call's arguments as the {@code input} object Anthropic clients expect. */
    private static JsonNode input(String arguments) {
        if (arguments.isBlank()) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            JsonNode input = Json.MAPPER.readTree(arguments);
            if (input instanceof ObjectNode) {
                return input;
            }
        } catch (JsonProcessingException e) {
            // refused below
        }
        throw new Refusal(ApiError.upstream(502, "invalid_tool_arguments", "The model called a tool with arguments "
                + "that are not a JSON object, which the Messages API cannot carry; retry the request."));
    }

    /** Sets {@code stop_reason} and {@code stop_sequence} of a message or a {@code message_delta}'s delta. */
    static void stop(ObjectNode target, String finishReason, String stopSequence, Set<String> stops) {
        if (finishReason.equals("stop") && !stopSequence.isEmpty() && stops.contains(stopSequence)) {
            target.put("stop_reason", "stop_sequence");
            target.put("stop_sequence", stopSequence);
        } else {
            target.put("stop_reason", stopReason(finishReason));
            target.putNull("stop_sequence");
        }
    }

    static String stopReason(String finishReason) {
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }

    /** Anthropic's error body for an error with this status and OpenAI type. */
    static ObjectNode error(int status, String openAiType, String code, String message) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("type", "error");
        ObjectNode error = root.putObject("error");
        error.put("type", errorType(status, openAiType));
        error.put("message", code.equals("missing_api_key")
                ? "No API key provided. Send it as 'x-api-key: bsk_...' (or 'Authorization: Bearer bsk_...')." : message);
        return root;
    }

    /** Anthropic's error type: by HTTP status when there is one (0 inside a stream), else by OpenAI's type. */
    static String errorType(int status, String openAiType) {
        return switch (status) {
            case 400, 405, 415 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            case 0 -> switch (openAiType) {
                case "invalid_request_error" -> "invalid_request_error";
                case "authentication_error" -> "authentication_error";
                case "permission_error", "policy_violation" -> "permission_error";
                case "rate_limit_error" -> "rate_limit_error";
                default -> "api_error";
            };
            default -> "api_error";
        };
    }

    /** The stream's events, built from the pipeline's chunks. One per stream; not thread-safe. */
    static final class Stream implements Dialect.StreamTranslator, ChunkFolder.Blocks {
        private final String id;
        private final Set<String> stops;
        private final ChunkFolder folder = new ChunkFolder(this);
        private List<Dialect.Event> events = new ArrayList<>();
        private boolean started;
        private boolean inText;
        private boolean failed;
        private int index;

        Stream(String id, Set<String> stops) {
            this.id = id;
            this.stops = Set.copyOf(stops);
        }

        @Override
        public List<Dialect.Event> chunk(ObjectNode chunk) {
            if (failed) {
                return List.of();
            }
            start(chunk.path("model").asText(""));
            try {
                folder.accept(chunk);
            } catch (ChunkFolder.OutOfOrder e) {
                outOfOrder(e);
            }
            return take();
        }

        @Override
        public List<Dialect.Event> done() {
            if (failed) {
                return List.of();
            }
            start("");
            folder.finish();
            ObjectNode delta = event("message_delta");
            stop(delta.putObject("delta"), folder.finishReason(), folder.stopSequence(), stops);
            delta.putObject("usage").put("input_tokens", folder.promptTokens()).put("output_tokens", folder.completionTokens());
            emit(delta);
            emit(event("message_stop"));
            return take();
        }

        /** The stream ends with an error: a tool call's block cannot take more once it was closed. */
        private void outOfOrder(ChunkFolder.OutOfOrder e) {
            failed = true;
            emit(MessagesAnswers.error(502, "api_error", "invalid_tool_arguments", "The model sent more arguments "
                    + "for a tool call after they had ended; retry the request."));
        }

        @Override
        public List<Dialect.Event> error(ObjectNode error) {
            if (failed) {
                return List.of();
            }
            failed = true;
            emit(MessagesAnswers.error(0, error.path("type").asText(""), error.path("code").asText(""),
                    error.path("message").asText("")));
            return take();
        }

        private void start(String model) {
            if (started) {
                return;
            }
            started = true;
            ObjectNode message = envelope(id, model);
            message.putArray("content");
            message.putNull("stop_reason");
            message.putNull("stop_sequence");
            message.putObject("usage").put("input_tokens", 0).put("output_tokens", 0);
            emit(event("message_start").set("message", message));
        }

        @Override
        public void text(String text, String obfuscation) {
            if (!inText) {
                inText = true;
                ObjectNode start = event("content_block_start").put("index", index);
                start.putObject("content_block").put("type", "text").put("text", "");
                emit(start);
            }
            ObjectNode delta = event("content_block_delta").put("index", index);
            delta.putObject("delta").put("type", "text_delta").put("text", text);
            if (!obfuscation.isEmpty()) {
                delta.put("obfuscation", obfuscation);
            }
            emit(delta);
        }

        @Override
        public void endText() {
            if (inText) {
                emit(event("content_block_stop").put("index", index++));
                inText = false;
            }
        }

        @Override
        public void callStart(String callId, String name) {
            ObjectNode start = event("content_block_start").put("index", index);
            start.putObject("content_block").put("type", "tool_use").put("id", callId).put("name", name)
                    .putObject("input");
            emit(start);
        }

        @Override
        public void callArguments(String fragment) {
            ObjectNode delta = event("content_block_delta").put("index", index);
            delta.putObject("delta").put("type", "input_json_delta").put("partial_json", fragment);
            emit(delta);
        }

        @Override
        public void callEnd(ChatAnswer.ToolCall call) {
            emit(event("content_block_stop").put("index", index++));
        }

        private static ObjectNode event(String type) {
            return Json.MAPPER.createObjectNode().put("type", type);
        }

        private void emit(ObjectNode event) {
            events.add(Dialect.Event.named(event.get("type").asText(), event));
        }

        private List<Dialect.Event> take() {
            List<Dialect.Event> out = events;
            events = new ArrayList<>();
            return out;
        }
    }
}
