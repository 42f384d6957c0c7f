package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.gateway.config.ConfigLoader;
import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model served by a pool of OpenAI-compatible servers, through the whole gateway. */
class ModelPoolGatewayTest {
    @TempDir
    Path dir;

    private static String pooled(String... servers) {
        return "models:\n  - name: m\n    backend: openai\n    pool: [" + String.join(", ", servers)
                + "]\n    read-timeout: 5s\n";
    }

    private static String deadServer() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort() + "/v1";
        }
    }

    @Test
    void requestsAndStreamsAreAnsweredByTheLiveServerWhenAnotherIsDown() throws Exception {
        try (FakeUpstream live = FakeUpstream.start();
                TestGateway g = TestGateway.start(dir, pooled(deadServer(), live.baseUrl()))) {
            String key = g.createKey(Role.USER, "t", List.of("*"));
            for (int i = 0; i < 8; i++) {
                TestGateway.Reply r = g.post("/v1/chat/completions", key, TestGateway.chat("m", "hello " + i, false));
                assertThat(r.status()).as(r.body()).isEqualTo(200);
            }
            TestGateway.Reply streamed = g.post("/v1/chat/completions", key, TestGateway.chat("m", "stream me", true));
            assertThat(streamed.status()).isEqualTo(200);
            assertThat(streamed.events()).last().isEqualTo("[DONE]");
            assertThat(live.calls()).isEqualTo(9);
            assertThat(g.get("/v1/models", key).body()).contains("\"m\"");
        }
    }

    @Test
    void aServerReportingALongQueueGetsNoNewRequestsAndAConversationStaysPut() throws Exception {
        try (FakeUpstream busy = FakeUpstream.start().queueDepth(50); FakeUpstream idle = FakeUpstream.start();
                TestGateway g = TestGateway.start(dir, pooled(busy.baseUrl(), idle.baseUrl()))) {
            String key = g.createKey(Role.USER, "t", List.of("*"));
            Thread.sleep(2500); // the pool polls /metrics every 2 s
            for (int i = 0; i < 10; i++) {
                assertThat(g.post("/v1/chat/completions", key, TestGateway.chat("m", "q" + i, false)).status()).isEqualTo(200);
            }
            assertThat(idle.calls()).isEqualTo(10);
            assertThat(busy.calls()).isZero();

            int before = busy.calls() + idle.calls();
            for (int i = 0; i < 6; i++) {
                g.post("/v1/chat/completions", key, TestGateway.chat("m", "turn " + i, false),
                        Map.of("x-bastion-conversation", "conv-" + 3));
            }
            assertThat(busy.calls() == 0 || idle.calls() == 10).as("one server took every turn").isTrue();
            assertThat(busy.calls() + idle.calls()).isEqualTo(before + 6);
        }
    }

    @Test
    void aPoolIsRefusedBesideABaseUrlOrOnAnotherBackendWithTheKeyNamed() throws Exception {
        Path both = dir.resolve("both.yaml");
        Files.writeString(both, "models:\n  - name: m\n    backend: openai\n    base-url: http://a/v1\n    pool: [http://b/v1]\n");
        assertThatThrownBy(() -> ConfigLoader.load(java.util.Optional.of(both), dir, Map.of(), Map.of(), dir)).hasMessageContaining("base-url or pool");
        Path anthropic = dir.resolve("anthropic.yaml");
        Files.writeString(anthropic, "models:\n  - name: m\n    backend: anthropic\n    pool: [http://b/v1]\n");
        assertThatThrownBy(() -> ConfigLoader.load(java.util.Optional.of(anthropic), dir, Map.of(), Map.of(), dir)).hasMessageContaining("pool");
        Path twice = dir.resolve("twice.yaml");
        Files.writeString(twice, "models:\n  - name: m\n    backend: openai\n    pool: [http://b/v1, http://b/v1]\n");
        assertThatThrownBy(() -> ConfigLoader.load(java.util.Optional.of(twice), dir, Map.of(), Map.of(), dir)).hasMessageContaining("distinct");
    }
}
