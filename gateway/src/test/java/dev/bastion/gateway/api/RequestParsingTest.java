package dev.bastion.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestParsingTest {
    private static ObjectNode parse(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return RequestBodies.parseObject(b, b.length);
    }

    private static ApiError refusal(Runnable r) {
        try {
            r.run();
        } catch (Refusal e) {
            return e.error();
        }
        throw new AssertionError("expected a refusal");
    }

    @Test
    void malformedJsonIsRefusedWithPositionButWithoutEchoingInput() {
        ApiError e = refusal(() -> parse("{\"model\": canary-secret-123}"));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("invalid_json");
        assertThat(e.message()).contains("line 1").doesNotContain("canary");
    }

    @Test
    void invalidUtf8IsRefusedWithItsOffset() {
        byte[] b = {'{', '"', 'a', '"', ':', '"', (byte) 0xff, '"', '}'};
        ApiError e = refusal(() -> RequestBodies.parseObject(b, b.length));
        assertThat(e.code()).isEqualTo("invalid_utf8");
        assertThat(e.message()).contains("offset 6");
    }

    @Test
    void emptyBodyArrayBodyDuplicateKeysAndTrailingGarbageAreRefused() {
        assertThat(refusal(() -> parse("")).code()).isEqualTo("empty_body");
        assertThat(refusal(() -> parse("[1,2]")).message()).contains("must be a JSON object");
        assertThat(refusal(() -> parse("{\"a\":1,\"a\":2}")).message()).contains("appears twice");
        assertThat(refusal(() -> parse("{\"a\":1} x")).code()).isEqualTo("invalid_json");
    }

    @Test
    void deeplyNestedJsonIsRefused() {
        String deep = "{\"a\":" + "[".repeat(200) + "]".repeat(200) + "}";
        assertThat(refusal(() -> parse(deep)).code()).isEqualTo("json_too_complex");
    }

    @Test
    void missingOrWrongFieldsNameTheField() {
        assertThat(refusal(() -> ChatRequest.from(parse("{\"messages\":[]}"))).param()).hasValue("model");
        assertThat(refusal(() -> ChatRequest.from(parse("{\"model\":\"m\"}"))).param()).hasValue("messages");
        assertThat(refusal(() -> ChatRequest.from(parse("{\"model\":5,\"messages\":[]}"))).param()).hasValue("model");
        assertThat(refusal(() -> ChatRequest.from(parse("{\"model\":\"m\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}")))
                .param()).hasValue("messages[0].role");
        assertThat(refusal(() -> ChatRequest.from(parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":7}]}")))
                .param()).hasValue("messages[0].content");
        assertThat(refusal(() -> ChatRequest.from(parse("{\"model\":\"m\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")))
                .param()).hasValue("stream");
        assertThat(refusal(() -> ChatRequest.from(parse("{\"model\":\"m\",\"max_tokens\":-1,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")))
                .param()).hasValue("max_tokens");
    }

    @Test
    void textsComeFromStringContentAndTextPartsAndCanBeRewrittenInACopy() {
        ChatRequest r = ChatRequest.from(parse("""
                {"model":"m","stream":true,"stream_options":{"include_usage":true},"tools":[{"type":"function"}],
                 "messages":[{"role":"system","content":"be brief"},
                             {"role":"user","content":[{"type":"text","text":"hello"},{"type":"image_url","image_url":{"url":"x"}},{"type":"text","text":"world"}]},
                             {"role":"assistant","content":null,"tool_calls":[{"id":"c1"}]},
                             {"role":"tool","content":"42","tool_call_id":"c1"}]}"""));
        assertThat(r.stream()).isTrue();
        assertThat(r.includeUsage()).isTrue();
        assertThat(r.texts()).containsExactly("be brief", "hello", "world", "42");
        ObjectNode copy = r.withTexts(List.of("A", "B", "C", "D"));
        assertThat(copy.at("/messages/1/content/2/text").asText()).isEqualTo("C");
        assertThat(copy.at("/messages/1/content/1/type").asText()).isEqualTo("image_url");
        assertThat(copy.get("tools")).isEqualTo(r.json().get("tools"));
        assertThat(r.json().at("/messages/0/content").asText()).isEqualTo("be brief");
    }

    @Test
    void errorBodyHasOpenAiShape() {
        ObjectNode json = ApiError.invalidParam("messages[0].role", "bad").toJson();
        assertThat(json.at("/error/message").asText()).isEqualTo("bad");
        assertThat(json.at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(json.at("/error/param").asText()).isEqualTo("messages[0].role");
        assertThat(json.at("/error/code").asText()).isEqualTo("invalid_messages_0_role");
        assertThatThrownBy(() -> new ApiError(200, "t", "c", "m", java.util.Optional.empty(), java.util.Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rolesGiveEachTextsMessageRoleInOrderOneForEveryPart() {
        ChatRequest r = ChatRequest.from(parse("{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"s\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"text\",\"text\":\"b\"}]},"
                + "{\"role\":\"tool\",\"content\":\"t\"}]}"));
        assertThat(r.texts()).containsExactly("s", "a", "b", "t");
        assertThat(r.roles()).containsExactly("system", "user", "user", "tool");
        assertThat(r.roles()).isSameAs(r.roles()); // made once, with the request
    }
}
