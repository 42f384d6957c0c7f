package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.gateway.testing.FakeAnthropic;
import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stop_reason: "stop_sequence"} on {@code /v1/messages}, from the backends that can tell: an Anthropic upstream
 * (which names the sequence) and an OpenAI-compatible upstream that speaks vLLM's {@code stop_reason}; one that does
 * not say gets {@code end_turn}. OpenAI-shaped answers never carry Bastion's internal field. (The local engine's
 * case is in {@link LocalDialectsTest}.)
 */
class StopSequenceTest {
    private static final String TEXT = "Write to the team about the weekly report";
    private static final String STOP = " about";

    @TempDir
    static Path dir;
    static FakeAnthropic anthropic;
    static FakeUpstream openai;
    static TestGateway gateway;
    static String key;

    @BeforeAll
    static void start() {
        anthropic = FakeAnthropic.start();
        openai = FakeUpstream.start();
        gateway = TestGateway.start(dir, """
                models:
                  - name: claude
                    backend: anthropic
                    base-url: %s
                    api-key-env: ANTHROPIC_KEY
                    upstream-model: claude-test
                    location: cloud
                    read-timeout: 5s
                    max-retries: 0
                """.formatted(anthropic.baseUrl()) + TestGateway.model("openai", openai, "cloud"),
                Map.of("ANTHROPIC_KEY", "sk-ant-test"));
        key = gateway.createKey(Role.USER, "t", List.of("*"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        anthropic.close();
        openai.close();
    }

    private static String messages(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":50,\"stream\":" + stream + ",\"stop_sequences\":[\"zzz\","
                + TestGateway.quote(STOP) + "],\"messages\":[{\"role\":\"user\",\"content\":" + TestGateway.quote(TEXT) + "}]}";
    }

    /** The plain answer's {@code stop_reason}, {@code stop_sequence} and text, and the streamed {@code message_delta}. */
    private static JsonNode[] ask(String model) throws Exception {
        TestGateway.Reply plain = gateway.post("/v1/messages", key, messages(model, false));
        assertThat(plain.status()).as(plain.body()).isEqualTo(200);
        TestGateway.Reply streamed = gateway.post("/v1/messages", key, messages(model, true));
        JsonNode delta = null;
        for (var e : DialectsGatewayTest.namedEvents(streamed)) {
            if (e.getKey().equals("message_delta")) {
                delta = e.getValue().path("delta");
            }
        }
        assertThat(delta).as(streamed.body()).isNotNull();
        return new JsonNode[] {plain.json(), delta};
    }

    @Test
    void anAnthropicUpstreamThatStoppedOnASequenceIsReportedSoPlainAndStreamed() throws Exception {
        JsonNode[] answers = ask("claude");
        assertThat(answers[0].path("stop_reason").asText()).isEqualTo("stop_sequence");
        assertThat(answers[0].path("stop_sequence").asText()).isEqualTo(STOP);
        assertThat(answers[0].at("/content/0/text").asText()).isEqualTo("echo: Write to the team");
        assertThat(anthropic.received().getLast().body().path("stop_sequences").toString()).contains(STOP);
        assertThat(answers[1].path("stop_reason").asText()).isEqualTo("stop_sequence");
        assertThat(answers[1].path("stop_sequence").asText()).isEqualTo(STOP);
    }

    @Test
    void aVllmStyleUpstreamThatNamesTheStopIsReportedSoAndOneThatDoesNotIsAnEndTurn() throws Exception {
        openai.stopsLikeVllm(true);
        try {
            JsonNode[] named = ask("openai");
            assertThat(named[0].path("stop_reason").asText()).isEqualTo("stop_sequence");
            assertThat(named[0].path("stop_sequence").asText()).isEqualTo(STOP);
            assertThat(named[0].at("/content/0/text").asText()).isEqualTo("echo: Write to the team");
            assertThat(named[1].path("stop_reason").asText()).isEqualTo("stop_sequence");
            assertThat(named[1].path("stop_sequence").asText()).isEqualTo(STOP);
        } finally {
            openai.stopsLikeVllm(false);
        }
        JsonNode[] silent = ask("openai");
        assertThat(silent[0].path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(silent[0].path("stop_sequence").isNull()).isTrue();
        assertThat(silent[1].path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(silent[1].path("stop_sequence").isNull()).isTrue();
    }

    @Test
    void chatAnswersNeverCarryTheInternalFieldWhateverTheBackendKnows() {
        openai.stopsLikeVllm(true);
        try {
            for (String model : List.of("claude", "openai")) {
                for (boolean stream : new boolean[] {false, true}) {
                    String body = "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"max_tokens\":50,\"stop\":["
                            + TestGateway.quote(STOP) + "],\"messages\":[{\"role\":\"user\",\"content\":"
                            + TestGateway.quote(TEXT) + "}]}";
                    TestGateway.Reply r = gateway.post("/v1/chat/completions", key, body);
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                    assertThat(r.body()).as("%s stream=%s", model, stream).doesNotContain("bastion_")
                            .contains("\"finish_reason\":\"stop\"").doesNotContain("team about");
                }
            }
            TestGateway.Reply completion = gateway.post("/v1/completions", key, "{\"model\":\"openai\",\"prompt\":"
                    + TestGateway.quote(TEXT) + ",\"max_tokens\":50,\"stop\":" + TestGateway.quote(STOP) + "}");
            assertThat(completion.status()).as(completion.body()).isEqualTo(200);
            assertThat(completion.body()).doesNotContain("bastion_");
        } finally {
            openai.stopsLikeVllm(false);
        }
    }
}
