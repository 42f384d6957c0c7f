package dev.bastion.gateway.api.dialect;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.pipeline.Exchange;
import java.util.List;
import java.util.Optional;

/**
 * One client API spoken on top of the chat pipeline: it turns its own request body into an OpenAI chat-completions
 * body, and the pipeline's chat answers, stream chunks and errors back into its own shapes. The pipeline itself
 * runs unchanged (see {@link DialectExchange}), so every control that applies to chat applies here.
 *
 * <p>An instance serves one request: {@link #toChat} may remember what the answer needs (the requested model,
 * fields the answer echoes). Not thread-safe; the pipeline calls it from the request's one thread.
 */
public interface Dialect {

    /** The API's name in audit records and metrics: {@code responses}, {@code completions} or {@code messages}. */
    String endpoint();

    /**
     * The {@code Authorization} header the pipeline should see; a dialect with another way of sending the key
     * ({@code x-api-key}) turns it into a bearer header here.
     */
    default Optional<String> authorization(Exchange exchange) {
        return exchange.header("Authorization");
    }

    /**
     * Translates the API's request into a chat-completions request.
     *
     * @throws dev.bastion.gateway.api.Refusal with a 400 naming the field when the request is malformed or asks
     *     for something this gateway does not translate
     */
    ObjectNode toChat(ObjectNode request);

    /** The API's answer for a complete {@code chat.completion} object (already scanned and restored). */
    ObjectNode answer(ObjectNode completion);

    /** A translator for one streamed answer. */
    StreamTranslator stream();

    /** The HTTP body of {@code error} in the API's error shape (its status is the error's). */
    default ObjectNode errorBody(ApiError error) {
        return error.toJson();
    }

    /** An event of the API's stream: a name (empty for a plain {@code data:} event) and its data. */
    record Event(String name, String data) {
        public Event {
            if (name == null || data == null) {
                throw new IllegalArgumentException("an event has a name (may be empty) and data");
            }
        }

        static Event named(String name, ObjectNode data) {
            return new Event(name, data.toString());
        }

        static Event plain(String data) {
            return new Event("", data);
        }
    }

    /**
     * Turns the pipeline's chat stream ({@code chat.completion.chunk} objects, then {@code [DONE]}, or an error
     * object) into the API's events. One per stream; not thread-safe.
     */
    interface StreamTranslator {
        /** The events for one chunk (possibly none). */
        List<Event> chunk(ObjectNode chunk);

        /** The events that end a stream that completed. */
        List<Event> done();

        /**
         * The events that end a stream with an error after it started; the stream closes after them.
         *
         * @param error the error as the pipeline sends it, OpenAI's {@code {message, type, param, code}}
         */
        List<Event> error(ObjectNode error);
    }
}
