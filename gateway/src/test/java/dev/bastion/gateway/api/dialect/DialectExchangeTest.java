package dev.bastion.gateway.api.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.Refusal;
import dev.bastion.gateway.pipeline.Exchange;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DialectExchangeTest {
    /** An exchange that records what is sent. */
    static final class Recorded implements Exchange {
        final Map<String, String> requestHeaders = new HashMap<>();
        final Map<String, String> responseHeaders = new HashMap<>();
        final List<String> sent = new ArrayList<>();
        final byte[] body;
        int status;
        ObjectNode json;

        Recorded(String body) {
            this.body = body.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String requestId() {
            return "req_1";
        }

        @Override
        public Optional<String> header(String name) {
            return Optional.ofNullable(requestHeaders.get(name));
        }

        @Override
        public byte[] body() {
            return body;
        }

        @Override
        public void responseHeader(String name, String value) {
            responseHeaders.put(name, value);
        }

        @Override
        public void respond(int status, ObjectNode body) {
            this.status = status;
            this.json = body;
        }

        @Override
        public void respondError(ApiError error) {
            respond(error.status(), error.toJson());
        }

        @Override
        public EventStream openEventStream() {
            return new EventStream() {
                @Override
                public boolean send(String data) {
                    sent.add("data: " + data);
                    return true;
                }

                @Override
                public boolean send(String event, String data) {
                    sent.add("event: " + event + " data: " + data);
                    return true;
                }

                @Override
                public void close() {
                    sent.add("closed");
                }
            };
        }

        @Override
        public boolean responseStarted() {
            return json != null || !sent.isEmpty();
        }
    }

    @Test
    void theKeyInXApiKeyIsPresentedToThePipelineAsABearerHeader() {
        Recorded client = new Recorded("{}");
        client.requestHeaders.put("x-api-key", "bsk_k");
        assertThat(new DialectExchange(client, new MessagesDialect("msg_1")).header("Authorization")).hasValue("Bearer bsk_k");
        assertThat(new DialectExchange(client, new ResponsesDialect("resp_1", 0)).header("Authorization"))
                .as("only the Anthropic dialect reads x-api-key").isEmpty();
    }

    @Test
    void theBodyThePipelineReadsIsTheTranslationAndABadBodyIsARefusalWhenRead() {
        DialectExchange ok = new DialectExchange(new Recorded("{\"model\":\"m\",\"prompt\":\"p\"}"),
                new CompletionsDialect("cmpl-1", 0));
        assertThat(new String(ok.body(), StandardCharsets.UTF_8)).contains("\"messages\":[{\"role\":\"user\",\"content\":\"p\"}]");
        assertThat(ok.endpoint()).isEqualTo("completions");
        DialectExchange bad = new DialectExchange(new Recorded("{\"model\":"), new CompletionsDialect("cmpl-1", 0));
        Refusal r = catchThrowableOfType(Refusal.class, bad::body);
        assertThat(r.error().code()).isEqualTo("invalid_json");
    }

    @Test
    void errorsAreSentInTheDialectsShapeWithRetryAfter() {
        Recorded client = new Recorded("{}");
        new DialectExchange(client, new MessagesDialect("msg_1")).respondError(
                ApiError.rateLimited("rate_limited", "slow down", Duration.ofSeconds(7)));
        assertThat(client.status).isEqualTo(429);
        assertThat(client.json.at("/error/type").asText()).isEqualTo("rate_limit_error");
        assertThat(client.responseHeaders).containsEntry("Retry-After", "7");
    }

    @Test
    void theChatStreamIsRewrittenIntoNamedEventsAndItsDoneMarkerIsDropped() {
        Recorded client = new Recorded("{}");
        DialectExchange ex = new DialectExchange(client, new MessagesDialect("msg_1"));
        Exchange.EventStream events = ex.openEventStream();
        assertThat(events.send(Chat.textChunk("hi").toString())).isTrue();
        assertThat(events.send("[DONE]")).isTrue();
        events.close();
        assertThat(client.sent).extracting(s -> s.split(" data: ")[0]).containsExactly("event: message_start",
                "event: content_block_start", "event: content_block_delta", "event: content_block_stop",
                "event: message_delta", "event: message_stop", "closed");
        assertThat(client.sent).noneMatch(s -> s.contains("[DONE]"));
    }
}
