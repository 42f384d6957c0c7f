package dev.bastion.gateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With {@code telemetry.otlp-endpoint} set, spans reach an OTLP/HTTP collector as protobuf. */
class TelemetryExportTest {
    private static final String PROMPT = "prompt-canary-5d1e-not-in-spans";

    /** One POST as the collector received it. */
    record Post(String path, String contentType, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    @TempDir
    Path dir;

    @Test
    void spansAreExportedOverOtlpHttpWithTheServiceNameAndStageNamesAndNoPromptText() throws Exception {
        List<Post> posts = new CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        collector.createContext("/", ex -> {
            posts.add(new Post(ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst("Content-Type"),
                    ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        collector.start();
        try (FakeUpstream upstream = FakeUpstream.start()) {
            String yaml = "telemetry:\n  otlp-endpoint: http://127.0.0.1:" + collector.getAddress().getPort()
                    + "\n  service-name: bastion-export-test\nmodels:\n" + TestGateway.model("alpha", upstream, "local");
            try (TestGateway gateway = TestGateway.start(dir, yaml)) {
                String key = gateway.createKey(Role.USER, "t", List.of("alpha"));
                assertThat(gateway.post("/v1/chat/completions", key, TestGateway.chat("alpha", PROMPT, false)).status())
                        .isEqualTo(200);
                assertThat(gateway.post("/v1/chat/completions", key, TestGateway.chat("alpha", PROMPT, true)).status())
                        .isEqualTo(200);
            } // closing the gateway flushes the batch
        } finally {
            collector.stop(0);
        }
        assertThat(posts).isNotEmpty().allSatisfy(p -> {
            assertThat(p.path()).isEqualTo("/v1/traces");
            assertThat(p.contentType()).isEqualTo("application/x-protobuf");
        });
        String all = String.join("\n", posts.stream().map(Post::text).toList());
        assertThat(all).contains("bastion-export-test", "POST /v1/chat/completions", "scan-input", "backend",
                "bastion.request_id").doesNotContain(PROMPT);
    }

    @Test
    void theEndpointGetsTheTracesPathOnceAndBadSettingsAreRefused() {
        var settings = new dev.bastion.gateway.config.TelemetrySettings(java.util.Optional.of(java.net.URI.create(
                "http://collector:4318/")), "bastion", 0.5, dev.bastion.gateway.config.TelemetrySettings.LogFormat.JSON);
        assertThat(settings.tracesUrl()).contains(java.net.URI.create("http://collector:4318/v1/traces"));
        var exact = new dev.bastion.gateway.config.TelemetrySettings(java.util.Optional.of(java.net.URI.create(
                "https://c.example/otlp/v1/traces")), "bastion", 1, dev.bastion.gateway.config.TelemetrySettings.LogFormat.TEXT);
        assertThat(exact.tracesUrl()).contains(java.net.URI.create("https://c.example/otlp/v1/traces"));
        assertThat(dev.bastion.gateway.config.TelemetrySettings.DEFAULTS.tracesUrl()).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new dev.bastion.gateway.config.TelemetrySettings(
                java.util.Optional.empty(), "bastion", 1.5, dev.bastion.gateway.config.TelemetrySettings.LogFormat.TEXT))
                .hasMessageContaining("telemetry.sampling-ratio");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new dev.bastion.gateway.config.TelemetrySettings(
                java.util.Optional.of(java.net.URI.create("ftp://x/")), "bastion", 1,
                dev.bastion.gateway.config.TelemetrySettings.LogFormat.TEXT)).hasMessageContaining("telemetry.otlp-endpoint");
    }
}
