package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
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
        Path script = OpenAiClientsTest.locate("clients/node/check-moderations.mjs");
        boolean required = "required".equals(System.getenv("BASTION_TEST_NODE_CLIENT"));
        boolean installed = script != null && Files.isDirectory(script.getParent().resolve("node_modules/openai"));
        if (!installed) {
            assertThat(required).as("BASTION_TEST_NODE_CLIENT=required but clients/node has no node_modules").isFalse();
            Assumptions.abort("the openai npm package is not installed (run npm ci in clients/node)");
        }
        try (FakeUpstream upstream = FakeUpstream.start().requireKey("sk-embed");
                TestGateway gateway = TestGateway.start(dir, "models:\n" + TestGateway.model("embed-up", upstream, "cloud")
                        + "    kind: embeddings\n    api-key-env: EMBED_KEY\n", Map.of("EMBED_KEY", "sk-embed"))) {
            String key = gateway.createKey(Role.USER, "node", List.of("*"));
            Process p = new ProcessBuilder("node", script.toString(), gateway.baseUrl(), key, "embed-up")
                    .redirectErrorStream(true).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(out).isZero();
            JsonNode result = new ObjectMapper().readTree(out.lines().filter(l -> l.startsWith("{"))
                    .reduce((a, b) -> b).orElseThrow());
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
