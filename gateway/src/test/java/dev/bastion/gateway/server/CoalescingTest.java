package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Optional coalescing: streamed text leaves in frames of a minimum size, so event count and sizes leak less. */
class CoalescingTest {
    @TempDir
    Path dir;

    private static final String ANSWER = "The quick brown fox jumps over the lazy dog while seven wizards quietly "
            + "brew a potion of frozen jam, and every word here arrives as its own upstream chunk to test framing.";

    private List<String> contents(String extraGuard) throws Exception {
        try (FakeUpstream up = FakeUpstream.start().answer(ANSWER).chunkByWords(true)) {
            String yaml = "guard:\n  stream-padding: false\n" + extraGuard + "models:\n"
                    + TestGateway.model("m", up, "local")
                    + "routes:\n  - name: plain\n    models: [\"*\"]\n    output-scanners: []\n"; // framing alone
            Path home = dir.resolve(extraGuard.isEmpty() ? "plain" : "coalesced");
            java.nio.file.Files.createDirectories(home);
            try (TestGateway g = TestGateway.start(home, yaml)) {
                String key = g.createKey(Role.USER, "t", List.of("*"));
                TestGateway.Reply r = g.post("/v1/chat/completions", key, TestGateway.chat("m", "hi", true));
                assertThat(r.status()).isEqualTo(200);
                List<String> out = new ArrayList<>();
                for (String e : r.events()) {
                    if (e.equals("[DONE]")) {
                        continue;
                    }
                    JsonNode n = Json.MAPPER.readTree(e);
                    JsonNode content = n.path("choices").path(0).path("delta").path("content");
                    if (content.isTextual()) {
                        out.add(content.asText());
                    }
                }
                return out;
            }
        }
    }

    @Test
    void framesHaveAMinimumSizeAndTheTextIsUnchanged() throws Exception {
        List<String> plain = contents("");
        List<String> framed = contents("  stream-coalesce-bytes: 64\n");
        assertThat(String.join("", framed)).isEqualTo(String.join("", plain)).isEqualTo(ANSWER);
        assertThat(plain.size()).isGreaterThan(20);
        assertThat(framed.size()).isLessThanOrEqualTo(ANSWER.length() / 64 + 1);
        for (int i = 0; i < framed.size() - 1; i++) {
            assertThat(framed.get(i).length()).isGreaterThanOrEqualTo(64);
        }
    }
}
