package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that asks for the connection to end (HTTP/1.1 {@code Connection: close}, or HTTP/1.0 without keep-alive)
 * sees the server close it right after the answer: a read returns end of stream long before the idle timeout, on
 * every kind of endpoint. A client that reads to the end of the stream (curl --http1.0, shell scripts, some proxies)
 * would otherwise wait for the idle timeout. Helidon 4.4.1 to 4.5.3 left such connections open (helidon#12324).
 */
class ConnectionCloseTest {
    /** Long, so that a close caused by the idle timeout cannot pass for a close caused by the request. */
    private static final Duration IDLE = Duration.ofSeconds(30);
    /** How soon the close must come: well under the idle timeout, generous for a loaded machine. */
    private static final Duration PROMPTLY = Duration.ofSeconds(8);

    @TempDir
    static Path dir;
    static FakeUpstream upstream;
    static TestGateway gateway;
    static String key;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = TestGateway.start(dir, "server:\n  idle-timeout: " + IDLE.toMillis() + "ms\nmodels:\n"
                + TestGateway.model("m", upstream, "local"));
        key = gateway.createKey(Role.USER, "t", List.of("*"));
        // a cold first chat may be slow on a loaded machine; the close is what is measured, not the first call
        assertThat(gateway.post("/v1/chat/completions", key, TestGateway.chat("m", "warm", false)).status()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aHealthCheckWithConnectionCloseIsAnsweredAndTheConnectionClosed() throws IOException {
        RawHttp.Answer answer = exchange("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.text()).containsIgnoringCase("connection: close").contains("\"status\":\"ok\"");
        assertClosedPromptly(answer);
    }

    @Test
    void aChatCompletionWithConnectionCloseIsAnsweredAndTheConnectionClosed() throws IOException {
        RawHttp.Answer answer = exchange(chatRequest("HTTP/1.1", "Connection: close\r\n", false));
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.text()).contains("echo: hello");
        assertThat(answer.responses()).isEqualTo(1);
        assertClosedPromptly(answer);
    }

    @Test
    void aStreamedChatCompletionWithConnectionCloseIsAnsweredAndTheConnectionClosed() throws IOException {
        RawHttp.Answer answer = exchange(chatRequest("HTTP/1.1", "Connection: close\r\n", true));
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.text()).contains("text/event-stream").contains("data: [DONE]");
        assertClosedPromptly(answer);
    }

    @Test
    void theConnectionHeaderIsMatchedWithoutRegardToCaseOrOtherTokens() throws IOException {
        RawHttp.Answer answer = exchange("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: TE, Close\r\n\r\n");
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.text()).containsIgnoringCase("connection: close").doesNotContainIgnoringCase("keep-alive");
        assertClosedPromptly(answer);
    }

    @Test
    void anHttp10HealthCheckWithoutKeepAliveGetsOneAnswerAndAClose() throws IOException {
        RawHttp.Answer answer = exchange("GET /healthz HTTP/1.0\r\n\r\n");
        assertThat(answer.status()).as(answer.text()).isIn(200, 505);
        assertThat(answer.responses()).isEqualTo(1);
        assertClosedPromptly(answer);
    }

    @Test
    void anHttp10ChatCompletionWithoutKeepAliveGetsOneAnswerAndAClose() throws IOException {
        RawHttp.Answer answer = exchange(chatRequest("HTTP/1.0", "", false));
        assertThat(answer.status()).as(answer.text()).isIn(200, 505);
        assertThat(answer.responses()).isEqualTo(1);
        assertClosedPromptly(answer);
    }

    @Test
    void withoutConnectionCloseTheConnectionIsKeptForTheNextRequest() throws IOException {
        RawHttp.Answer answer = RawHttp.exchange(gateway.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
                Duration.ofSeconds(2));
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.closed()).as("a keep-alive connection was closed after %s", answer.elapsed()).isFalse();
    }

    @Test
    void theCloseOptionIsFoundAsAToken() {
        assertThat(ConnectionClose.listsClose(List.of("close"))).isTrue();
        assertThat(ConnectionClose.listsClose(List.of("keep-alive", " Close "))).isTrue();
        assertThat(ConnectionClose.listsClose(List.of("TE,close"))).isTrue();
        assertThat(ConnectionClose.listsClose(List.of("keep-alive"))).isFalse();
        assertThat(ConnectionClose.listsClose(List.of("closed", "x-close", ""))).isFalse();
        assertThat(ConnectionClose.listsClose(List.of())).isFalse();
    }

    private static RawHttp.Answer exchange(String request) throws IOException {
        return RawHttp.exchange(gateway.port(), request, IDLE.dividedBy(2));
    }

    private static void assertClosedPromptly(RawHttp.Answer answer) {
        assertThat(answer.closed()).as("not closed within %s: %s", answer.elapsed(), answer.text()).isTrue();
        assertThat(answer.elapsed()).as(answer.text()).isLessThan(PROMPTLY);
    }

    private static String chatRequest(String version, String connection, boolean stream) {
        String body = TestGateway.chat("m", "hello", stream);
        return "POST /v1/chat/completions " + version + "\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n" + connection + "\r\n" + body;
    }
}
