package dev.bastion.gateway.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.config.Location;
import dev.bastion.gateway.config.ModelSettings;
import dev.bastion.gateway.config.SecretRef;
import dev.bastion.gateway.testing.FakeAnthropic;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AnthropicBackendTest {
    private static final String KEY = "sk-ant-test-credential-123";
    private final AnthropicBackend backend = new AnthropicBackend(Map.of("ANTHROPIC_KEY", KEY));

    private static ModelSettings model(FakeAnthropic fake, int retries) {
        return new ModelSettings("claude", ModelSettings.ANTHROPIC, Optional.of(URI.create(fake.baseUrl())),
                Optional.of(new SecretRef.FromEnv("ANTHROPIC_KEY")), "claude-up", Location.CLOUD, Optional.empty(),
                Duration.ofSeconds(2), Duration.ofSeconds(2), retries, ModelSettings.Kind.CHAT, "2023-06-01", 321);
    }

    private static ObjectNode request(String json) throws Exception {
        return (ObjectNode) Json.MAPPER.readTree(json);
    }

    @Test
    void aPlainAnswerComesBackAsAChatCompletionWithUsage() throws Exception {
        try (FakeAnthropic fake = FakeAnthropic.start().requireKey(KEY)) {
            ObjectNode answer = backend.complete(model(fake, 0), request("""
                    {"model":"claude","messages":[{"role":"system","content":"be brief"},
                     {"role":"developer","content":"answer in English"},{"role":"user","content":"hello"}],
                     "stop":"END","temperature":0.3}"""));
            assertThat(answer.path("object").asText()).isEqualTo("chat.completion");
            assertThat(answer.at("/choices/0/message/content").asText()).isEqualTo("echo: hello");
            assertThat(answer.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
            assertThat(answer.at("/usage/prompt_tokens").asInt()).isEqualTo(15);
            assertThat(answer.at("/usage/completion_tokens").asInt()).isEqualTo(5);
            assertThat(answer.at("/usage/total_tokens").asInt()).isEqualTo(20);

            FakeAnthropic.Received sent = fake.received().getLast();
            assertThat(sent.header("x-api-key")).isEqualTo(KEY);
            assertThat(sent.header("anthropic-version")).isEqualTo("2023-06-01");
            assertThat(sent.header("Authorization")).isNull();
            JsonNode body = sent.body();
            assertThat(body.path("model").asText()).isEqualTo("claude-up");
            assertThat(body.path("system").asText()).isEqualTo("be brief\n\nanswer in English");
            assertThat(body.path("max_tokens").asInt()).as("the configured default").isEqualTo(321);
            assertThat(body.path("stop_sequences").toString()).isEqualTo("[\"END\"]");
            assertThat(body.path("messages")).hasSize(1);
            assertThat(body.at("/messages/0/content/0/text").asText()).isEqualTo("hello");
            assertThat(body.has("stream")).isFalse();
        }
    }

    @Test
    void theRequestsOwnMaxTokensWinsOverTheConfiguredDefault() throws Exception {
        try (FakeAnthropic fake = FakeAnthropic.start()) {
            backend.complete(model(fake, 0), request("""
                    {"model":"claude","max_completion_tokens":77,"messages":[{"role":"user","content":"x"}]}"""));
            assertThat(fake.received().getLast().body().path("max_tokens").asInt()).isEqualTo(77);
        }
    }

    @Test
    void aStreamBecomesChatCompletionChunksEndingWithUsage() throws Exception {
        try (FakeAnthropic fake = FakeAnthropic.start()) {
            List<ObjectNode> chunks = new ArrayList<>();
            backend.stream(model(fake, 0), request("""
                    {"model":"claude","stream":true,"messages":[{"role":"user","content":"stream me"}]}"""), chunks::add);
            StringBuilder text = new StringBuilder();
            chunks.forEach(c -> c.path("choices").forEach(ch -> text.append(ch.path("delta").path("content").asText(""))));
            assertThat(text.toString()).isEqualTo("echo: stream me");
            assertThat(chunks.getFirst().at("/choices/0/delta/role").asText()).isEqualTo("assistant");
            assertThat(chunks).allSatisfy(c -> assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk"));
            ObjectNode finish = chunks.get(chunks.size() - 2);
            assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
            ObjectNode usage = chunks.getLast();
            assertThat(usage.path("choices")).isEmpty();
            assertThat(usage.at("/usage/prompt_tokens").asInt()).isEqualTo(15);
            assertThat(usage.at("/usage/completion_tokens").asInt()).isEqualTo(5);
            assertThat(fake.received().getLast().body().path("stream").asBoolean()).isTrue();
        }
    }

    @Test
    void toolsAndToolTurnsAreTranslatedBothWays() throws Exception {
        try (FakeAnthropic fake = FakeAnthropic.start().callTool("weather")) {
            ObjectNode answer = backend.complete(model(fake, 0), request("""
                    {"model":"claude","tool_choice":"required","parallel_tool_calls":false,
                     "tools":[{"type":"function","function":{"name":"weather","description":"forecast",
                       "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
                     "messages":[{"role":"user","content":"first question"},
                      {"role":"assistant","content":null,"tool_calls":[{"id":"call_9","type":"function",
                        "function":{"name":"weather","arguments":"{\\"city\\":\\"Oslo\\"}"}}]},
                      {"role":"tool","tool_call_id":"call_9","content":"rain"},
                      {"role":"user","content":"Bergen"}]}"""));
            assertThat(answer.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
            assertThat(answer.at("/choices/0/message/content").isNull()).isTrue();
            JsonNode call = answer.at("/choices/0/message/tool_calls/0");
            assertThat(call.path("id").asText()).isEqualTo("toolu_1");
            assertThat(call.at("/function/name").asText()).isEqualTo("weather");
            assertThat(Json.MAPPER.readTree(call.at("/function/arguments").asText()).path("city").asText()).isEqualTo("Bergen");

            JsonNode sent = fake.received().getLast().body();
            assertThat(sent.at("/tools/0/name").asText()).isEqualTo("weather");
            assertThat(sent.at("/tools/0/input_schema/properties/city/type").asText()).isEqualTo("string");
            assertThat(sent.at("/tool_choice/type").asText()).isEqualTo("any");
            assertThat(sent.at("/tool_choice/disable_parallel_tool_use").asBoolean()).isTrue();
            JsonNode messages = sent.path("messages");
            assertThat(messages).hasSize(3);
            assertThat(messages.at("/1/content/0/type").asText()).isEqualTo("tool_use");
            assertThat(messages.at("/1/content/0/input/city").asText()).isEqualTo("Oslo");
            assertThat(messages.at("/2/role").asText()).isEqualTo("user");
            assertThat(messages.at("/2/content/0/type").asText()).isEqualTo("tool_result");
            assertThat(messages.at("/2/content/0/tool_use_id").asText()).isEqualTo("call_9");
            assertThat(messages.at("/2/content/1/text").asText()).as("merged into the tool result's turn").isEqualTo("Bergen");
        }
    }

    @Test
    void streamedToolUseBecomesToolCallDeltas() throws Exception {
        try (FakeAnthropic fake = FakeAnthropic.start().callTool("weather")) {
            List<ObjectNode> chunks = new ArrayList<>();
            backend.stream(model(fake, 0), request("""
                    {"model":"claude","stream":true,"tools":[{"type":"function","function":{"name":"weather"}}],
                     "messages":[{"role":"user","content":"Paris"}]}"""), chunks::add);
            StringBuilder arguments = new StringBuilder();
            String name = null;
            for (ObjectNode c : chunks) {
                for (JsonNode call : c.at("/choices/0/delta/tool_calls")) {
                    assertThat(call.path("index").asInt()).isZero();
                    if (call.at("/function/name").isTextual()) {
                        name = call.at("/function/name").asText();
                    }
                    arguments.append(call.at("/function/arguments").asText(""));
                }
            }
            assertThat(name).isEqualTo("weather");
            assertThat(Json.MAPPER.readTree(arguments.toString()).path("city").asText()).isEqualTo("Paris");
            assertThat(chunks.get(chunks.size() - 2).at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        }
    }

    @Test
    void aRateLimitKeepsItsRetryAfterAndTheUpstreamMessageWithoutTheKey() throws Exception {
        try (FakeAnthropic fake = FakeAnthropic.start().status(429, "{\"type\":\"error\",\"error\":{\"type\":"
                + "\"rate_limit_error\",\"message\":\"slow down " + KEY + "\"}}", "30")) {
            assertThatThrownBy(() -> backend.complete(model(fake, 2), request("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")))
                    .isInstanceOfSatisfying(BackendException.class, e -> {
                        assertThat(e.kind()).isEqualTo(BackendException.Kind.UPSTREAM_ERROR);
                        assertThat(e.upstreamStatus()).isEqualTo(429);
                        assertThat(e.retryAfter()).contains(Duration.ofSeconds(30));
                        assertThat(e.getMessage()).contains("slow down").doesNotContain(KEY);
                    });
            assertThat(fake.calls()).as("a long Retry-After is passed on, not waited out").isEqualTo(1);
        }
    }

    @Test
    void anOverloadedUpstreamIsRetriedAndThenAnswers() throws Exception {
        try (FakeAnthropic fake = FakeAnthropic.start().failFirst(1)) {
            ObjectNode answer = backend.complete(model(fake, 1), request("{\"messages\":[{\"role\":\"user\",\"content\":\"again\"}]}"));
            assertThat(answer.at("/choices/0/message/content").asText()).isEqualTo("echo: again");
            assertThat(fake.calls()).isEqualTo(2);
        }
    }

    @Test
    void overloadedOnEveryTryKeepsStatus529() throws Exception {
        try (FakeAnthropic fake = FakeAnthropic.start().failFirst(5)) {
            assertThatThrownBy(() -> backend.complete(model(fake, 0), request("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")))
                    .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.upstreamStatus()).isEqualTo(529));
        }
    }

    @Test
    void aRejectedKeyIsAnAuthFailureThatNeverShowsTheKey() throws Exception {
        try (FakeAnthropic fake = FakeAnthropic.start().requireKey("another-key")) {
            assertThatThrownBy(() -> backend.complete(model(fake, 0), request("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")))
                    .isInstanceOfSatisfying(BackendException.class, e -> {
                        assertThat(e.kind()).isEqualTo(BackendException.Kind.UPSTREAM_AUTH);
                        assertThat(e.getMessage()).doesNotContain(KEY);
                    });
        }
    }

    @Test
    void anErrorEventMidStreamFailsTheStreamAsMidStream() throws Exception {
        try (FakeAnthropic fake = FakeAnthropic.start().errorMidStream(true)) {
            List<ObjectNode> chunks = new ArrayList<>();
            assertThatThrownBy(() -> backend.stream(model(fake, 0), request("""
                    {"stream":true,"messages":[{"role":"user","content":"a longer text to split"}]}"""), chunks::add))
                    .isInstanceOfSatisfying(BackendException.class, e -> {
                        assertThat(e.midStream()).isTrue();
                        assertThat(e.kind()).isEqualTo(BackendException.Kind.UNAVAILABLE);
                    });
            assertThat(chunks).isNotEmpty();
        }
    }

    @Test
    void aStreamCutOffBeforeMessageStopIsAnError() throws Exception {
        try (FakeAnthropic fake = FakeAnthropic.start().cutMidStream(true)) {
            assertThatThrownBy(() -> backend.stream(model(fake, 0), request("""
                    {"stream":true,"messages":[{"role":"user","content":"a longer text to split"}]}"""), c -> true))
                    .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.midStream()).isTrue());
        }
    }

    @Test
    void whatTheMessagesApiCannotDoIsRefusedNotDropped() throws Exception {
        try (FakeAnthropic fake = FakeAnthropic.start()) {
            assertThatThrownBy(() -> backend.complete(model(fake, 0), request("""
                    {"n":2,"messages":[{"role":"user","content":"x"}]}""")))
                    .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.UNSUPPORTED));
            assertThatThrownBy(() -> backend.complete(model(fake, 0), request("""
                    {"response_format":{"type":"json_object"},"messages":[{"role":"user","content":"x"}]}""")))
                    .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.UNSUPPORTED));
            assertThat(fake.calls()).isZero();
        }
    }
}
