package dev.bastion.gateway.backend;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.inference.Completion;
import java.time.Instant;
import java.util.UUID;

/** The local engine's answers in OpenAI's wire shapes: {@code chat.completion} and {@code chat.completion.chunk}. */
final class LocalResponses {
    private LocalResponses() {
    }

    static ObjectNode completion(String model, Completion c) {
        ObjectNode out = header("chat.completion", newId(), model);
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", c.text());
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(c));
        stopSequence(c, choice);
        out.set("usage", usage(c));
        return out;
    }

    /**
     * One streamed answer: a role chunk, content chunks, a finish chunk, a usage chunk. The role chunk is sent with
     * the first text (or the finish), not before: the client's stream opens only once the engine has admitted the
     * request and filled its prompt, so a full queue or a too-long prompt is still an HTTP error (429, 400).
     */
    static final class Stream {
        private final String model;
        private final ChatBackend.ChunkSink sink;
        private final String id = newId();
        private boolean started;

        Stream(String model, ChatBackend.ChunkSink sink) {
            this.model = model;
            this.sink = sink;
        }

        private boolean start() {
            if (started) {
                return true;
            }
            started = true;
            ObjectNode chunk = chunk();
            ObjectNode delta = chunk.withArray("choices").addObject().put("index", 0).putObject("delta");
            delta.put("role", "assistant");
            delta.put("content", "");
            return sink.accept(chunk);
        }

        boolean text(String text) {
            if (!start()) {
                return false;
            }
            ObjectNode chunk = chunk();
            ObjectNode choice = chunk.withArray("choices").addObject().put("index", 0);
            choice.putObject("delta").put("content", text);
            choice.putNull("finish_reason");
            return sink.accept(chunk);
        }

        void finish(Completion c) {
            if (!start()) {
                return;
            }
            ObjectNode chunk = chunk();
            ObjectNode choice = chunk.withArray("choices").addObject().put("index", 0);
            choice.putObject("delta");
            choice.put("finish_reason", finishReason(c));
            stopSequence(c, choice);
            if (!sink.accept(chunk)) {
                return;
            }
            ObjectNode usage = chunk();
            usage.putArray("choices");
            usage.set("usage", usage(c));
            sink.accept(usage);
        }

        private ObjectNode chunk() {
            return header("chat.completion.chunk", id, model);
        }
    }

    private static ObjectNode header(String object, String id, String model) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("id", id);
        out.put("object", object);
        out.put("created", Instant.now().getEpochSecond());
        out.put("model", model);
        out.put("system_fingerprint", "bastion-local");
        return out;
    }

    private static ObjectNode usage(Completion c) {
        ObjectNode u = Json.MAPPER.createObjectNode();
        u.put("prompt_tokens", c.promptTokens());
        u.put("completion_tokens", c.completionTokens());
        u.put("total_tokens", c.promptTokens() + c.completionTokens());
        u.putObject("prompt_tokens_details").put("cached_tokens", c.cachedPromptTokens());
        return u;
    }

    /** Names the stop sequence that ended the answer, for the dialects that report it ({@link ChatBackend#STOP_SEQUENCE}). */
    private static void stopSequence(Completion c, ObjectNode choice) {
        if (!c.stopSequence().isEmpty()) {
            choice.put(ChatBackend.STOP_SEQUENCE, c.stopSequence());
        }
    }

    private static String finishReason(Completion c) {
        return switch (c.finishReason()) {
            case STOP -> "stop";
            case LENGTH, CANCELLED -> "length";
        };
    }

    private static String newId() {
        return "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
    }
}
