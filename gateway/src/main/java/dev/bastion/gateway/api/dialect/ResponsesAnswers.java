package dev.bastion.gateway.api.dialect;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * The Responses API's answers: the {@code response} object, and its stream of named events
 * ({@code response.created}, {@code response.in_progress}, {@code response.output_item.added},
 * {@code response.content_part.added}, {@code response.output_text.delta}..., {@code response.output_text.done},
 * {@code response.content_part.done}, {@code response.output_item.done}, the function-call events, then
 * {@code response.completed} or {@code response.incomplete}), each with a {@code sequence_number}. A function
 * call's arguments stream as {@code response.function_call_arguments.delta}s as the pipeline releases them
 * ({@link ChunkFolder} says when an item opens and ends).
 */
final class ResponsesAnswers {
    private ResponsesAnswers() {
    }

    static ObjectNode response(ResponsesDialect d, ChatAnswer a) {
        ArrayNode output = Json.MAPPER.createArrayNode();
        if (!a.text().isEmpty() || a.toolCalls().isEmpty()) {
            output.add(message(d, a.text(), "completed"));
        }
        for (int i = 0; i < a.toolCalls().size(); i++) {
            output.add(functionCall(d, i, a.toolCalls().get(i), "completed"));
        }
        return envelope(d, a.model(), a.finishReason(), output, a.promptTokens(), a.completionTokens());
    }

    /** The {@code response} object around {@code output}; {@code finishReason} null: still in progress. */
    static ObjectNode envelope(ResponsesDialect d, String model, String finishReason, ArrayNode output,
            long inputTokens, long outputTokens) {
        ObjectNode req = d.request();
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("id", d.id());
        r.put("object", "response");
        r.put("created_at", d.created());
        String status = finishReason == null ? "in_progress" : incomplete(finishReason) == null ? "completed" : "incomplete";
        r.put("status", status);
        r.putNull("error");
        if (finishReason != null && incomplete(finishReason) != null) {
            r.putObject("incomplete_details").put("reason", incomplete(finishReason));
        } else {
            r.putNull("incomplete_details");
        }
        r.set("instructions", req.hasNonNull("instructions") ? req.get("instructions") : r.nullNode());
        r.set("max_output_tokens", req.hasNonNull("max_output_tokens") ? req.get("max_output_tokens") : r.nullNode());
        r.put("model", model);
        r.set("output", output);
        r.put("parallel_tool_calls", req.path("parallel_tool_calls").asBoolean(true));
        r.putNull("previous_response_id");
        r.put("store", false);
        r.set("temperature", req.hasNonNull("temperature") ? req.get("temperature") : r.numberNode(1.0));
        r.set("top_p", req.hasNonNull("top_p") ? req.get("top_p") : r.numberNode(1.0));
        r.set("tool_choice", req.hasNonNull("tool_choice") ? req.get("tool_choice") : r.textNode("auto"));
        r.set("tools", req.hasNonNull("tools") ? req.get("tools") : r.arrayNode());
        if (req.hasNonNull("text")) {
            r.set("text", req.get("text"));
        } else {
            r.putObject("text").putObject("format").put("type", "text");
        }
        r.put("truncation", "disabled");
        r.set("metadata", req.hasNonNull("metadata") ? req.get("metadata") : r.objectNode());
        if (req.hasNonNull("user")) {
            r.set("user", req.get("user"));
        }
        if (finishReason == null) {
            r.putNull("usage");
        } else {
            ObjectNode usage = r.putObject("usage");
            usage.put("input_tokens", inputTokens);
            usage.putObject("input_tokens_details").put("cached_tokens", 0);
            usage.put("output_tokens", outputTokens);
            usage.putObject("output_tokens_details").put("reasoning_tokens", 0);
            usage.put("total_tokens", inputTokens + outputTokens);
        }
        return r;
    }

    /** Why a response is incomplete, or null when it completed. */
    private static String incomplete(String finishReason) {
        return switch (finishReason) {
            case "length" -> "max_output_tokens";
            case "content_filter" -> "content_filter";
            default -> null;
        };
    }

    static ObjectNode message(ResponsesDialect d, String text, String status) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("id", messageId(d));
        m.put("type", "message");
        m.put("status", status);
        m.put("role", "assistant");
        ArrayNode content = m.putArray("content");
        if (status.equals("completed")) {
            content.add(textPart(text));
        }
        return m;
    }

    static ObjectNode textPart(String text) {
        ObjectNode part = Json.MAPPER.createObjectNode();
        part.put("type", "output_text");
        part.put("text", text);
        part.putArray("annotations");
        return part;
    }

    static ObjectNode functionCall(ResponsesDialect d, int n, ChatAnswer.ToolCall call, String status) {
        ObjectNode f = Json.MAPPER.createObjectNode();
        f.put("id", "fc_" + suffix(d) + "_" + n);
        f.put("type", "function_call");
        f.put("status", status);
        f.put("call_id", call.id());
        f.put("name", call.name());
        f.put("arguments", status.equals("completed") ? call.arguments() : "");
        return f;
    }

    private static String messageId(ResponsesDialect d) {
        return "msg_" + suffix(d);
    }

    private static String suffix(ResponsesDialect d) {
        return d.id().startsWith("resp_") ? d.id().substring(5) : d.id();
    }

    /** The stream's events, built from the pipeline's chunks. One per stream; not thread-safe. */
    static final class Stream implements Dialect.StreamTranslator, ChunkFolder.Blocks {
        private final ResponsesDialect d;
        private final ChunkFolder folder = new ChunkFolder(this);
        private final ArrayNode output = Json.MAPPER.createArrayNode();
        private final StringBuilder text = new StringBuilder();
        private List<Dialect.Event> events = new ArrayList<>();
        private int sequence;
        private boolean started;
        private boolean inMessage;
        private boolean failed;
        private int calls;
        private String model = "";

        Stream(ResponsesDialect d) {
            this.d = d;
        }

        @Override
        public List<Dialect.Event> chunk(ObjectNode chunk) {
            if (failed) {
                return List.of();
            }
            if (chunk.hasNonNull("model")) {
                model = chunk.get("model").asText();
            }
            start();
            try {
                folder.accept(chunk);
            } catch (ChunkFolder.OutOfOrder e) { // a call's item cannot take more once it was done
                failed = true;
                emit("error", event().put("code", "invalid_tool_arguments").put("message", "The model sent more "
                        + "arguments for a tool call after they had ended; retry the request.").putNull("param"));
            }
            return take();
        }

        @Override
        public List<Dialect.Event> done() {
            if (failed) {
                return List.of();
            }
            start();
            folder.finish();
            String finish = folder.finishReason();
            if (output.isEmpty()) { // an empty answer is still one (empty) message, as in the complete response
                openMessage();
                endText();
            }
            ObjectNode response = envelope(d, model, finish, output, folder.promptTokens(), folder.completionTokens());
            emit(response.path("status").asText().equals("completed") ? "response.completed" : "response.incomplete",
                    event().set("response", response));
            return take();
        }

        @Override
        public List<Dialect.Event> error(ObjectNode error) {
            if (failed) {
                return List.of();
            }
            failed = true;
            ObjectNode e = event();
            e.set("code", error.path("code"));
            e.set("message", error.path("message"));
            e.set("param", error.path("param"));
            emit("error", e);
            return take();
        }

        private void start() {
            if (started) {
                return;
            }
            started = true;
            ObjectNode response = envelope(d, model, null, Json.MAPPER.createArrayNode(), 0, 0);
            emit("response.created", event().set("response", response));
            emit("response.in_progress", event().set("response", response.deepCopy()));
        }

        @Override
        public void text(String delta, String obfuscation) {
            if (!inMessage) {
                openMessage();
            }
            text.append(delta);
            ObjectNode e = item().put("content_index", 0).put("delta", delta);
            e.putArray("logprobs");
            if (!obfuscation.isEmpty()) {
                e.put("obfuscation", obfuscation);
            }
            emit("response.output_text.delta", e);
        }

        private void openMessage() {
            inMessage = true;
            ObjectNode added = event().put("output_index", output.size());
            added.set("item", message(d, "", "in_progress"));
            emit("response.output_item.added", added);
            ObjectNode part = item().put("content_index", 0);
            part.set("part", textPart(""));
            emit("response.content_part.added", part);
        }

        @Override
        public void endText() {
            if (!inMessage) {
                return;
            }
            ObjectNode done = item().put("content_index", 0).put("text", text.toString());
            done.putArray("logprobs");
            emit("response.output_text.done", done);
            ObjectNode part = item().put("content_index", 0);
            part.set("part", textPart(text.toString()));
            emit("response.content_part.done", part);
            ObjectNode message = message(d, text.toString(), "completed");
            emit("response.output_item.done", event().put("output_index", output.size()).set("item", message));
            output.add(message);
            inMessage = false;
            text.setLength(0);
        }

        @Override
        public void callStart(String callId, String name) {
            ObjectNode added = event().put("output_index", output.size());
            added.set("item", functionCall(d, calls, new ChatAnswer.ToolCall(callId, name, ""), "in_progress"));
            emit("response.output_item.added", added);
        }

        @Override
        public void callArguments(String fragment) {
            emit("response.function_call_arguments.delta", event().put("item_id", callItemId())
                    .put("output_index", output.size()).put("delta", fragment));
        }

        @Override
        public void callEnd(ChatAnswer.ToolCall call) {
            int index = output.size();
            emit("response.function_call_arguments.done", event().put("item_id", callItemId()).put("output_index", index)
                    .put("name", call.name()).put("arguments", call.arguments()));
            ObjectNode item = functionCall(d, calls, call, "completed");
            emit("response.output_item.done", event().put("output_index", index).set("item", item));
            output.add(item);
            calls++;
        }

        /** The id of the function-call item being streamed. */
        private String callItemId() {
            return "fc_" + suffix(d) + "_" + calls;
        }

        /** A new event body; its type and sequence number are set by {@link #emit}. */
        private static ObjectNode event() {
            return Json.MAPPER.createObjectNode();
        }

        /** An event body about the open message item. */
        private ObjectNode item() {
            return event().put("item_id", messageId(d)).put("output_index", output.size());
        }

        private void emit(String type, ObjectNode body) {
            ObjectNode e = Json.MAPPER.createObjectNode();
            e.put("type", type);
            e.put("sequence_number", sequence++);
            e.setAll(body);
            events.add(Dialect.Event.named(type, e));
        }

        private List<Dialect.Event> take() {
            List<Dialect.Event> out = events;
            events = new ArrayList<>();
            return out;
        }
    }
}
