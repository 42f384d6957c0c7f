package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Responses, Completions and Anthropic Messages APIs against a real gateway in front of a loopback upstream:
 * answers and streams in each API's shapes, errors in each API's error shape, and the chat pipeline's controls
 * (secrets, pseudonyms, audit) applied through every endpoint.
 */
class DialectsGatewayTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "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";

    @TempDir
    static Path dir;
    static FakeUpstream upstream;
    static TestGateway gateway;
    static String key;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = TestGateway.start(dir, "models:\n"
                + TestGateway.model("m", upstream, "cloud")
                + TestGateway.model("m-secrets", upstream, "cloud")
                + TestGateway.model("m-pseudo", upstream, "cloud")
                + """
                routes:
                  - name: secrets
                    models: [m-secrets]
                    input-scanners: [structure, secrets]
                  - name: pseudonymising
                    models: [m-pseudo]
                    input-scanners: [deny-list]
                    deny-patterns: ["project zeus", "alice martin"]
                    actions: {DENY_LIST: pseudonymise}
                  - name: default
                    models: ["*"]
                """);
        key = gateway.createKey(Role.USER, "t", List.of("*"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @AfterEach
    void reset() {
        upstream.callTool(null).answer(null).chunks(3);
    }

    static TestGateway.Reply anthropic(String body, String apiKey) {
        return gateway.post("/v1/messages", null, body, Map.of("x-api-key", apiKey, "anthropic-version", "2023-06-01"));
    }

    /** The (event name, data) pairs of an event-stream body. */
    static List<Map.Entry<String, JsonNode>> namedEvents(TestGateway.Reply r) throws Exception {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        String name = "";
        for (String line : r.body().split("\n")) {
            if (line.startsWith("event: ")) {
                name = line.substring(7);
            } else if (line.startsWith("data: ")) {
                out.add(Map.entry(name, JSON.readTree(line.substring(6))));
                name = "";
            }
        }
        return out;
    }

    @Test
    void aResponsesRequestIsAnsweredWithAResponseObjectAndUsage() {
        TestGateway.Reply r = gateway.post("/v1/responses", key,
                "{\"model\":\"m\",\"instructions\":\"be brief\",\"input\":\"hello responses\",\"max_output_tokens\":50}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.path("object").asText()).isEqualTo("response");
        assertThat(body.path("id").asText()).startsWith("resp_");
        assertThat(body.path("status").asText()).isEqualTo("completed");
        assertThat(body.at("/output/0/type").asText()).isEqualTo("message");
        assertThat(body.at("/output/0/content/0/type").asText()).isEqualTo("output_text");
        assertThat(body.at("/output/0/content/0/text").asText()).isEqualTo("echo: hello responses");
        assertThat(body.at("/usage/total_tokens").asInt()).isEqualTo(18);
        JsonNode sent = upstream.received().getLast().body();
        assertThat(sent.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(sent.at("/messages/0/content").asText()).isEqualTo("be brief");
        assertThat(sent.at("/messages/1/content").asText()).isEqualTo("hello responses");
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(50);
    }

    @Test
    void aStreamedResponseSendsTheResponsesEventsInOrderWithSequenceNumbers() throws Exception {
        upstream.chunks(4);
        TestGateway.Reply r = gateway.post("/v1/responses", key, "{\"model\":\"m\",\"input\":\"stream me\",\"stream\":true}");
        assertThat(r.status()).isEqualTo(200);
        List<Map.Entry<String, JsonNode>> events = namedEvents(r);
        List<String> names = events.stream().map(Map.Entry::getKey).distinct().toList();
        assertThat(names).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "response.output_text.done",
                "response.content_part.done", "response.output_item.done", "response.completed");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            JsonNode data = events.get(i).getValue();
            assertThat(data.path("type").asText()).isEqualTo(events.get(i).getKey());
            assertThat(data.path("sequence_number").asInt()).isEqualTo(i);
            if (events.get(i).getKey().equals("response.output_text.delta")) {
                text.append(data.path("delta").asText());
            }
        }
        assertThat(text).hasToString("echo: stream me");
        JsonNode completed = events.getLast().getValue().path("response");
        assertThat(completed.at("/output/0/content/0/text").asText()).isEqualTo("echo: stream me");
        assertThat(completed.at("/usage/output_tokens").asInt()).isEqualTo(7);
        assertThat(r.body()).doesNotContain("[DONE]");
    }

    @Test
    void aResponsesToolCallComesBackAsAFunctionCallItemAndItsOutputGoesBackAsAToolMessage() {
        upstream.callTool("get_weather");
        String tools = "\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}]";
        TestGateway.Reply call = gateway.post("/v1/responses", key, "{\"model\":\"m\",\"input\":\"weather?\"," + tools + "}");
        assertThat(call.status()).as(call.body()).isEqualTo(200);
        JsonNode item = call.json().at("/output/0");
        assertThat(item.path("type").asText()).isEqualTo("function_call");
        assertThat(item.path("name").asText()).isEqualTo("get_weather");
        assertThat(item.path("arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(upstream.received().getLast().body().at("/tools/0/function/name").asText()).isEqualTo("get_weather");

        upstream.callTool(null);
        String input = "[{\"role\":\"user\",\"content\":\"weather?\"},{\"type\":\"function_call\",\"call_id\":\""
                + item.path("call_id").asText() + "\",\"name\":\"get_weather\",\"arguments\":\"{}\"},"
                + "{\"type\":\"function_call_output\",\"call_id\":\"" + item.path("call_id").asText() + "\",\"output\":\"sunny\"}]";
        TestGateway.Reply answer = gateway.post("/v1/responses", key, "{\"model\":\"m\",\"input\":" + input + "," + tools + "}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode sent = upstream.received().getLast().body().path("messages");
        assertThat(sent.get(1).at("/tool_calls/0/id").asText()).isEqualTo(item.path("call_id").asText());
        assertThat(sent.get(2).path("role").asText()).isEqualTo("tool");
        assertThat(sent.get(2).path("content").asText()).isEqualTo("sunny");
    }

    @Test
    void aLegacyCompletionIsAnsweredAsTextCompletionPlainAndStreamed() throws Exception {
        TestGateway.Reply r = gateway.post("/v1/completions", key, "{\"model\":\"m\",\"prompt\":\"Once upon\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("object").asText()).isEqualTo("text_completion");
        assertThat(r.json().at("/choices/0/text").asText()).isEqualTo("echo: Once upon");
        assertThat(r.json().at("/usage/total_tokens").asInt()).isEqualTo(18);
        JsonNode sent = upstream.received().getLast().body();
        assertThat(sent.has("bastion_text_completion")).as("the marker never leaves the gateway").isFalse();
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(16);

        TestGateway.Reply s = gateway.post("/v1/completions", key, "{\"model\":\"m\",\"prompt\":[\"Once upon\"],\"stream\":true}");
        StringBuilder text = new StringBuilder();
        for (String e : s.events()) {
            if (!e.equals("[DONE]")) {
                JsonNode chunk = JSON.readTree(e);
                assertThat(chunk.path("object").asText()).isEqualTo("text_completion");
                text.append(chunk.at("/choices/0/text").asText());
            }
        }
        assertThat(text).hasToString("echo: Once upon");
        assertThat(s.events().getLast()).isEqualTo("[DONE]");
        assertThat(s.body()).doesNotContain("usage");
    }

    @Test
    void anAnthropicMessageIsAnsweredWithXApiKeyAuthInAnthropicShape() {
        TestGateway.Reply r = anthropic("{\"model\":\"m\",\"max_tokens\":64,\"system\":[{\"type\":\"text\",\"text\":\"sys\"}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hello claude\"}]}]}", key);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.path("type").asText()).isEqualTo("message");
        assertThat(body.path("id").asText()).startsWith("msg_");
        assertThat(body.at("/content/0/text").asText()).isEqualTo("echo: hello claude");
        assertThat(body.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(body.at("/usage/input_tokens").asInt()).isEqualTo(11);
        assertThat(body.at("/usage/output_tokens").asInt()).isEqualTo(7);
        assertThat(upstream.received().getLast().body().at("/messages/0/content/0/text").asText()).isEqualTo("sys");
    }

    @Test
    void aStreamedAnthropicMessageSendsTheMessagesEventsInOrder() throws Exception {
        upstream.chunks(5);
        TestGateway.Reply r = anthropic("{\"model\":\"m\",\"max_tokens\":64,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"stream claude\"}]}", key);
        assertThat(r.status()).isEqualTo(200);
        List<Map.Entry<String, JsonNode>> events = namedEvents(r);
        assertThat(events.stream().map(Map.Entry::getKey).distinct().toList()).containsExactly("message_start",
                "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        StringBuilder text = new StringBuilder();
        events.stream().filter(e -> e.getKey().equals("content_block_delta"))
                .forEach(e -> text.append(e.getValue().at("/delta/text").asText()));
        assertThat(text).hasToString("echo: stream claude");
        JsonNode delta = events.get(events.size() - 2).getValue();
        assertThat(delta.at("/delta/stop_reason").asText()).isEqualTo("end_turn");
        assertThat(delta.at("/usage/output_tokens").asInt()).isEqualTo(7);
    }

    @Test
    void anAnthropicToolUseComesBackAsAToolUseBlockStreamedOrNot() throws Exception {
        upstream.callTool("get_weather");
        String body = "{\"model\":\"m\",\"max_tokens\":64,%s\"tools\":[{\"name\":\"get_weather\",\"description\":\"w\","
                + "\"input_schema\":{\"type\":\"object\"}}],\"tool_choice\":{\"type\":\"any\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}]}";
        TestGateway.Reply r = anthropic(body.formatted(""), key);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().at("/content/0/type").asText()).isEqualTo("tool_use");
        assertThat(r.json().at("/content/0/input/city").asText()).isEqualTo("Paris");
        assertThat(r.json().path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(upstream.received().getLast().body().path("tool_choice").asText()).isEqualTo("required");

        TestGateway.Reply s = anthropic(body.formatted("\"stream\":true,"), key);
        List<Map.Entry<String, JsonNode>> events = namedEvents(s);
        JsonNode start = events.stream().filter(e -> e.getKey().equals("content_block_start")).findFirst().orElseThrow().getValue();
        assertThat(start.at("/content_block/type").asText()).isEqualTo("tool_use");
        StringBuilder json = new StringBuilder();
        events.stream().filter(e -> e.getKey().equals("content_block_delta"))
                .forEach(e -> json.append(e.getValue().at("/delta/partial_json").asText()));
        assertThat(json).hasToString("{\"city\":\"Paris\"}");
        assertThat(events.get(events.size() - 2).getValue().at("/delta/stop_reason").asText()).isEqualTo("tool_use");
    }

    @Test
    void anthropicErrorsComeInAnthropicsShapeWithTheMatchingStatus() {
        String ok = "{\"model\":\"m\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        TestGateway.Reply noMax = anthropic("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", key);
        assertThat(noMax.status()).isEqualTo(400);
        assertThat(noMax.json().path("type").asText()).isEqualTo("error");
        assertThat(noMax.json().at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(noMax.json().at("/error/message").asText()).contains("max_tokens");

        TestGateway.Reply badKey = anthropic(ok, "bsk_not_a_real_key");
        assertThat(badKey.status()).isEqualTo(401);
        assertThat(badKey.json().at("/error/type").asText()).isEqualTo("authentication_error");

        TestGateway.Reply noKey = gateway.post("/v1/messages", null, ok);
        assertThat(noKey.status()).isEqualTo(401);
        assertThat(noKey.json().at("/error/message").asText()).contains("x-api-key");

        TestGateway.Reply unknownModel = anthropic(ok.replace("\"m\"", "\"nope\""), key);
        assertThat(unknownModel.status()).isEqualTo(404);
        assertThat(unknownModel.json().at("/error/type").asText()).isEqualTo("not_found_error");

        TestGateway.Reply thinking = anthropic(ok.replace("{\"model\"", "{\"thinking\":{\"type\":\"enabled\"},\"model\""), key);
        assertThat(thinking.status()).isEqualTo(400);
        assertThat(thinking.json().at("/error/message").asText()).contains("thinking");
    }

    @Test
    void responsesAndCompletionsRefuseWhatTheyCannotTranslateInOpenAisShape() {
        TestGateway.Reply previous = gateway.post("/v1/responses", key,
                "{\"model\":\"m\",\"input\":\"x\",\"previous_response_id\":\"resp_1\"}");
        assertThat(previous.status()).isEqualTo(400);
        assertThat(previous.json().at("/error/param").asText()).isEqualTo("previous_response_id");
        assertThat(gateway.post("/v1/responses", key, "{\"model\":\"m\",\"input\":\"x\",\"store\":true}").status()).isEqualTo(400);
        TestGateway.Reply several = gateway.post("/v1/completions", key, "{\"model\":\"m\",\"prompt\":[\"a\",\"b\"]}");
        assertThat(several.status()).isEqualTo(400);
        assertThat(several.json().at("/error/message").asText()).contains("several prompts");
        assertThat(gateway.post("/v1/completions", key, "{\"model\":\"m\",\"prompt\":\"a\",\"echo\":true}").status()).isEqualTo(400);
        TestGateway.Reply marker = gateway.post("/v1/chat/completions", key,
                "{\"model\":\"m\",\"bastion_text_completion\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(marker.status()).isEqualTo(400);
        assertThat(marker.json().at("/error/message").asText()).contains("/v1/completions");
    }

    @Test
    void aCredentialInThePromptIsBlockedThroughEveryEndpointAndNeverReachesTheUpstream() {
        int before = upstream.calls();
        TestGateway.Reply messages = anthropic("{\"model\":\"m-secrets\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"why does " + TOKEN + " fail?\"}]}", key);
        assertThat(messages.status()).isEqualTo(403);
        assertThat(messages.json().at("/error/type").asText()).isEqualTo("permission_error");
        assertThat(messages.json().at("/error/message").asText()).contains("GITHUB_TOKEN").doesNotContain(TOKEN);
        TestGateway.Reply responses = gateway.post("/v1/responses", key, "{\"model\":\"m-secrets\",\"input\":[{\"role\":"
                + "\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"why does " + TOKEN + " fail?\"}]}]}");
        assertThat(responses.status()).isEqualTo(403);
        assertThat(responses.json().at("/error/code").asText()).isNotEmpty();
        TestGateway.Reply completions = gateway.post("/v1/completions", key,
                "{\"model\":\"m-secrets\",\"prompt\":\"token " + TOKEN + "\",\"stream\":true}");
        assertThat(completions.status()).isEqualTo(403);
        assertThat(upstream.calls()).isEqualTo(before);
    }

    @Test
    void pseudonymsLeaveAndComeBackThroughTheMessagesApiStreamedOrNot() throws Exception {
        String prompt = "Alice Martin asked about Project Zeus";
        String body = "{\"model\":\"m-pseudo\",\"max_tokens\":64,%s\"messages\":[{\"role\":\"user\",\"content\":\""
                + prompt + "\"}]}";
        TestGateway.Reply r = anthropic(body.formatted(""), key);
        assertThat(upstream.received().getLast().body().at("/messages/0/content").asText())
                .isEqualTo("<DENY_LIST_1> asked about <DENY_LIST_2>");
        assertThat(r.json().at("/content/0/text").asText()).isEqualTo("echo: " + prompt);
        upstream.chunks(11);
        TestGateway.Reply s = anthropic(body.formatted("\"stream\":true,"), key);
        StringBuilder text = new StringBuilder();
        namedEvents(s).stream().filter(e -> e.getKey().equals("content_block_delta"))
                .forEach(e -> text.append(e.getValue().at("/delta/text").asText()));
        assertThat(text).hasToString("echo: " + prompt);
        assertThat(s.body()).doesNotContain("DENY_LIST_");
    }

    @Test
    void theAuditRecordOfEachRequestNamesItsEndpoint() throws Exception {
        Map<String, TestGateway.Reply> replies = Map.of(
                "responses", gateway.post("/v1/responses", key, "{\"model\":\"m\",\"input\":\"x\"}"),
                "completions", gateway.post("/v1/completions", key, "{\"model\":\"m\",\"prompt\":\"x\"}"),
                "messages", anthropic("{\"model\":\"m\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", key),
                "chat.completions", gateway.post("/v1/chat/completions", key, TestGateway.chat("m", "x", false)));
        for (Map.Entry<String, TestGateway.Reply> e : replies.entrySet()) {
            assertThat(e.getValue().status()).as(e.getKey()).isEqualTo(200);
            String id = e.getValue().header("x-request-id").orElseThrow();
            JsonNode record = null;
            for (int attempt = 0; attempt < 100 && record == null; attempt++) {
                TestGateway.Reply explained = gateway.get("/admin/v1/requests/" + id, gateway.adminKey());
                if (explained.status() == 200) {
                    record = explained.json().path("record");
                } else {
                    Thread.sleep(20);
                }
            }
            assertThat(record).as(e.getKey()).isNotNull();
            assertThat(record.path("endpoint").asText()).isEqualTo(e.getKey());
            assertThat(record.path("status").asInt()).isEqualTo(200);
        }
    }
}
