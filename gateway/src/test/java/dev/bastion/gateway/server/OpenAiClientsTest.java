package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
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
        StringBuilder partial = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat("stream this please", new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String text) {
                partial.append(text);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse response = done.get(20, TimeUnit.SECONDS);
        assertThat(partial.toString()).isEqualTo("echo: stream this please");
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
        Path script = locate("clients/node/check.mjs");
        boolean required = "required".equals(System.getenv("BASTION_TEST_NODE_CLIENT"));
        boolean installed = script != null && Files.isDirectory(script.getParent().resolve("node_modules/openai"));
        if (!installed) {
            assertThat(required).as("BASTION_TEST_NODE_CLIENT=required but clients/node has no node_modules").isFalse();
            Assumptions.abort("the openai npm package is not installed (run npm ci in clients/node)");
        }
        Process p = new ProcessBuilder("node", script.toString(), gateway.baseUrl(), key, "chat-model", "--tools")
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        JsonNode result = new ObjectMapper().readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
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
        JsonNode result = runNode("clients/node/check-responses.mjs");
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

    /** Runs a script of clients/node against the gateway; skipped when the npm packages are not installed. */
    static JsonNode runNode(String relative) throws Exception {
        Path script = locate(relative);
        boolean required = "required".equals(System.getenv("BASTION_TEST_NODE_CLIENT"));
        boolean installed = script != null && Files.isDirectory(script.getParent().resolve("node_modules/openai"));
        if (!installed) {
            assertThat(required).as("BASTION_TEST_NODE_CLIENT=required but clients/node has no node_modules").isFalse();
            Assumptions.abort("the openai npm package is not installed (run npm ci in clients/node)");
        }
        Process p = new ProcessBuilder("node", script.toString(), gateway.baseUrl(), key, "chat-model")
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return new ObjectMapper().readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
    }

    /** Finds a file relative to the repository root, walking up from the working directory. */
    static Path locate(String relative) {
        for (File d = new File("").getAbsoluteFile(); d != null; d = d.getParentFile()) {
            File f = new File(d, relative);
            if (f.exists()) {
                return f.toPath();
            }
        }
        return null;
    }
}
