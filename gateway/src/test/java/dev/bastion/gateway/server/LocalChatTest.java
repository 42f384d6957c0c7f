package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.testing.NodeClient;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.inference.TestModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real gateway on port 0 serving a tiny random-weight llama model ({@code backend: local}) over real HTTP:
 * OpenAI shapes, usage that matches the model's own tokenizer, deterministic greedy decoding, seeded sampling,
 * stop sequences, streaming, concurrent slots, and the official openai npm client.
 */
class LocalChatTest {
    /** The tiny llama shape with a small embedding scale, so logits are close and sampling at temperature 1 varies. */
    static final TestModels.Shape SHAPE = new TestModels.Shape("llama", 256, 2, 4, 2, 512, 600, 512, true, 0.1f);
    static final ObjectMapper JSON = LocalGatewayFixture.JSON;

    @TempDir
    static Path dir;
    static LocalGatewayFixture local;

    @BeforeAll
    static void start() throws Exception {
        local = LocalGatewayFixture.start(dir, "tiny", SHAPE, 7,
                "  context-size: 128\n  slots: 2\n  queue-depth: 4\n  threads: 1\n  max-tokens: 12\n");
    }

    @AfterAll
    static void stop() {
        local.close();
    }

    static ObjectNode request(String text) {
        return local.request(text);
    }

    static TestGateway.Reply post(ObjectNode body) {
        return local.post(body);
    }

    static String content(TestGateway.Reply reply) {
        return LocalGatewayFixture.content(reply);
    }

    @Test
    void aNonStreamedAnswerHasContentLengthFinishUsageFromTheTokenizerAndARouteHeader() throws Exception {
        String text = "hello there, local model";
        TestGateway.Reply reply = post(request(text).put("max_tokens", 6).put("temperature", 0));

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode body = reply.json();
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("model").asText()).isEqualTo("tiny");
        JsonNode choice = body.path("choices").path(0);
        assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(choice.path("message").path("content").asText()).isNotEmpty();
        assertThat(choice.path("finish_reason").asText()).isEqualTo("length");

        int expectedPrompt = local.promptTokens(text);
        JsonNode usage = body.path("usage");
        assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(expectedPrompt).isGreaterThan(5);
        assertThat(usage.path("completion_tokens").asInt()).isEqualTo(6);
        assertThat(usage.path("total_tokens").asInt()).isEqualTo(expectedPrompt + 6);
        assertThat(reply.header("x-bastion-route")).isPresent();
        assertThat(reply.header("x-bastion-route").orElseThrow()).contains("tiny");
    }

    @Test
    void temperatureZeroGivesTheSameAnswerEveryTime() {
        ObjectNode r = request("tell me something").put("max_tokens", 10).put("temperature", 0);
        // Four times, so that each of the two slots answers it fresh once and once from its cache.
        String first = content(post(r));
        for (int i = 0; i < 3; i++) {
            assertThat(content(post(r))).as("answer " + (i + 2)).isEqualTo(first);
        }
        assertThat(first).isNotEmpty();
    }

    @Test
    void aSeedMakesSamplingAtTemperatureOneReproducible() {
        String a = content(post(request("roll the dice").put("max_tokens", 10).put("temperature", 1).put("seed", 42)));
        String b = content(post(request("roll the dice").put("max_tokens", 10).put("temperature", 1).put("seed", 42)));
        assertThat(a).isNotEmpty().isEqualTo(b);
        List<String> others = new ArrayList<>();
        for (int seed = 1; seed <= 4; seed++) {
            others.add(content(post(request("roll the dice").put("max_tokens", 10).put("temperature", 1)
                    .put("seed", seed))));
        }
        assertThat(others).as("different seeds sample different answers").anySatisfy(o -> assertThat(o).isNotEqualTo(a));
    }

    @Test
    void aStopSequenceEndsTheAnswerWithoutTheStopText() {
        String full = content(post(request("count for me").put("max_tokens", 12).put("temperature", 0)));
        assertThat(full.length()).as(full).isGreaterThan(6);
        String stop = full.substring(full.length() / 2, full.length() / 2 + 2);
        TestGateway.Reply reply = post(request("count for me").put("max_tokens", 12).put("temperature", 0)
                .put("stop", stop));
        String cut = content(reply);
        assertThat(cut).isEqualTo(full.substring(0, full.indexOf(stop))).doesNotContain(stop);
        assertThat(reply.json().path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void aStreamedAnswerStartsWithTheRoleEndsWithDoneCarriesUsageAndEqualsTheGreedyAnswer() {
        ObjectNode r = request("stream please").put("max_tokens", 10).put("temperature", 0);
        String whole = content(post(r));
        r.put("stream", true).putObject("stream_options").put("include_usage", true);
        TestGateway.Reply reply = post(r);

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.header("content-type").orElseThrow()).startsWith("text/event-stream");
        List<String> events = reply.events();
        assertThat(events.getLast()).isEqualTo("[DONE]");
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(LocalChatTest::parse).toList();
        assertThat(chunks).allSatisfy(c -> assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk"));
        assertThat(chunks.getFirst().path("choices").path(0).path("delta").path("role").asText()).isEqualTo("assistant");
        StringBuilder deltas = new StringBuilder();
        String finish = null;
        JsonNode usage = null;
        for (JsonNode c : chunks) {
            for (JsonNode choice : c.path("choices")) {
                deltas.append(choice.path("delta").path("content").asText(""));
                if (choice.hasNonNull("finish_reason")) {
                    finish = choice.get("finish_reason").asText();
                }
            }
            if (c.hasNonNull("usage")) {
                usage = c.get("usage");
            }
        }
        assertThat(deltas.toString()).isEqualTo(whole);
        assertThat(finish).isEqualTo("length");
        assertThat(usage).as("a usage chunk").isNotNull();
        assertThat(usage.path("completion_tokens").asInt()).isEqualTo(10);
        assertThat(usage.path("prompt_tokens").asInt()).isPositive();
        assertThat(chunks.getLast().path("choices").isEmpty()).as("usage comes in its own last chunk").isTrue();
    }

    @Test
    void aStreamedStopSequenceEndsTheStreamWithoutTheStopText() {
        String full = content(post(request("count for me").put("max_tokens", 12).put("temperature", 0)));
        String stop = full.substring(full.length() / 2, full.length() / 2 + 2);
        ObjectNode r = request("count for me").put("max_tokens", 12).put("temperature", 0).put("stream", true)
                .put("stop", stop);
        TestGateway.Reply reply = post(r);
        StringBuilder deltas = new StringBuilder();
        String finish = null;
        for (String event : reply.events()) {
            if (event.equals("[DONE]")) {
                continue;
            }
            for (JsonNode choice : parse(event).path("choices")) {
                deltas.append(choice.path("delta").path("content").asText(""));
                finish = choice.hasNonNull("finish_reason") ? choice.get("finish_reason").asText() : finish;
            }
        }
        assertThat(deltas.toString()).isEqualTo(full.substring(0, full.indexOf(stop)));
        assertThat(finish).isEqualTo("stop");
    }

    @Test
    void twoSlotsAnswerConcurrentRequestsExactlyAsTheyAnswerThemOneAtATime() throws Exception {
        List<ObjectNode> requests = List.of(
                request("the first conversation").put("max_tokens", 40).put("temperature", 0),
                request("a second, different one").put("max_tokens", 40).put("temperature", 0));
        List<String> alone = requests.stream().map(r -> content(post(r))).toList();
        for (int round = 0; round < 3; round++) {
            List<java.util.concurrent.CompletableFuture<String>> together = requests.stream()
                    .map(r -> java.util.concurrent.CompletableFuture.supplyAsync(() -> content(post(r)))).toList();
            List<String> answers = new ArrayList<>();
            for (var f : together) {
                answers.add(f.get(30, TimeUnit.SECONDS));
            }
            assertThat(answers).as("round " + round).isEqualTo(alone);
        }
        assertThat(alone.get(0)).isNotEqualTo(alone.get(1));
    }

    @Test
    void theOfficialOpenAiNodeClientChatsAndStreamsWithTheLocalModel() throws Exception {
        JsonNode result = NodeClient.run("clients/node/check.mjs", "openai", local.gateway.baseUrl(), local.key, "tiny");
        // check.mjs samples at the default temperature with the engine's default length (local-engine.max-tokens).
        assertThat(result.path("completion").asText()).isNotEmpty();
        assertThat(result.path("streamed").asText()).isNotEmpty();
        int expectedPrompt = local.promptTokens("stream from node");
        JsonNode usage = result.path("usage");
        assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(expectedPrompt);
        assertThat(usage.path("completion_tokens").asInt()).isBetween(1, 12);
        assertThat(usage.path("total_tokens").asInt())
                .isEqualTo(expectedPrompt + usage.path("completion_tokens").asInt());
        assertThat(result.path("models").toString()).contains("\"tiny\"");
        assertThat(result.path("error").path("code").asText()).isEqualTo("model_not_found");
    }

    static JsonNode parse(String event) {
        return LocalGatewayFixture.parse(event);
    }
}
