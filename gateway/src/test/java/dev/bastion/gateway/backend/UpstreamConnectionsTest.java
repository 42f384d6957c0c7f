package dev.bastion.gateway.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.webclient.api.WebClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UpstreamConnectionsTest {
    /**
     * A loopback HTTP/1.1 server that answers every POST with a small JSON body and counts connections and answers;
     * {@code closeAfterAnswer} closes each connection right after its first answer without saying so, as a server
     * does when its keep-alive timeout ends while the client's pool still holds the connection.
     */
    private static final class CountingServer implements AutoCloseable {
        private static final byte[] ANSWER = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + "Content-Length: 11\r\n\r\n{\"ok\":true}").getBytes(StandardCharsets.US_ASCII);
        /** A streamed answer as OpenAI sends it: chunked SSE, one text event, {@code [DONE]}, the closing chunk. */
        static final byte[] STREAM = ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n"
                + chunk("data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n")
                + chunk("data: [DONE]\n\n") + "0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger answers = new AtomicInteger();
        private final ServerSocket socket;
        private final boolean closeAfterAnswer;
        private final byte[] answer;

        CountingServer(boolean closeAfterAnswer) throws IOException {
            this(closeAfterAnswer, ANSWER);
        }

        CountingServer(boolean closeAfterAnswer, byte[] answer) throws IOException {
            this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            this.closeAfterAnswer = closeAfterAnswer;
            this.answer = answer;
            Thread.ofVirtual().start(this::accept);
        }

        private static String chunk(String data) {
            return Integer.toHexString(data.length()) + "\r\n" + data + "\r\n";
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/v1/chat/completions");
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                while (readRequest(in)) {
                    out.write(answer);
                    out.flush();
                    answers.incrementAndGet();
                    if (closeAfterAnswer) {
                        return;
                    }
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        /** Reads one request's head and its Content-Length body; false at the end of the stream. */
        private static boolean readRequest(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                byte[] h = head.toByteArray();
                int n = h.length;
                if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                    String text = head.toString(StandardCharsets.US_ASCII).toLowerCase(java.util.Locale.ROOT);
                    int at = text.indexOf("content-length:");
                    int length = at < 0 ? 0 : Integer.parseInt(text.substring(at + 15, text.indexOf('\r', at)).trim());
                    return in.readNBytes(length).length == length;
                }
            }
            return false;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** The counter once it reached {@code expected} or stopped moving for a second (the server counts after it acts). */
    private static int settled(AtomicInteger counter, int expected) throws InterruptedException {
        for (int i = 0; i < 100 && counter.get() < expected; i++) {
            Thread.sleep(10);
        }
        return counter.get();
    }

    private static UpstreamTransport.Request request(URI url) {
        return new UpstreamTransport.Request(url, Map.of("Content-Type", "application/json"),
                "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8));
    }

    private static String exchange(HelidonUpstream upstream, URI url) throws Exception {
        UpstreamTransport.Reply reply = upstream.send(request(url), Duration.ofSeconds(2), Duration.ofSeconds(2));
        try (InputStream body = reply.body()) {
            return reply.status() + " " + new String(body.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Without a connection write buffer (HelidonUpstream's WRITE_BUFFER), every request still reaches the upstream
     * whole: its line, its headers and its body, byte for byte, for bodies below, at and above the 4 KiB the buffer
     * used to hold, one after another on one kept-alive connection.
     */
    @Test
    void requestsOfEverySizeArriveWholeWithoutAWriteBuffer() throws Exception {
        java.util.List<byte[]> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.List<String> heads = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = listener.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    while (true) {
                        ByteArrayOutputStream head = new ByteArrayOutputStream();
                        int b;
                        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n") && (b = in.read()) >= 0) {
                            head.write(b);
                        }
                        String text = head.toString(StandardCharsets.US_ASCII);
                        if (!text.endsWith("\r\n\r\n")) {
                            return;
                        }
                        int at = text.toLowerCase(java.util.Locale.ROOT).indexOf("content-length:");
                        int length = Integer.parseInt(text.substring(at + 15, text.indexOf('\r', at)).trim());
                        heads.add(text);
                        bodies.add(in.readNBytes(length));
                        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
                                + "{\"ok\":true}").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                } catch (IOException e) {
                    // the test ended
                }
            });
            URI url = URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/v1/chat/completions");
            HelidonUpstream upstream = new HelidonUpstream();
            int[] sizes = {13, 4000, 4096, 4097, 70_000, 13};
            java.util.List<byte[]> sent = new java.util.ArrayList<>();
            for (int size : sizes) {
                byte[] body = new byte[size];
                for (int i = 0; i < size; i++) {
                    body[i] = (byte) ('a' + (i * 7 + size) % 26);
                }
                sent.add(body);
                UpstreamTransport.Reply reply = upstream.send(new UpstreamTransport.Request(url,
                        Map.of("Content-Type", "application/json", "Authorization", "Bearer sk-test"), body),
                        Duration.ofSeconds(2), Duration.ofSeconds(2));
                try (InputStream in = reply.body()) {
                    assertThat(reply.status() + " " + new String(in.readAllBytes(), StandardCharsets.UTF_8))
                            .isEqualTo("200 {\"ok\":true}");
                }
            }
            assertThat(bodies).hasSize(sizes.length);
            for (int i = 0; i < sizes.length; i++) {
                assertThat(bodies.get(i)).as("body %d (%d bytes)", i, sizes[i]).isEqualTo(sent.get(i));
                assertThat(heads.get(i)).startsWith("POST /v1/chat/completions HTTP/1.1\r\n")
                        .containsIgnoringCase("content-length: " + sizes[i] + "\r\n")
                        .contains("Authorization: Bearer sk-test\r\n");
            }
        }
    }

    @Test
    void requestsOneAfterAnotherShareOneKeptAliveConnection() throws Exception {
        try (CountingServer server = new CountingServer(false)) {
            HelidonUpstream upstream = new HelidonUpstream();
            for (int i = 0; i < 3; i++) {
                assertThat(exchange(upstream, server.url())).isEqualTo("200 {\"ok\":true}");
            }
            assertThat(settled(server.answers, 3)).isEqualTo(3);
            assertThat(settled(server.connections, 1)).isEqualTo(1);
        }
    }

    @Test
    void answersOfDeclaredLengthReadWholeLeaveTheirConnectionForTheNextRequest() throws Exception {
        try (CountingServer server = new CountingServer(false)) {
            UpstreamHttp http = new UpstreamHttp(Map.of(), "auto");
            dev.bastion.gateway.config.ModelSettings model = new dev.bastion.gateway.config.ModelSettings("m",
                    dev.bastion.gateway.config.ModelSettings.OPENAI,
                    java.util.Optional.of(URI.create("http://127.0.0.1:" + server.url().getPort() + "/v1/")),
                    java.util.Optional.empty(), "m", dev.bastion.gateway.config.Location.LOCAL, java.util.Optional.empty(),
                    Duration.ofSeconds(2), Duration.ofSeconds(2), 0);
            for (int i = 0; i < 3; i++) {
                com.fasterxml.jackson.databind.node.ObjectNode answer = http.postForJson(model, "/chat/completions",
                        UpstreamHttp.Dialect.OPENAI, dev.bastion.gateway.api.Json.MAPPER.createObjectNode().put("model", "m"));
                assertThat(answer.path("ok").asBoolean()).isTrue();
            }
            assertThat(settled(server.answers, 3)).isEqualTo(3);
            assertThat(settled(server.connections, 1)).isEqualTo(1);
        }
    }

    @Test
    void streamsReadToTheirLastEventLeaveTheirConnectionForTheNextRequest() throws Exception {
        try (CountingServer server = new CountingServer(false, CountingServer.STREAM)) {
            OpenAiBackend backend = new OpenAiBackend(Map.of());
            for (int i = 0; i < 3; i++) {
                java.util.List<String> texts = new java.util.ArrayList<>();
                backend.stream(model(server), dev.bastion.gateway.api.Json.MAPPER.createObjectNode().put("model", "m"),
                        chunk -> texts.add(chunk.at("/choices/0/delta/content").asText()));
                assertThat(texts).containsExactly("hi");
            }
            assertThat(settled(server.answers, 3)).isEqualTo(3);
            assertThat(settled(server.connections, 1)).isEqualTo(1);
        }
    }

    private static dev.bastion.gateway.config.ModelSettings model(CountingServer server) {
        return new dev.bastion.gateway.config.ModelSettings("m", dev.bastion.gateway.config.ModelSettings.OPENAI,
                java.util.Optional.of(URI.create("http://127.0.0.1:" + server.url().getPort() + "/v1/")),
                java.util.Optional.empty(), "m", dev.bastion.gateway.config.Location.LOCAL, java.util.Optional.empty(),
                Duration.ofSeconds(2), Duration.ofSeconds(2), 0);
    }

    @Test
    void aPooledConnectionTheUpstreamClosedIsReplacedWithoutFailingTheRequest() throws Exception {
        try (CountingServer server = new CountingServer(true)) {
            HelidonUpstream upstream = new HelidonUpstream();
            assertThat(exchange(upstream, server.url())).isEqualTo("200 {\"ok\":true}");
            assertThat(exchange(upstream, server.url())).isEqualTo("200 {\"ok\":true}");
            assertThat(settled(server.answers, 2)).isEqualTo(2);
            assertThat(settled(server.connections, 2)).isEqualTo(2);
        }
    }

    @Test
    void aConnectionIdleLongerThanTheLimitIsClosedInsteadOfReused() throws Exception {
        AtomicLong now = new AtomicLong();
        try (CountingServer server = new CountingServer(false);
                UpstreamConnections pool = new UpstreamConnections(WebClient.builder().build(), 4,
                        Duration.ofSeconds(4), now::get)) {
            UpstreamConnections.Lease first = pool.take(server.url());
            first.connection().releaseResource();
            assertThat(pool.idle(server.url())).isEqualTo(1);

            now.addAndGet(Duration.ofSeconds(3).toNanos());
            UpstreamConnections.Lease fresh = pool.take(server.url());
            assertThat(fresh.reused()).isTrue();
            assertThat(fresh.connection()).isSameAs(first.connection());
            fresh.connection().releaseResource();

            now.addAndGet(Duration.ofSeconds(5).toNanos());
            UpstreamConnections.Lease stale = pool.take(server.url());
            assertThat(stale.reused()).isFalse();
            assertThat(stale.connection()).isNotSameAs(first.connection());
            stale.connection().closeResource();
        }
    }

    @Test
    void thePoolKeepsNoMoreIdleConnectionsThanItsSize() throws Exception {
        try (CountingServer server = new CountingServer(false);
                UpstreamConnections pool = new UpstreamConnections(WebClient.builder().build(), 2,
                        Duration.ofSeconds(4), System::nanoTime)) {
            UpstreamConnections.Lease[] leases = new UpstreamConnections.Lease[3];
            for (int i = 0; i < leases.length; i++) {
                leases[i] = pool.take(server.url());
            }
            for (UpstreamConnections.Lease lease : leases) {
                lease.connection().releaseResource();
            }
            assertThat(pool.idle(server.url())).isEqualTo(2);
            assertThat(pool.take(server.url()).connection()).isSameAs(leases[1].connection());
        }
    }
}
