package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.NodeClient;
import dev.bastion.gateway.testing.StreamedAnswer;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real Anthropic client libraries (LangChain4j's and the official npm SDK) against the gateway's /v1/messages. */
class AnthropicClientsTest {
    @TempDir
    static Path dir;
    static FakeUpstream upstream;
    static TestGateway gateway;
    static String key;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start().callTool("get_weather").stopsLikeVllm(true);
        gateway = TestGateway.start(dir, "models:\n" + TestGateway.model("claude-local-name", upstream, "cloud"));
        key = gateway.createKey(Role.USER, "team-a", List.of("*"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void langChain4jAnthropicChatModelGetsTheAnswerThroughTheMessagesApi() {
        AnthropicChatModel model = AnthropicChatModel.builder().baseUrl(gateway.baseUrl() + "/").apiKey(key)
                .modelName("claude-local-name").maxTokens(64).timeout(Duration.ofSeconds(20)).maxRetries(0).build();
        assertThat(model.chat("hello from langchain4j")).isEqualTo("echo: hello from langchain4j");
        assertThat(upstream.received().getLast().body().path("max_tokens").asInt()).isEqualTo(64);
    }

    @Test
    void langChain4jAnthropicStreamingModelReceivesEveryPieceAndCompletes() throws Exception {
        upstream.chunks(5);
        AnthropicStreamingChatModel model = AnthropicStreamingChatModel.builder().baseUrl(gateway.baseUrl() + "/")
                .apiKey(key).modelName("claude-local-name").maxTokens(64).timeout(Duration.ofSeconds(20)).build();
        StreamedAnswer answer = new StreamedAnswer();
        model.chat("stream this from langchain4j", answer);
        ChatResponse response = answer.await(20);
        assertThat(answer.partialText()).isEqualTo("echo: stream this from langchain4j");
        assertThat(response.aiMessage().text()).isEqualTo("echo: stream this from langchain4j");
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(7);
    }

    @Test
    void officialAnthropicNodeSdkWorksAgainstTheGateway() throws Exception {
        String base = gateway.baseUrl().substring(0, gateway.baseUrl().length() - "/v1".length());
        JsonNode result = NodeClient.run("clients/node/check-anthropic.mjs", "@anthropic-ai/sdk", base, key, "claude-local-name");
        assertThat(result.at("/message/text").asText()).isEqualTo("echo: hello from anthropic");
        assertThat(result.at("/message/stop").asText()).isEqualTo("end_turn");
        assertThat(result.at("/message/usage/output_tokens").asInt()).isEqualTo(7);
        assertThat(result.at("/stream/text").asText()).isEqualTo("echo: stream from anthropic");
        assertThat(result.at("/stream/final").asText()).isEqualTo("echo: stream from anthropic");
        assertThat(result.at("/stream/usage/input_tokens").asInt()).isEqualTo(11);
        assertThat(result.at("/tool/stop").asText()).isEqualTo("tool_use");
        assertThat(result.at("/tool/name").asText()).isEqualTo("get_weather");
        assertThat(result.at("/tool/input/city").asText()).isEqualTo("Paris");
        assertThat(result.at("/tool/streamedInput/city").asText()).isEqualTo("Paris");
        assertThat(result.at("/tool/inputPieces").toString()).as("the input streams in the upstream's pieces of five")
                .isEqualTo("[\"{\\\"cit\",\"y\\\":\\\"P\",\"aris\\\"\",\"}\"]");
        assertThat(result.at("/stop/reason").asText()).isEqualTo("stop_sequence");
        assertThat(result.at("/stop/sequence").asText()).isEqualTo(" from");
        assertThat(result.at("/stop/text").asText()).isEqualTo("echo: stop here");
        assertThat(result.at("/stop/streamReason").asText()).isEqualTo("stop_sequence");
        assertThat(result.at("/stop/streamSequence").asText()).isEqualTo(" from");
        assertThat(result.at("/tool/answer").asText()).isEqualTo("echo: weather in Paris?");
        assertThat(result.at("/error/authError").asBoolean()).as(result.path("error").toString()).isTrue();
        assertThat(result.at("/error/status").asInt()).isEqualTo(401);
        assertThat(result.at("/error/type").asText()).isEqualTo("authentication_error");
    }
}
