package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP edge probed with raw bytes, as an attacker or a broken client would: request smuggling, silent sockets,
 * HTTP/1.0, and impossible body lengths. Each answer is read off the socket, so nothing a client library would
 * normalise is hidden.
 */
class HttpEdgeTest {
    private static final Duration IDLE = Duration.ofSeconds(2);

    @TempDir
    static Path dir;
    static FakeUpstream upstream;
    static TestGateway gateway;
    static String key;

    private final List<LogRecord> logged = Collections.synchronizedList(new ArrayList<>());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = TestGateway.start(dir, "server:\n  read-timeout: 5s\n  idle-timeout: " + IDLE.toMillis() + "ms\nmodels:\n"
                + TestGateway.model("m", upstream, "local"));
        key = gateway.createKey(Role.USER, "t", List.of("*"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void captureLog() {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void serverStaysHealthy() {
        Logger.getLogger("").removeHandler(capture);
        assertThat(gateway.get("/healthz", null).status()).isEqualTo(200);
    }

    @Test
    void contentLengthWithChunkedIsRefusedAndNothingAfterTheBodyIsAnswered() throws IOException {
        String body = TestGateway.chat("m", "hello", false);
        String smuggled = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
        String request = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n" + smuggled;
        RawHttp.Answer answer = RawHttp.exchange(gateway.port(), request, Duration.ofSeconds(5));
        assertThat(answer.status()).as(answer.text()).isEqualTo(400);
        assertThat(answer.responses()).as(answer.text()).isEqualTo(1);
        assertThat(answer.closed()).isTrue();
    }

    @Test
    void wellFramedPipelinedRequestsAreAllAnsweredOnOneConnection() throws IOException {
        String body = TestGateway.chat("m", "hello", false);
        String post = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
        String chunked = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n";
        String last = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        // Helidon counts idle time from the start of a connection's last request and ends the connection after an
        // answer that took longer than idle-timeout (2 s here). A cold first chat can take that long, so the path is
        // warmed first.
        assertThat(gateway.post("/v1/chat/completions", key, body).status()).isEqualTo(200);
        RawHttp.Answer answer = RawHttp.exchange(gateway.port(), post + chunked + last, Duration.ofSeconds(10));
        assertThat(answer.responses()).as(answer.text()).isEqualTo(3);
        assertThat(answer.text()).doesNotContain(" 400 ").contains("echo: hello").contains("\"status\":\"ok\"");
        assertThat(answer.closed()).isTrue();
    }

    @Test
    void aSocketThatSendsNothingIsClosedWithinTheIdleTimeout() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            RawHttp.Answer answer = RawHttp.readUntilClosed(socket, IDLE.multipliedBy(6));
            assertThat(answer.closed()).as("closed after %s", answer.elapsed()).isTrue();
            assertThat(answer.text()).isEmpty();
            assertThat(answer.elapsed()).isLessThan(IDLE.multipliedBy(4));
        }
    }

    @Test
    void http10HealthCheckIsAnsweredAndTheConnectionClosed() throws IOException {
        RawHttp.Answer answer = RawHttp.exchange(gateway.port(), "GET /healthz HTTP/1.0\r\n\r\n", Duration.ofSeconds(5));
        assertThat(answer.status()).as(answer.text()).isEqualTo(505);
        assertThat(answer.text()).containsIgnoringCase("connection: close");
        assertThat(answer.responses()).isEqualTo(1);
        assertThat(answer.closed()).isTrue();
        assertThat(logged).noneMatch(r -> r.getThrown() != null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Length: -1", "Content-Length: abc", "Content-Length: 2, 2", "Content-Length: +2",
            "Content-Length: 99999999999999999999", "Content-Length: 2\r\nContent-Length: 2",
            "Transfer-Encoding: identity", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked"})
    void badBodyLengthsAre400AndClosedWithoutAStackTrace(String framing) throws IOException {
        assertRefusedAndClosed(framing, 400);
    }

    /** Helidon 4.5 itself answers a transfer coding it does not implement with 501, as RFC 9112 section 6.1 advises. */
    @Test
    void anUnimplementedTransferCodingIs501AndClosedWithoutAStackTrace() throws IOException {
        assertRefusedAndClosed("Transfer-Encoding: gzip, chunked", 501);
    }

    private void assertRefusedAndClosed(String framing, int status) throws IOException {
        String request = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + framing + "\r\n\r\n{}";
        RawHttp.Answer answer = RawHttp.exchange(gateway.port(), request, Duration.ofSeconds(5));
        assertThat(answer.status()).as(answer.text()).isEqualTo(status);
        assertThat(answer.responses()).isEqualTo(1);
        assertThat(answer.closed()).isTrue();
        assertThat(answer.elapsed()).isLessThan(Duration.ofSeconds(3));
        assertThat(logged).noneMatch(r -> r.getThrown() != null);
        assertThat(logged).noneMatch(r -> r.getLevel().intValue() >= Level.SEVERE.intValue());
    }

    @Test
    void http10WithABodyIsAnsweredAndClosed() throws IOException {
        String body = TestGateway.chat("m", "hello", false);
        String request = "POST /v1/chat/completions HTTP/1.0\r\nAuthorization: Bearer " + key + "\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
        RawHttp.Answer answer = RawHttp.exchange(gateway.port(), request, Duration.ofSeconds(5));
        assertThat(answer.status()).as(answer.text()).isEqualTo(505);
        assertThat(answer.text()).containsIgnoringCase("connection: close");
        assertThat(answer.responses()).isEqualTo(1);
        assertThat(answer.closed()).isTrue();
        assertThat(logged).noneMatch(r -> r.getThrown() != null);
    }

    @Test
    void aMalformedChunkSizeIs400WithoutAStackTrace() throws IOException {
        String request = authorisedHead("Transfer-Encoding: chunked") + "zz\r\n{}\r\n0\r\n\r\n";
        RawHttp.Answer answer = RawHttp.exchange(gateway.port(), request, Duration.ofSeconds(5));
        assertThat(answer.status()).as(answer.text()).isEqualTo(400);
        assertThat(answer.closed()).isTrue();
        assertThat(logged).noneMatch(r -> r.getThrown() != null);
    }

    @Test
    void aClientThatHangsUpInsideAChunkedBodyLeavesNoStackTrace() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{\"model\":")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            socket.shutdownOutput();
            RawHttp.Answer answer = RawHttp.readUntilClosed(socket, Duration.ofSeconds(5));
            assertThat(answer.closed()).isTrue();
        }
        assertThat(logged).noneMatch(r -> r.getThrown() != null);
    }

    /**
     * A client that writes its whole oversized body before reading (as most do) must still read the 413: the gateway
     * drains the refused body before closing, because closing with unread bytes resets the connection and a reset
     * can destroy the response in the client's buffer. 16 MiB is more than loopback socket buffers hold, so without
     * the drain the write itself fails.
     */
    @Test
    void aWholeOversizedBodySentBeforeReadingStillGetsThe413() throws IOException {
        int size = 16 * 1024 * 1024;
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            var out = socket.getOutputStream();
            out.write(authorisedHead("Content-Length: " + size).getBytes(StandardCharsets.US_ASCII));
            byte[] block = new byte[1 << 20];
            java.util.Arrays.fill(block, (byte) 'a');
            for (int sent = 0; sent < size; sent += block.length) {
                out.write(block);
            }
            out.flush();
            RawHttp.Answer answer = RawHttp.readUntilClosed(socket, Duration.ofSeconds(5));
            assertThat(answer.status()).as(answer.text()).isEqualTo(413);
            assertThat(answer.text()).contains("request_too_large");
            assertThat(answer.closed()).isTrue();
        }
    }

    @Test
    void aWholeOversizedChunkedBodySentBeforeReadingStillGetsThe413() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            var out = socket.getOutputStream();
            out.write(authorisedHead("Transfer-Encoding: chunked").getBytes(StandardCharsets.US_ASCII));
            byte[] block = new byte[1 << 20];
            java.util.Arrays.fill(block, (byte) 'a');
            for (int i = 0; i < 16; i++) {
                out.write((Integer.toHexString(block.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(block);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            RawHttp.Answer answer = RawHttp.readUntilClosed(socket, Duration.ofSeconds(5));
            assertThat(answer.status()).as(answer.text()).isEqualTo(413);
            assertThat(answer.closed()).isTrue();
        }
    }

    /** A client that waits for 100 Continue is told 413 at once and never asked for the body. */
    @Test
    void anOversizedBodyAnnouncedWithExpectContinueIsRefusedWithoutAskingForIt() throws IOException {
        String request = authorisedHead("Content-Length: 16777216\r\nExpect: 100-continue");
        RawHttp.Answer answer = RawHttp.exchange(gateway.port(), request, Duration.ofSeconds(5));
        assertThat(answer.status()).as(answer.text()).isEqualTo(413);
        assertThat(answer.text()).doesNotContain("100 Continue");
        assertThat(answer.closed()).isTrue();
        assertThat(answer.elapsed()).isLessThan(Duration.ofSeconds(3));
    }

    /** The request line and headers of an authorised JSON chat request with the given framing headers. */
    private static String authorisedHead(String framing) {
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\n"
                + "Content-Type: application/json\r\n" + framing + "\r\n\r\n";
    }
}
