package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.inference.TestModels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a local model refuses, over real HTTP: a prompt longer than local-engine.context-size (streamed or not),
 * sampling settings out of range, and features the engine lacks (tools, JSON mode, several choices), each a 400
 * that names the problem and never echoes the prompt.
 */
class LocalRequestRefusalsTest {
    static final com.fasterxml.jackson.databind.ObjectMapper JSON = LocalGatewayFixture.JSON;

    @TempDir
    static Path dir;
    static LocalGatewayFixture local;

    @BeforeAll
    static void start() throws Exception {
        local = LocalGatewayFixture.start(dir, "tiny", TestModels.Shape.tiny("llama"), 9,
                "  context-size: 128\n  threads: 1\n  max-tokens: 8\n");
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

    @Test
    void aPromptLongerThanTheContextIsRefusedWithContextLengthExceeded() {
        TestGateway.Reply reply = post(request("many words ".repeat(200)).put("max_tokens", 4));
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        JsonNode error = reply.json().path("error");
        assertThat(error.path("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(error.path("message").asText()).contains("context is 128 tokens")
                .doesNotContain("many words");
    }

    @Test
    void aStreamedPromptLongerThanTheContextIsRefusedWithAnHttpErrorNotAStream() {
        ObjectNode r = request("many words ".repeat(200)).put("max_tokens", 4).put("stream", true);
        TestGateway.Reply reply = post(r);
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.json().path("error").path("code").asText()).isEqualTo("context_length_exceeded");
    }

    @Test
    void samplingSettingsOutOfRangeAreRefusedNamingTheField() {
        record Case(String field, Object value, String message) {
        }
        List<Case> cases = List.of(
                new Case("max_tokens", 0, "max_tokens"),
                new Case("temperature", -1, "temperature"),
                new Case("temperature", "hot", "temperature' must be a number"),
                new Case("top_p", 1.5, "top_p"),
                new Case("n", 2, "n must be 1"));
        for (Case c : cases) {
            ObjectNode r = request("hi").put("max_tokens", 4);
            r.set(c.field(), JSON.valueToTree(c.value()));
            TestGateway.Reply reply = post(r);
            assertThat(reply.status()).as(c + ": " + reply.body()).isEqualTo(400);
            assertThat(reply.json().path("error").path("message").asText()).as(c.toString()).contains(c.message());
        }
        ObjectNode fiveStops = request("hi").put("max_tokens", 4);
        fiveStops.putArray("stop").add("a").add("b").add("c").add("d").add("e");
        assertThat(post(fiveStops).status()).isEqualTo(400);
        ObjectNode json = request("hi").put("max_tokens", 4);
        json.putObject("response_format").put("type", "json_object");
        assertThat(post(json).json().path("error").path("message").asText()).contains("response_format json_object");
    }

    @Test
    void toolDefinitionsAreRefusedWithAClearMessage() {
        ObjectNode r = request("what is the weather").put("max_tokens", 4);
        r.putArray("tools").addObject().put("type", "function").putObject("function").put("name", "weather");
        TestGateway.Reply reply = post(r);
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.json().path("error").path("message").asText())
                .contains("tool definitions (tools) are not supported by the local engine");
    }
}
