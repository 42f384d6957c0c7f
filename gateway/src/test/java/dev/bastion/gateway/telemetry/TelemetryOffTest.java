package dev.bastion.gateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without an OTLP endpoint nothing is recorded, but a client's trace context still reaches the upstream. */
class TelemetryOffTest {
    @TempDir
    Path dir;

    @Test
    void tracingOffRecordsNothingButPassesTheClientsTraceparentUpstreamUnchanged() {
        Tracing off = Tracing.off();
        assertThat(off.recording()).isFalse();
        try (FakeUpstream upstream = FakeUpstream.start();
                TestGateway gateway = TestGateway.start(dir, "models:\n" + TestGateway.model("alpha", upstream, "local"))) {
            String key = gateway.createKey(Role.USER, "t", List.of("alpha"));
            String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
            gateway.post("/v1/chat/completions", key, TestGateway.chat("alpha", "hi", false), Map.of("traceparent", traceparent));
            gateway.post("/v1/chat/completions", key, TestGateway.chat("alpha", "hi", false));
            assertThat(upstream.received()).hasSize(2);
            assertThat(upstream.received().get(0).header("traceparent")).isEqualTo(traceparent);
            assertThat(upstream.received().get(1).header("traceparent")).isNull();
        }
    }

    @Test
    void anAnthropicUpstreamGetsTheClientsTraceparentToo() {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        try (dev.bastion.gateway.testing.FakeAnthropic fake = dev.bastion.gateway.testing.FakeAnthropic.start();
                TestGateway gateway = TestGateway.start(dir, "models:\n  - name: claude\n    backend: anthropic\n"
                        + "    base-url: " + fake.baseUrl() + "\n    api-key-env: ANTHROPIC_KEY\n    location: local\n"
                        + "    max-tokens: 64\n    max-retries: 0\n", Map.of("ANTHROPIC_KEY", "sk-ant-test"))) {
            String key = gateway.createKey(Role.USER, "t", List.of("claude"));
            assertThat(gateway.post("/v1/chat/completions", key, TestGateway.chat("claude", "hi", false),
                    Map.of("traceparent", traceparent)).status()).isEqualTo(200);
            assertThat(fake.received()).singleElement().satisfies(r -> assertThat(r.header("traceparent")).isEqualTo(traceparent));
        }
    }

    @Test
    void aMalformedTraceparentIsIgnored() {
        try (FakeUpstream upstream = FakeUpstream.start();
                TestGateway gateway = TestGateway.start(dir, "models:\n" + TestGateway.model("alpha", upstream, "local"))) {
            String key = gateway.createKey(Role.USER, "t", List.of("alpha"));
            assertThat(gateway.post("/v1/chat/completions", key, TestGateway.chat("alpha", "hi", false),
                    Map.of("traceparent", "00-not-a-trace-01")).status()).isEqualTo(200);
            assertThat(upstream.received().getFirst().header("traceparent")).isNull();
        }
    }

    @Test
    void routeTemplatesHideIdsAndMatchWholeSegments() {
        assertThat(RouteTemplates.of("/v1/chat/completions")).contains("/v1/chat/completions");
        assertThat(RouteTemplates.of("/admin/v1/subjects/patient-42/export")).contains("/admin/v1/subjects/{id}/export");
        assertThat(RouteTemplates.of("/admin/v1/keys/key_1/rotate")).contains("/admin/v1/keys/{id}/rotate");
        assertThat(RouteTemplates.of("/v1/models/")).isEmpty();
        assertThat(RouteTemplates.of("/v1/chat/completions/extra")).isEmpty();
        assertThat(RouteTemplates.of("/v1/chat")).isEqualTo(Optional.empty());
        assertThat(RouteTemplates.of("relative")).isEmpty();
    }
}
