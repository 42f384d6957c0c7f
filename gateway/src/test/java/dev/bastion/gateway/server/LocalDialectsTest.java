package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.testing.TestGateway;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The translated APIs against a local chat model (tiny random weights, greedy decoding): the Responses and Messages
 * APIs give exactly the chat answer for the same message, plain and streamed; a legacy completion continues the
 * raw text without the chat template.
 */
class LocalDialectsTest {
    static final String TEXT = "hello there, local model";

    @TempDir
    static Path dir;
    static LocalGatewayFixture local;
    static String chatAnswer;
    static int chatPromptTokens;

    @BeforeAll
    static void start() throws Exception {
        local = LocalGatewayFixture.start(dir, "tiny", LocalChatTest.SHAPE, 7,
                "  context-size: 128\n  slots: 2\n  queue-depth: 4\n  threads: 1\n  max-tokens: 12\n");
        ObjectNode chat = LocalGatewayFixture.JSON.createObjectNode().put("model", "tiny").put("max_tokens", 6)
                .put("temperature", 0);
        chat.putArray("messages").addObject().put("role", "user").put("content", TEXT);
        TestGateway.Reply reply = local.post(chat);
        chatAnswer = LocalGatewayFixture.content(reply);
        chatPromptTokens = reply.json().at("/usage/prompt_tokens").asInt();
        assertThat(chatAnswer).as("a comparison with an empty answer would prove nothing").isNotEmpty();
    }

    @AfterAll
    static void stop() {
        local.close();
    }

    @Test
    void theMessagesApiGivesTheChatAnswerPlainAndStreamed() throws Exception {
        String body = "{\"model\":\"tiny\",\"max_tokens\":6,\"temperature\":0,%s\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + TEXT + "\"}]}";
        TestGateway.Reply plain = local.gateway.post("/v1/messages", null, body.formatted(""), Map.of("x-api-key", local.key));
        assertThat(plain.status()).as(plain.body()).isEqualTo(200);
        assertThat(plain.json().at("/content/0/text").asText()).isEqualTo(chatAnswer);
        assertThat(plain.json().at("/usage/input_tokens").asInt()).isEqualTo(chatPromptTokens);

        TestGateway.Reply streamed = local.gateway.post("/v1/messages", null, body.formatted("\"stream\":true,"),
                Map.of("x-api-key", local.key));
        StringBuilder text = new StringBuilder();
        for (var e : DialectsGatewayTest.namedEvents(streamed)) {
            if (e.getKey().equals("content_block_delta")) {
                text.append(e.getValue().at("/delta/text").asText());
            }
        }
        assertThat(text).hasToString(chatAnswer);
    }

    @Test
    void theResponsesApiGivesTheChatAnswerPlainAndStreamed() throws Exception {
        String body = "{\"model\":\"tiny\",\"max_output_tokens\":6,\"temperature\":0,\"input\":\"" + TEXT + "\"%s}";
        TestGateway.Reply plain = local.gateway.post("/v1/responses", local.key, body.formatted(""));
        assertThat(plain.status()).as(plain.body()).isEqualTo(200);
        assertThat(plain.json().at("/output/0/content/0/text").asText()).isEqualTo(chatAnswer);

        TestGateway.Reply streamed = local.gateway.post("/v1/responses", local.key, body.formatted(",\"stream\":true"));
        JsonNode completed = null;
        StringBuilder text = new StringBuilder();
        for (var e : DialectsGatewayTest.namedEvents(streamed)) {
            if (e.getKey().equals("response.output_text.delta")) {
                text.append(e.getValue().path("delta").asText());
            }
            if (e.getKey().startsWith("response.completed") || e.getKey().startsWith("response.incomplete")) {
                completed = e.getValue().path("response");
            }
        }
        assertThat(text).hasToString(chatAnswer);
        assertThat(completed).isNotNull();
        assertThat(completed.at("/usage/input_tokens").asInt()).isEqualTo(chatPromptTokens);
    }

    @Test
    void aLegacyCompletionContinuesTheRawTextWithoutTheChatTemplate() {
        TestGateway.Reply r = local.gateway.post("/v1/completions", local.key,
                "{\"model\":\"tiny\",\"prompt\":\"" + TEXT + "\",\"max_tokens\":4,\"temperature\":0}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().at("/usage/prompt_tokens").asInt()).as("no template tokens around the text")
                .isGreaterThan(0).isLessThan(chatPromptTokens);
    }

    @Test
    void theMessagesApiSaysWhichStopSequenceEndedALocalAnswerPlainAndStreamedAndChatNeverSeesTheField() throws Exception {
        assertThat(chatAnswer.length()).as("a stop inside the answer needs an answer of two characters").isGreaterThan(1);
        String stop = chatAnswer.substring(chatAnswer.length() / 2, chatAnswer.length() / 2 + 1);
        String before = chatAnswer.substring(0, chatAnswer.indexOf(stop));
        String body = "{\"model\":\"tiny\",\"max_tokens\":6,\"temperature\":0,%s\"stop_sequences\":[\"never-matches\","
                + TestGateway.quote(stop) + "],\"messages\":[{\"role\":\"user\",\"content\":\"" + TEXT + "\"}]}";
        TestGateway.Reply plain = local.gateway.post("/v1/messages", null, body.formatted(""), Map.of("x-api-key", local.key));
        assertThat(plain.status()).as(plain.body()).isEqualTo(200);
        assertThat(plain.json().path("stop_reason").asText()).isEqualTo("stop_sequence");
        assertThat(plain.json().path("stop_sequence").asText()).isEqualTo(stop);
        StringBuilder text = new StringBuilder();
        plain.json().path("content").forEach(b -> text.append(b.path("text").asText()));
        assertThat(text).hasToString(before);

        TestGateway.Reply streamed = local.gateway.post("/v1/messages", null, body.formatted("\"stream\":true,"),
                Map.of("x-api-key", local.key));
        JsonNode delta = null;
        for (var e : DialectsGatewayTest.namedEvents(streamed)) {
            if (e.getKey().equals("message_delta")) {
                delta = e.getValue().path("delta");
            }
        }
        assertThat(delta).isNotNull();
        assertThat(delta.path("stop_reason").asText()).isEqualTo("stop_sequence");
        assertThat(delta.path("stop_sequence").asText()).isEqualTo(stop);

        for (boolean stream : new boolean[] {false, true}) {
            ObjectNode chat = LocalGatewayFixture.JSON.createObjectNode().put("model", "tiny").put("max_tokens", 6)
                    .put("temperature", 0).put("stream", stream).put("stop", stop);
            chat.putArray("messages").addObject().put("role", "user").put("content", TEXT);
            TestGateway.Reply r = local.post(chat);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).as("an internal field never reaches an OpenAI client").doesNotContain("bastion_")
                    .contains("\"finish_reason\":\"stop\"");
        }
    }
}
