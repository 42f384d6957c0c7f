package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.gateway.testing.FakeAnthropic;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Anthropic in, Anthropic out: a {@code /v1/messages} client in front of a {@code backend: anthropic} model. The
 * request is translated to chat and back to Anthropic's shape by the backend; the answer makes the reverse trip.
 * The cloud model sees only pseudonyms, and the client gets the originals back in text and in tool input,
 * streamed or not (streamed tool input in pieces, as the upstream sent them).
 */
class MessagesThroughAnthropicBackendTest {
    private static final String EMAIL = "maria.rossi@example.org";

    @TempDir
    Path dir;

    @Test
    void aMessagesClientReachesAnAnthropicUpstreamWithPseudonymsAndGetsOriginalsBack() throws Exception {
        try (FakeAnthropic fake = FakeAnthropic.start().requireKey("sk-ant-gateway");
                TestGateway g = TestGateway.start(dir, """
                        models:
                          - name: claude
                            backend: anthropic
                            base-url: %s
                            api-key-env: ANTHROPIC_KEY
                            upstream-model: claude-sonnet-test
                            location: cloud
                            read-timeout: 5s
                            max-retries: 0
                        """.formatted(fake.baseUrl()), Map.of("ANTHROPIC_KEY", "sk-ant-gateway"))) {
            String key = g.createKey(Role.USER, "t", List.of("*"));
            Map<String, String> headers = Map.of("x-api-key", key, "anthropic-version", "2023-06-01");
            String body = "{\"model\":\"claude\",\"max_tokens\":100,%s\"messages\":[{\"role\":\"user\",\"content\":"
                    + "\"Write to " + EMAIL + "\"}]}";

            TestGateway.Reply plain = g.post("/v1/messages", null, body.formatted(""), headers);
            assertThat(plain.status()).as(plain.body()).isEqualTo(200);
            assertThat(plain.json().at("/content/0/text").asText()).isEqualTo("echo: Write to " + EMAIL);
            assertThat(plain.json().path("model").asText()).isEqualTo("claude");
            assertThat(fake.received().getLast().body().path("max_tokens").asInt()).isEqualTo(100);

            TestGateway.Reply streamed = g.post("/v1/messages", null, body.formatted("\"stream\":true,"), headers);
            StringBuilder text = new StringBuilder();
            for (var e : DialectsGatewayTest.namedEvents(streamed)) {
                if (e.getKey().equals("content_block_delta")) {
                    text.append(e.getValue().at("/delta/text").asText());
                }
            }
            assertThat(text).hasToString("echo: Write to " + EMAIL);

            fake.callTool("send_mail");
            String tools = "\"tools\":[{\"name\":\"send_mail\",\"input_schema\":{\"type\":\"object\"}}],";
            TestGateway.Reply call = g.post("/v1/messages", null, body.formatted(tools), headers);
            assertThat(call.status()).as(call.body()).isEqualTo(200);
            JsonNode use = call.json().at("/content/0");
            assertThat(use.path("type").asText()).isEqualTo("tool_use");
            assertThat(use.at("/input/city").asText()).isEqualTo("Write to " + EMAIL);
            assertThat(call.json().path("stop_reason").asText()).isEqualTo("tool_use");

            TestGateway.Reply streamedCall = g.post("/v1/messages", null, body.formatted(tools + "\"stream\":true,"), headers);
            List<String> pieces = new java.util.ArrayList<>();
            for (var e : DialectsGatewayTest.namedEvents(streamedCall)) {
                if (e.getKey().equals("content_block_delta") && e.getValue().at("/delta/type").asText().equals("input_json_delta")) {
                    pieces.add(e.getValue().at("/delta/partial_json").asText());
                }
            }
            assertThat(pieces).as("the upstream's input_json_delta pieces stream through, restored").hasSizeGreaterThan(1);
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(String.join("", pieces)).path("city").asText())
                    .isEqualTo("Write to " + EMAIL);

            assertThat(fake.received()).hasSize(4).allSatisfy(r -> assertThat(r.body().toString())
                    .doesNotContain(EMAIL).doesNotContain("rossi"));
        }
    }
}
