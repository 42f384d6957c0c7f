package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A base model (stories260K: llama2.c's TinyStories checkpoint, 512 tokens, no chat template; see
 * shared/models/SOURCE.txt) served with {@code backend: local}: it loads, and every chat request to it, streamed
 * or not, is a 400 that says the model has no chat template, never an answer made up from an invented format.
 * Skipped, not passed, when the shared model file is absent.
 */
class LocalBaseModelTest {
    static final List<Path> PLACES = List.of(Path.of("../../shared/models/stories260K.gguf"),
            Path.of("../shared/models/stories260K.gguf"));

    @TempDir
    static Path dir;
    static TestGateway gateway;
    static String key;

    @BeforeAll
    static void start() {
        Optional<Path> file = PLACES.stream().filter(Files::isRegularFile).findFirst();
        assumeTrue(file.isPresent(), "stories260K.gguf not found at " + PLACES);
        gateway = TestGateway.start(dir, "local-engine:\n  context-size: 128\n  threads: 1\n  max-tokens: 8\n"
                + "models:\n  - {name: stories, backend: local, path: " + file.get().toAbsolutePath().normalize()
                + "}\n");
        key = gateway.createKey(Role.USER, "team-a", List.of("*"));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void theBaseModelIsLoadedButHasNoChatTemplate() {
        assertThat(gateway.gateway().localBackend().loaded("stories")).hasValueSatisfying(
                engine -> assertThat(engine.chatTemplate()).isEmpty());
    }

    @Test
    void aChatWithTheBaseModelIsRefusedWith400NamingTheMissingTemplate() {
        for (boolean stream : List.of(false, true)) {
            ObjectNode body = LocalGatewayFixture.JSON.createObjectNode().put("model", "stories").put("stream", stream);
            body.putArray("messages").addObject().put("role", "user").put("content", "Once upon a canary-4417");
            TestGateway.Reply reply = gateway.post("/v1/chat/completions", key, body.toString());
            assertThat(reply.status()).as("stream %s: %s", stream, reply.body()).isEqualTo(400);
            JsonNode error = reply.json().path("error");
            assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.path("message").asText()).contains("cannot chat")
                    .contains("architecture \"llama\" with 512 tokens and no tokenizer.chat_template")
                    .contains("base model").doesNotContain("canary-4417");
        }
    }
}
