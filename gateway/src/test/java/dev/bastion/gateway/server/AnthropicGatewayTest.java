package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.gateway.testing.FakeAnthropic;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code backend: anthropic} model behind the whole chat pipeline: it is a cloud model, so structured identifiers
 * are pseudonymised before it sees them (pseudonymise-cloud) and restored in its answer, streamed or not; usage
 * comes from its answer; its rate limiting and overload reach the client as 429 and 503 with Retry-After.
 */
class AnthropicGatewayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EMAIL = "maria.rossi@example.org";

    @TempDir
    Path dir;

    private static String yaml(FakeAnthropic fake) {
        return """
                models:
                  - name: claude
                    backend: anthropic
                    base-url: %s
                    api-key-env: ANTHROPIC_KEY
                    upstream-model: claude-sonnet-test
                    location: cloud         # the fake is on loopback, which would default to local
                    max-tokens: 256
                    read-timeout: 5s
                    max-retries: 0
                """.formatted(fake.baseUrl());
    }

    @Test
    void theAnthropicModelSeesOnlyPseudonymsAndTheClientGetsTheOriginalsBack() throws Exception {
        try (FakeAnthropic fake = FakeAnthropic.start().requireKey("sk-ant-gateway");
                TestGateway g = TestGateway.start(dir, yaml(fake), Map.of("ANTHROPIC_KEY", "sk-ant-gateway"))) {
            String key = g.createKey(Role.USER, "t", List.of("*"));
            TestGateway.Reply plain = g.post("/v1/chat/completions", key, TestGateway.chat("claude",
                    "Write to " + EMAIL + " today", false));
            assertThat(plain.status()).as(plain.body()).isEqualTo(200);
            assertThat(plain.json().at("/choices/0/message/content").asText()).isEqualTo("echo: Write to " + EMAIL + " today");
            assertThat(plain.json().path("model").asText()).isEqualTo("claude");
            assertThat(plain.json().at("/usage/total_tokens").asInt()).isEqualTo(20);
            assertThat(plain.header("x-bastion-route").orElseThrow()).contains("location=cloud");

            TestGateway.Reply streamed = g.post("/v1/chat/completions", key, TestGateway.chat("claude",
                    "Stream to " + EMAIL, true));
            assertThat(streamed.status()).isEqualTo(200);
            StringBuilder text = new StringBuilder();
            for (String e : streamed.events()) {
                if (!e.equals("[DONE]")) {
                    JSON.readTree(e).path("choices").forEach(c -> text.append(c.path("delta").path("content").asText("")));
                }
            }
            assertThat(text.toString()).isEqualTo("echo: Stream to " + EMAIL);
            assertThat(streamed.events().getLast()).isEqualTo("[DONE]");

            assertThat(fake.received()).hasSize(2);
            for (FakeAnthropic.Received r : fake.received()) {
                assertThat(r.body().toString()).doesNotContain(EMAIL).doesNotContain("rossi");
                assertThat(r.body().path("model").asText()).isEqualTo("claude-sonnet-test");
                assertThat(r.body().path("max_tokens").asInt()).isEqualTo(256);
            }
            JsonNode usage = JSON.readTree(g.get("/admin/v1/usage", g.adminKey()).body());
            assertThat(usage.toString()).contains("claude");
        }
    }

    @Test
    void aToolCallOfTheAnthropicModelComesBackWithTheOriginalValueInItsArguments() throws Exception {
        try (FakeAnthropic fake = FakeAnthropic.start().callTool("send_mail");
                TestGateway g = TestGateway.start(dir, yaml(fake), Map.of("ANTHROPIC_KEY", "k"))) {
            String key = g.createKey(Role.USER, "t", List.of("*"));
            String body = "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"" + EMAIL + "\"}],"
                    + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"send_mail\",\"parameters\":"
                    + "{\"type\":\"object\"}}}]}";
            TestGateway.Reply r = g.post("/v1/chat/completions", key, body);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode call = r.json().at("/choices/0/message/tool_calls/0");
            assertThat(call.at("/function/name").asText()).isEqualTo("send_mail");
            assertThat(JSON.readTree(call.at("/function/arguments").asText()).path("city").asText()).isEqualTo(EMAIL);
            assertThat(r.json().at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
            assertThat(fake.received().getLast().body().toString()).doesNotContain(EMAIL);
        }
    }

    @Test
    void anUpstreamRateLimitIsA429WithItsRetryAfterAndOverloadIsA503() {
        try (FakeAnthropic fake = FakeAnthropic.start().status(429, "{\"type\":\"error\",\"error\":{\"type\":"
                + "\"rate_limit_error\",\"message\":\"too many\"}}", "40");
                TestGateway g = TestGateway.start(dir, yaml(fake), Map.of("ANTHROPIC_KEY", "k"))) {
            String key = g.createKey(Role.USER, "t", List.of("*"));
            TestGateway.Reply limited = g.post("/v1/chat/completions", key, TestGateway.chat("claude", "x", false));
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.header("Retry-After")).contains("40");
            assertThat(limited.json().at("/error/code").asText()).isEqualTo("upstream_rate_limited");

            fake.status(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}", "3");
            TestGateway.Reply overloaded = g.post("/v1/chat/completions", key, TestGateway.chat("claude", "x", false));
            assertThat(overloaded.status()).isEqualTo(503);
            assertThat(overloaded.header("Retry-After")).contains("3");
            assertThat(overloaded.json().at("/error/code").asText()).isEqualTo("upstream_overloaded");
        }
    }
}
