package dev.bastion.gateway.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ApiError;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request and its response, as the pipeline sees them: the server layer implements it over Helidon and
 * has already enforced the body size limit.
 */
public interface Exchange {
    /** The id of this request, also sent back in {@code x-request-id}. */
    String requestId();

    Optional<String> header(String name);

    /** The request body, at most the configured limit. */
    byte[] body();

    /** Adds a response header; must be called before the response starts. */
    void responseHeader(String name, String value);

    /** Sends a complete JSON response. */
    void respond(int status, ObjectNode body);

    /** Sends an error in OpenAI's shape, with {@code Retry-After} when the error has one. */
    void respondError(ApiError error);

    /** Starts a {@code text/event-stream} response with status 200. */
    EventStream openEventStream();

    /** Whether a response (or its first bytes) has been sent. */
    boolean responseStarted();

    /**
     * The API this request came in on, as the audit record names it: {@code chat.completions} unless a dialect
     * (the Responses, Completions or Anthropic Messages API translated onto chat) says otherwise.
     */
    default String endpoint() {
        return "chat.completions";
    }

    /**
     * Whether the answers and stream chunks handed to this exchange may keep Bastion's own choice fields
     * ({@link dev.bastion.gateway.backend.ChatBackend#STOP_SEQUENCE}) for a dialect to read. False for the OpenAI
     * chat API, which never sends them to a client.
     */
    default boolean readsInternalFields() {
        return false;
    }

    /** A server-sent-events response in progress. */
    interface EventStream {
        /** Sends one {@code data:} event and flushes it; false when the client has gone. */
        boolean send(String data);

        /**
         * Sends one named event ({@code event:} line, then {@code data:}) and flushes it; false when the client
         * has gone. {@code event} is a fixed protocol name (letters, digits, '.', '_'), never request text.
         */
        boolean send(String event, String data);

        /** Ends the response. */
        void close();
    }
}
