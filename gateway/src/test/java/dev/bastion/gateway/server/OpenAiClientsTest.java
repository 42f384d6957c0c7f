package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.NodeClient;
import dev.bastion.gateway.testing.StreamedAnswer;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real OpenAI client libraries against a real gateway in front of a loopback upstream. */
class OpenAiClientsTest {
    @TempDir
    static Path dir;
    static FakeUpstream upstream;
    static TestGateway gateway;
    static String key;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start().requireKey("sk-upstream-secret").callTool("get_weather");
        gateway = TestGateway.start(dir, "models:\n" + TestGateway.model("chat-model", upstream, "cloud")
                + "    api-key-env: UPSTREAM_KEY\n    upstream-model: real-upstream-name\n",
                java.util.Map.of("UPSTREAM_KEY", "sk-upstream-secret"));
        key = gateway.createKey(Role.USER, "team-a", List.of("*"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void langChain4jChatModelGetsTheUpstreamAnswerThroughTheGateway() {
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(gateway.baseUrl()).apiKey(key)
                .modelName("chat-model").timeout(Duration.ofSeconds(20)).maxRetries(0).build();
        assertThat(model.chat("hello there")).isEqualTo("echo: hello there");

        FakeUpstream.Received sent = upstream.received().getLast();
        assertThat(sent.body().path("model").asText()).isEqualTo("real-upstream-name");
        assertThat(sent.header("Authorization")).isEqualTo("Bearer sk-upstream-secret");
    }

    @Test
    void langChain4jStreamingModelReceivesEveryChunkAndCompletes() throws Exception {
        upstream.chunks(5);
        OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder().baseUrl(gateway.baseUrl()).apiKey(key)
                .modelName("chat-model").timeout(Duration.ofSeconds(20)).build();
        StreamedAnswer answer = new StreamedAnswer();
        model.chat("stream this please", answer);
        ChatResponse response = answer.await(20);
        assertThat(answer.partialText()).isEqualTo("echo: stream this please");
        assertThat(response.aiMessage().text()).isEqualTo("echo: stream this please");
    }

    @Test
    void langChain4jSeesAnOpenAiErrorForAnUnknownModel() {
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(gateway.baseUrl()).apiKey(key)
                .modelName("no-such-model").maxRetries(0).build();
        assertThatThrownBy(() -> model.chat("x")).hasMessageContaining("does not exist");
    }

    @Test
    void officialOpenAiNodeClientWorksAgainstTheGateway() throws Exception {
        JsonNode result = NodeClient.run("clients/node/check.mjs", "openai", gateway.baseUrl(), key, "chat-model", "--tools");
        assertThat(result.path("completion").asText()).isEqualTo("echo: hello from node");
        assertThat(result.at("/toolStream/pieces").toString()).as("chat tool arguments stream in the upstream's pieces")
                .isEqualTo("[\"{\\\"cit\",\"y\\\":\\\"P\",\"aris\\\"\",\"}\"]");
        assertThat(result.path("streamed").asText()).isEqualTo("echo: stream from node");
        assertThat(result.path("usage").path("total_tokens").asInt()).isEqualTo(18);
        assertThat(result.path("models").toString()).contains("chat-model").contains("all-minilm-l6-v2");
        assertThat(result.path("embeddingDims").toString()).isEqualTo("[384,384]");
        assertThat(result.path("error").path("status").asInt()).isEqualTo(404);
        assertThat(result.path("error").path("code").asText()).isEqualTo("model_not_found");
    }

    @Test
    void officialOpenAiNodeClientUsesTheResponsesAndCompletionsApis() throws Exception {
        JsonNode result = NodeClient.run("clients/node/check-responses.mjs", "openai", gateway.baseUrl(), key, "chat-model");
        assertThat(result.at("/response/text").asText()).isEqualTo("echo: responses from node");
        assertThat(result.at("/response/status").asText()).isEqualTo("completed");
        assertThat(result.at("/response/usage").asInt()).isEqualTo(18);
        assertThat(result.at("/responseStream/events").toString()).isEqualTo("[\"response.created\",\"response.in_progress\","
                + "\"response.output_item.added\",\"response.content_part.added\",\"response.output_text.delta\","
                + "\"response.output_text.done\",\"response.content_part.done\",\"response.output_item.done\","
                + "\"response.completed\"]");
        assertThat(result.at("/responseStream/text").asText()).isEqualTo("echo: stream responses from node");
        assertThat(result.at("/responseStream/final").asText()).isEqualTo("echo: stream responses from node");
        assertThat(result.at("/responseHelper").asText()).isEqualTo("echo: helper stream from node");
        assertThat(result.at("/toolRoundTrip/name").asText()).isEqualTo("get_weather");
        assertThat(result.at("/toolRoundTrip/arguments/city").asText()).isEqualTo("Paris");
        assertThat(result.at("/toolRoundTrip/answer").asText()).isEqualTo("echo: weather in Paris?");
        assertThat(result.at("/toolStream/deltas").toString()).as("the arguments stream in the upstream's pieces of five")
                .isEqualTo("[\"{\\\"cit\",\"y\\\":\\\"P\",\"aris\\\"\",\"}\"]");
        assertThat(result.at("/toolStream/done").asText()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(result.at("/toolStream/events").toString()).isEqualTo("[\"response.created\",\"response.in_progress\","
                + "\"response.output_item.added\",\"response.function_call_arguments.delta\","
                + "\"response.function_call_arguments.done\",\"response.output_item.done\",\"response.completed\"]");
        assertThat(result.at("/toolStream/helperDeltas").asInt()).isEqualTo(4);
        assertThat(result.at("/toolStream/helperArguments/city").asText()).isEqualTo("Paris");
        assertThat(result.at("/legacy/object").asText()).isEqualTo("text_completion");
        assertThat(result.at("/legacy/text").asText()).isEqualTo("echo: completions from node");
        assertThat(result.at("/legacy/finish").asText()).isEqualTo("stop");
    }
}
