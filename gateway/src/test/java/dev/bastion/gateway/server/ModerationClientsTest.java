package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.NodeClient;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official {@code openai} npm client's {@code moderations.create} and {@code embeddings.create} against a real
 * gateway with an upstream embeddings model (clients/node/check-moderations.mjs). Skipped when clients/node has no
 * node_modules, unless {@code BASTION_TEST_NODE_CLIENT=required}.
 */
class ModerationClientsTest {
    @TempDir
    Path dir;

    @Test
    void officialOpenAiNodeClientModeratesAndEmbedsThroughTheGateway() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start().requireKey("sk-embed");
                TestGateway gateway = TestGateway.start(dir, "models:\n" + TestGateway.model("embed-up", upstream, "cloud")
                        + "    kind: embeddings\n    api-key-env: EMBED_KEY\n", Map.of("EMBED_KEY", "sk-embed"))) {
            String key = gateway.createKey(Role.USER, "node", List.of("*"));
            JsonNode result = NodeClient.run("clients/node/check-moderations.mjs", "openai", gateway.baseUrl(), key, "embed-up");
            assertThat(result.path("singleModel").asText()).isEqualTo("bastion-guard");
            assertThat(result.path("singleResults").asInt()).isEqualTo(1);
            assertThat(result.path("singleFlagged").asBoolean()).isTrue();
            assertThat(result.path("singleInjection").asBoolean()).isTrue();
            assertThat(result.path("singleInjectionScore").asDouble()).isBetween(0.5, 1.0);
            assertThat(result.path("singleHarassment").isBoolean()).isTrue();
            assertThat(result.path("singleHarassment").asBoolean()).isFalse();
            assertThat(result.path("arrayFlagged").toString()).isEqualTo("[false,true]");
            assertThat(result.path("arrayPii").toString()).isEqualTo("[false,true]");
            assertThat(result.path("embeddingModel").asText()).isEqualTo("embed-up");
            assertThat(result.path("embeddings").toString()).isEqualTo("[[5,97,1],[12,97,1]]");
            assertThat(result.path("embeddingUsage").path("prompt_tokens").asInt()).isEqualTo(5);
            assertThat(upstream.received().getLast().header("Authorization")).isEqualTo("Bearer sk-embed");
        }
    }
}
