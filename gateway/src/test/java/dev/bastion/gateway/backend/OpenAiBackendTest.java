package dev.bastion.gateway.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.config.Location;
import dev.bastion.gateway.config.ModelSettings;
import dev.bastion.gateway.config.SecretRef;
import dev.bastion.gateway.testing.FakeUpstream;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OpenAiBackendTest {
    private static ModelSettings model(String baseUrl, int retries) {
        return new ModelSettings("m", ModelSettings.OPENAI, Optional.of(URI.create(baseUrl)),
                Optional.of(new SecretRef.FromEnv("KEY")), "up-m", Location.LOCAL, Optional.empty(),
                Duration.ofSeconds(2), Duration.ofMillis(500), retries);
    }

    private static ObjectNode request() {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("model", "m");
        r.putArray("messages").addObject().put("role", "user").put("content", "hi");
        return r;
    }

    private final OpenAiBackend backend = new OpenAiBackend(Map.of("KEY", "sk-test-credential-123"));

    @Test
    void a503IsRetriedAndThenSucceeds() throws Exception {
        try (FakeUpstream up = FakeUpstream.start().failFirst(1)) {
            ObjectNode answer = backend.complete(model(up.baseUrl(), 2), request());
            assertThat(answer.at("/choices/0/message/content").asText()).isEqualTo("echo: hi");
            assertThat(up.calls()).isEqualTo(2);
        }
    }

    @Test
    void a500IsNotRetried() {
        try (FakeUpstream up = FakeUpstream.start().mode(FakeUpstream.Mode.STATUS).status(500, "{}")) {
            assertThatThrownBy(() -> backend.complete(model(up.baseUrl(), 3), request()))
                    .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.UPSTREAM_ERROR));
            assertThat(up.calls()).isEqualTo(1);
        }
    }

    @Test
    void rejectedCredentialsNeverAppearInTheMessage() {
        try (FakeUpstream up = FakeUpstream.start().requireKey("something-else")) {
            assertThatThrownBy(() -> backend.complete(model(up.baseUrl(), 0), request()))
                    .isInstanceOfSatisfying(BackendException.class, e -> {
                        assertThat(e.kind()).isEqualTo(BackendException.Kind.UPSTREAM_AUTH);
                        assertThat(e.getMessage()).doesNotContain("sk-test-credential-123");
                    });
        }
    }

    @Test
    void upstreamErrorMessagesAreStrippedOfTheCredential() {
        try (FakeUpstream up = FakeUpstream.start().mode(FakeUpstream.Mode.STATUS)
                .status(400, "{\"error\":{\"message\":\"bad key sk-test-credential-123 in request\"}}")) {
            assertThatThrownBy(() -> backend.complete(model(up.baseUrl(), 0), request()))
                    .hasMessageContaining("bad key").hasMessageNotContaining("sk-test-credential-123");
        }
    }

    @Test
    void closedPortIsUnavailable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertThatThrownBy(() -> backend.complete(model("http://127.0.0.1:" + port + "/v1", 1), request()))
                .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.UNAVAILABLE));
    }

    @Test
    void streamStopsWhenTheSinkSaysTheClientIsGone() throws Exception {
        try (FakeUpstream up = FakeUpstream.start().chunks(10)) {
            List<ObjectNode> seen = new ArrayList<>();
            backend.stream(model(up.baseUrl(), 0), request(), chunk -> {
                seen.add(chunk);
                return seen.size() < 2;
            });
            assertThat(seen).hasSize(2);
        }
    }

    @Test
    void anUpstreamThatAnswersAStreamRequestWithOneJsonAnswerIsReplayedAsAStream() throws Exception {
        try (FakeUpstream up = FakeUpstream.start().mode(FakeUpstream.Mode.STATUS).status(200,
                "{\"id\":\"x\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"whole\"},"
                        + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}")) {
            List<ObjectNode> seen = new ArrayList<>();
            backend.stream(model(up.baseUrl(), 0), request(), seen::add);
            assertThat(seen).hasSize(2);
            assertThat(seen.get(0).at("/choices/0/delta/content").asText()).isEqualTo("whole");
            assertThat(seen.get(0).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
            assertThat(seen.get(1).at("/usage/prompt_tokens").asInt()).isEqualTo(3);
        }
    }

    @Test
    void hangingStreamTimesOut() {
        try (FakeUpstream up = FakeUpstream.start().mode(FakeUpstream.Mode.HANG)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> backend.stream(model(up.baseUrl(), 0), request(), c -> true))
                    .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.TIMEOUT));
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
        }
    }

    @Test
    void anAnswerWhoseHeadersNeverComeTimesOutAndTheNextRequestStillWorks() throws Exception {
        // The read timeout is the read watchdog's, not the socket's: it closes the connection when headers are late.
        try (FakeUpstream up = FakeUpstream.start().mode(FakeUpstream.Mode.HANG)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> backend.complete(model(up.baseUrl(), 0), request()))
                    .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.TIMEOUT));
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(500L, 5_000L);
            up.mode(FakeUpstream.Mode.NORMAL);
            assertThat(backend.complete(model(up.baseUrl(), 0), request()).at("/choices/0/message/content").asText())
                    .isEqualTo("echo: hi");
        }
    }

    @Test
    void localBackendSaysNoModelIsLoaded() {
        ModelSettings local = new ModelSettings("llama", ModelSettings.LOCAL, Optional.empty(), Optional.empty(), "llama",
                Location.LOCAL, Optional.of(java.nio.file.Path.of("models/llama.gguf")), Duration.ofSeconds(1),
                Duration.ofSeconds(1), 0);
        assertThatThrownBy(() -> new LocalBackend().complete(local, request()))
                .isInstanceOfSatisfying(BackendException.class, e -> {
                    assertThat(e.kind()).isEqualTo(BackendException.Kind.NOT_LOADED);
                    assertThat(e.getMessage()).contains("No local model loaded").contains("models/llama.gguf");
                });
    }
}
