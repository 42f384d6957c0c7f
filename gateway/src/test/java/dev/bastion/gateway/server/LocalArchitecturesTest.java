package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.inference.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The qwen2 (ChatML template, q/k/v biases, no beginning-of-text token) and qwen3 (q/k norms) families answer
 * through the gateway like llama: usage from their own template and tokenizer, streamed text equal to the answer.
 */
class LocalArchitecturesTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"qwen2", "qwen3"})
    void aTinyModelOfTheFamilyAnswersWithMatchingUsageAndStream(String arch) throws Exception {
        Path sub = Files.createDirectories(dir.resolve(arch));
        try (LocalGatewayFixture local = LocalGatewayFixture.start(sub, arch, TestModels.Shape.tiny(arch), 13,
                "  context-size: 128\n  threads: 1\n")) {
            String text = "hello " + arch;
            ObjectNode r = local.request(text).put("max_tokens", 8).put("temperature", 0);
            TestGateway.Reply reply = local.post(r);
            String answer = LocalGatewayFixture.content(reply);
            assertThat(answer).isNotEmpty();
            JsonNode usage = reply.json().path("usage");
            assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(local.promptTokens(text));
            assertThat(usage.path("completion_tokens").asInt()).isEqualTo(8);

            r.put("stream", true);
            StringBuilder streamed = new StringBuilder();
            for (String event : local.post(r).events()) {
                if (!event.equals("[DONE]")) {
                    for (JsonNode choice : LocalGatewayFixture.parse(event).path("choices")) {
                        streamed.append(choice.path("delta").path("content").asText(""));
                    }
                }
            }
            assertThat(streamed.toString()).isEqualTo(answer);
        }
    }
}
