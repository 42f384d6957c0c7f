package dev.bastion.gateway.backend;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.config.ModelSettings;

/**
 * Something that answers OpenAI-shaped chat requests: an upstream server or the local engine.
 *
 * <p>Requests and answers are OpenAI wire JSON, so fields the gateway does not interpret (tools, tool_calls,
 * response_format, logprobs, ...) pass through unchanged. Implementations are thread-safe; one instance serves
 * every model of its kind. Failures are {@link BackendException}s whose messages are safe to show to a client
 * (no upstream credentials, no prompt text).
 */
public interface ChatBackend {

    /**
     * A field a backend may add to a choice of its answer (the finishing chunk's choice when streamed): the stop
     * sequence of the request that ended the answer, when the backend knows it (the local engine always does; an
     * Anthropic upstream says so; an OpenAI-compatible upstream only when it is vLLM, whose {@code stop_reason}
     * names it). It is Bastion's own: the pipeline removes it before an answer goes out in OpenAI's chat shape,
     * and only the Anthropic Messages dialect reads it (as {@code stop_reason: "stop_sequence"}).
     */
    String STOP_SEQUENCE = "bastion_stop_sequence";

    /**
     * Answers a non-streaming request.
     *
     * @param model the configured model (upstream address, credentials, timeouts)
     * @param request the OpenAI request body, already checked and rewritten by the pipeline; implementations must
     *     not modify it (they copy it to change {@code model})
     * @return the OpenAI {@code chat.completion} object
     */
    ObjectNode complete(ModelSettings model, ObjectNode request) throws BackendException;

    /**
     * Answers a streaming request, calling {@code sink} with each {@code chat.completion.chunk} object in order.
     * Returns normally once the stream ended with {@code [DONE]}; a stream that breaks off throws with
     * {@link BackendException#midStream()} true.
     */
    void stream(ModelSettings model, ObjectNode request, ChunkSink sink) throws BackendException;

    /**
     * This backend for one request of a conversation (the {@code x-bastion-conversation} scope), so that a pool of
     * servers can keep a conversation on one of them ({@link ModelPool}); every other backend is the same for all.
     */
    default ChatBackend forConversation(java.util.Optional<String> conversation) {
        return this;
    }

    /** Receives streamed chunks. */
    @FunctionalInterface
    interface ChunkSink {
        /** Takes one chunk; returns false when the client is gone and the backend should stop. */
        boolean accept(ObjectNode chunk);
    }
}
