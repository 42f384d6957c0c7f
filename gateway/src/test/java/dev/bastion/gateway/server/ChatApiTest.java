package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAI wire format through the gateway, with raw HTTP. */
class ChatApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static FakeUpstream upstream;
    static TestGateway gateway;
    static String key;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = TestGateway.start(dir, "models:\n" + TestGateway.model("alpha", upstream, "local")
                + TestGateway.model("beta", upstream, "cloud"));
        key = gateway.createKey(Role.USER, "t", List.of("alpha"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void completeAnswerKeepsOpenAiShapeAndReportsTheClientsModelName() {
        TestGateway.Reply r = gateway.post("/v1/chat/completions", key, TestGateway.chat("alpha", "hi", false));
        assertThat(r.status()).isEqualTo(200);
        JsonNode json = r.json();
        assertThat(json.at("/object").asText()).isEqualTo("chat.completion");
        assertThat(json.at("/model").asText()).isEqualTo("alpha");
        assertThat(json.at("/choices/0/message/content").asText()).isEqualTo("echo: hi");
        assertThat(json.at("/usage/total_tokens").asInt()).isEqualTo(18);
        assertThat(r.header("x-request-id")).isPresent();
        assertThat(r.header("x-bastion-route").orElseThrow()).contains("route=default").contains("model=alpha")
                .contains("location=local").contains("decision=allow");
    }

    @Test
    void streamEndsWithDoneAndCarriesUsageOnlyWhenAsked() throws Exception {
        TestGateway.Reply plain = gateway.post("/v1/chat/completions", key, TestGateway.chat("alpha", "count", true));
        assertThat(plain.status()).isEqualTo(200);
        assertThat(plain.header("content-type").orElseThrow()).startsWith("text/event-stream");
        List<String> events = plain.events();
        assertThat(events.getLast()).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode chunk = JSON.readTree(e);
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.path("model").asText()).isEqualTo("alpha");
            assertThat(chunk.has("usage")).isFalse();
            chunk.path("choices").forEach(c -> text.append(c.path("delta").path("content").asText("")));
        }
        assertThat(text.toString()).isEqualTo("echo: count");

        String withUsage = "{\"model\":\"alpha\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        List<String> usageEvents = gateway.post("/v1/chat/completions", key, withUsage).events();
        JsonNode usageChunk = JSON.readTree(usageEvents.get(usageEvents.size() - 2));
        assertThat(usageChunk.path("choices")).isEmpty();
        assertThat(usageChunk.at("/usage/prompt_tokens").asInt()).isEqualTo(11);
        assertThat(usageChunk.at("/usage/completion_tokens").asInt()).isEqualTo(7);
    }

    @Test
    void toolsAndResponseFormatPassThroughAndToolCallsComeBack() {
        upstream.callTool("get_weather");
        try {
            String body = """
                    {"model":"alpha","messages":[{"role":"user","content":"weather?"}],
                     "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}],
                     "tool_choice":"auto","response_format":{"type":"json_object"},"seed":7}""";
            TestGateway.Reply r = gateway.post("/v1/chat/completions", key, body);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().at("/choices/0/message/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
            assertThat(r.json().at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
            JsonNode sent = upstream.received().getLast().body();
            assertThat(sent.at("/tools/0/function/name").asText()).isEqualTo("get_weather");
            assertThat(sent.at("/response_format/type").asText()).isEqualTo("json_object");
            assertThat(sent.at("/tool_choice").asText()).isEqualTo("auto");
            assertThat(sent.at("/seed").asInt()).isEqualTo(7);

            TestGateway.Reply streamed = gateway.post("/v1/chat/completions", key, body.replace("\"seed\":7", "\"stream\":true"));
            assertThat(streamed.body()).contains("\"tool_calls\"").contains("get_weather").contains("[DONE]");
        } finally {
            upstream.callTool(null);
        }
    }

    @Test
    void toolResultMessagesAreAcceptedAndForwarded() {
        String body = """
                {"model":"alpha","messages":[{"role":"user","content":"weather?"},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"w","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":"sunny"}]}""";
        assertThat(gateway.post("/v1/chat/completions", key, body).status()).isEqualTo(200);
        assertThat(upstream.received().getLast().body().at("/messages/2/content").asText()).isEqualTo("sunny");
    }

    @Test
    void modelListShowsOnlyTheModelsTheKeyMayUse() {
        JsonNode models = gateway.get("/v1/models", key).json();
        assertThat(models.path("data").findValuesAsText("id")).containsExactly("alpha");
        JsonNode all = gateway.get("/v1/models", gateway.adminKey()).json();
        assertThat(all.path("data").findValuesAsText("id")).containsExactly("alpha", "beta", "all-minilm-l6-v2",
                "bastion-guard");
    }

    @Test
    void aKeyIsRefusedAModelItMayNotUse() {
        TestGateway.Reply r = gateway.post("/v1/chat/completions", key, TestGateway.chat("beta", "hi", false));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().at("/error/code").asText()).isEqualTo("model_not_allowed");
    }

    @Test
    void healthReadinessAndMetricsAnswer() {
        assertThat(gateway.get("/healthz", null).status()).isEqualTo(200);
        assertThat(gateway.get("/readyz", null).json().path("status").asText()).isEqualTo("ready");
        gateway.post("/v1/chat/completions", key, TestGateway.chat("alpha", "m", false));
        String metrics = gateway.get("/metrics", null).body();
        // The Prometheus client writes labels in name order; what counts is the parsed series.
        dev.bastion.gateway.testing.PrometheusText text = dev.bastion.gateway.testing.PrometheusText.parse(metrics);
        assertThat(metrics).contains("# TYPE bastion_requests_total counter");
        assertThat(text.value("bastion_requests_total", java.util.Map.of("route", "default", "model", "alpha", "status", "200")))
                .isPositive();
        assertThat(text.find("bastion_stage_duration_seconds_bucket", java.util.Map.of("stage", "scan-input"))).isNotEmpty();
        assertThat(text.value("bastion_backend_duration_seconds_count", java.util.Map.of("backend", "openai", "model", "alpha")))
                .isPositive();
        assertThat(text.value("bastion_tokens_total", java.util.Map.of("model", "alpha", "kind", "completion"))).isPositive();
    }
}
