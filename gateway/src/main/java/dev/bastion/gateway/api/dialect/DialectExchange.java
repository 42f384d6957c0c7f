package dev.bastion.gateway.api.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.api.RequestBodies;
import dev.bastion.gateway.pipeline.Exchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The exchange the chat pipeline sees for a request in another API: the body is the {@link Dialect}'s translation
 * into a chat request, and what the pipeline sends back (a {@code chat.completion}, chunks, errors) goes to the
 * client in the dialect's shapes. The translation runs when the pipeline first reads the body, which is after
 * authentication and rate limiting, so a malformed request is refused (and audited) like a malformed chat request.
 *
 * <p>One per request; not thread-safe.
 */
public final class DialectExchange implements Exchange {
    private final Exchange client;
    private final Dialect dialect;
    private byte[] translated;

    public DialectExchange(Exchange client, Dialect dialect) {
        this.client = Objects.requireNonNull(client, "client");
        this.dialect = Objects.requireNonNull(dialect, "dialect");
    }

    @Override
    public String requestId() {
        return client.requestId();
    }

    @Override
    public Optional<String> header(String name) {
        return name.equalsIgnoreCase("Authorization") ? dialect.authorization(client) : client.header(name);
    }

    /**
     * The chat request the dialect makes of the client's body.
     *
     * @throws dev.bastion.gateway.api.Refusal when the client's body is not JSON or not a valid request of its API
     */
    @Override
    public byte[] body() {
        if (translated == null) {
            byte[] raw = client.body();
            ObjectNode chat = dialect.toChat(RequestBodies.parseObject(raw, raw.length));
            translated = chat.toString().getBytes(StandardCharsets.UTF_8);
        }
        return translated;
    }

    @Override
    public void responseHeader(String name, String value) {
        client.responseHeader(name, value);
    }

    @Override
    public void respond(int status, ObjectNode body) {
        client.respond(status, status == 200 ? dialect.answer(body) : body);
    }

    @Override
    public void respondError(ApiError error) {
        error.retryAfter().ifPresent(d -> client.responseHeader("Retry-After", Long.toString(Math.max(1, d.toSeconds()))));
        client.respond(error.status(), dialect.errorBody(error));
    }

    @Override
    public boolean responseStarted() {
        return client.responseStarted();
    }

    @Override
    public String endpoint() {
        return dialect.endpoint();
    }

    /** The dialect reads them (the Messages API's stop sequence) and writes its own shapes, which never carry them. */
    @Override
    public boolean readsInternalFields() {
        return true;
    }

    @Override
    public EventStream openEventStream() {
        return new Translating(client.openEventStream(), dialect.stream());
    }

    /** Reads the pipeline's chat events and writes the dialect's. */
    private static final class Translating implements EventStream {
        private final EventStream out;
        private final Dialect.StreamTranslator translator;

        Translating(EventStream out, Dialect.StreamTranslator translator) {
            this.out = out;
            this.translator = translator;
        }

        @Override
        public boolean send(String data) {
            return write(translate(data));
        }

        @Override
        public boolean send(String event, String data) {
            return out.send(event, data);
        }

        private List<Dialect.Event> translate(String data) {
            if (data.equals("[DONE]")) {
                return translator.done();
            }
            JsonNode event;
            try {
                event = Json.MAPPER.readTree(data);
            } catch (IOException e) {
                throw new IllegalStateException("the chat pipeline sent an event that is not JSON", e);
            }
            if (!(event instanceof ObjectNode object)) {
                throw new IllegalStateException("the chat pipeline sent an event that is not a JSON object");
            }
            if (object.path("error") instanceof ObjectNode error && !object.has("choices")) {
                return translator.error(error);
            }
            return translator.chunk(object);
        }

        private boolean write(List<Dialect.Event> events) {
            for (Dialect.Event e : events) {
                boolean sent = e.name().isEmpty() ? out.send(e.data()) : out.send(e.name(), e.data());
                if (!sent) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() {
            out.close();
        }
    }
}
