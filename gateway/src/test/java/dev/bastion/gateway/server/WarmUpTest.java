package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The warm-up's private gateway: real requests answered in full, nothing left behind, bad counts refused. */
class WarmUpTest {

    @Test
    void everyRequestIsAnsweredInFullAndTheScratchFolderIsRemoved() throws IOException {
        List<Path> before = scratchFolders();

        WarmUp.Report report = WarmUp.run(24);

        assertThat(report.requests()).isEqualTo(24);
        assertThat(report.answered()).isEqualTo(24); // streams ended with [DONE], whole answers with their body
        assertThat(report.nanos()).isPositive();
        assertThat(scratchFolders()).isEqualTo(before);
    }

    @Test
    void zeroRequestsStartNothing() throws IOException {
        List<Path> before = scratchFolders();

        assertThat(WarmUp.run(0)).isEqualTo(new WarmUp.Report(0, 0, 0));
        assertThat(scratchFolders()).isEqualTo(before);
    }

    @Test
    void aNegativeCountIsRefusedWithItsValue() {
        assertThatThrownBy(() -> WarmUp.run(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }

    @Test
    void theCannedUpstreamStreamsWhenAskedAnswersWholeOtherwiseAndRefusesABadLength() throws IOException {
        try (CannedUpstream upstream = CannedUpstream.start()) {
            int port = java.net.URI.create(upstream.baseUrl()).getPort();
            String streamed = exchange(port, "{\"stream\": true}", "");
            assertThat(streamed).startsWith("HTTP/1.1 200").contains("text/event-stream", "\"content\":\"report \"",
                    "data: [DONE]").endsWith("0\r\n\r\n");
            String whole = exchange(port, "{\"stream\":false}", "");
            assertThat(whole).startsWith("HTTP/1.1 200").contains("application/json",
                    "\"content\":\"The report shows steady growth.\"").doesNotContain("data:");
            assertThat(exchange(port, "{}", "Content-Length: nine\r\n")).startsWith("HTTP/1.1 400");
        }
        // The private gateway's config turns off what its repeated prompts would trip, and has both kinds of route.
        assertThat(WarmUp.config("http://127.0.0.1:1/v1")).contains("min-requests: 0", "requests-per-minute: 0",
                "output-scanners: []", "name: warm-up-default", "enabled: false");
    }

    /** One request on a fresh connection; the reply up to the server's close or the end of one answer. */
    private static String exchange(int port, String body, String badLength) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            String length = badLength.isEmpty() ? "Content-Length: " + body.length() + "\r\n" : badLength;
            socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + length + "\r\n"
                    + (badLength.isEmpty() ? body : "")).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.shutdownOutput(); // the server answers, then sees the end of the stream and closes
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static List<Path> scratchFolders() throws IOException {
        try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return tmp.filter(p -> p.getFileName().toString().startsWith("bastion-warm-up")).sorted().toList();
        }
    }
}
