package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * {@code /v1/completions} on a base model (stories260K, no chat template; see shared/models/SOURCE.txt): the prompt
 * is continued as text, greedily the same way llama.cpp continues it, plain and streamed, while a chat with the
 * same model stays a 400. Skipped, not passed, when the shared model file is absent.
 */
class LocalCompletionsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** llama.cpp's greedy continuation of "Once upon a time" (SOURCE.txt), of which max_tokens 8 is a prefix. */
    static final String LLAMA_CPP = ", there was a little girl named Lily. She loved to play outside in the park.";

    @TempDir
    static Path dir;
    static TestGateway gateway;
    static String key;

    @BeforeAll
    static void start() {
        Optional<Path> file = LocalBaseModelTest.PLACES.stream().filter(Files::isRegularFile).findFirst();
        assumeTrue(file.isPresent(), "stories260K.gguf not found at " + LocalBaseModelTest.PLACES);
        gateway = TestGateway.start(dir, "local-engine:\n  context-size: 128\n  threads: 1\n"
                + "models:\n  - {name: stories, backend: local, path: " + file.get().toAbsolutePath().normalize() + "}\n");
        key = gateway.createKey(Role.USER, "team-a", List.of("*"));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aBaseModelContinuesThePromptAsLlamaCppDoes() {
        TestGateway.Reply r = gateway.post("/v1/completions", key,
                "{\"model\":\"stories\",\"prompt\":\"Once upon a time\",\"max_tokens\":8,\"temperature\":0}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String text = r.json().at("/choices/0/text").asText();
        assertThat(text).isNotEmpty();
        assertThat(LLAMA_CPP).startsWith(text);
        assertThat(r.json().at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(r.json().at("/usage/completion_tokens").asInt()).isEqualTo(8);
    }

    @Test
    void aStreamedCompletionGivesTheSameTextAsAPlainOne() throws Exception {
        String body = "{\"model\":\"stories\",\"prompt\":\"Once upon a time\",\"max_tokens\":8,\"temperature\":0%s}";
        String plain = gateway.post("/v1/completions", key, body.formatted("")).json().at("/choices/0/text").asText();
        TestGateway.Reply s = gateway.post("/v1/completions", key, body.formatted(",\"stream\":true"));
        assertThat(s.status()).isEqualTo(200);
        StringBuilder text = new StringBuilder();
        for (String e : s.events()) {
            if (!e.equals("[DONE]")) {
                JsonNode chunk = JSON.readTree(e);
                text.append(chunk.at("/choices/0/text").asText());
            }
        }
        assertThat(text).hasToString(plain);
        assertThat(s.events().getLast()).isEqualTo("[DONE]");
    }

    @Test
    void aChatWithTheSameModelIsStillRefusedForWantOfATemplate() {
        TestGateway.Reply r = gateway.post("/v1/chat/completions", key, TestGateway.chat("stories", "Once upon a time", false));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/error/message").asText()).contains("base model");
        TestGateway.Reply m = gateway.post("/v1/messages", key, "{\"model\":\"stories\",\"max_tokens\":8,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}]}");
        assertThat(m.status()).isEqualTo(400);
        assertThat(m.json().at("/error/type").asText()).isEqualTo("invalid_request_error");
    }
}
