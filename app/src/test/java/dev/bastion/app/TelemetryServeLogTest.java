package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.gateway.testing.FakeUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bastion serve --log-format json} as a real process: its log records are JSON lines without prompts. */
class TelemetryServeLogTest {
    private static final String CANARY = "canary-serve-log-91b2";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void serveWithJsonLogFormatWritesEveryLogRecordAsAJsonLine() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            Path config = dir.resolve("bastion.yaml");
            // A damaged local model is refused at start with a warning: a log record on every start.
            Files.write(dir.resolve("broken.gguf"), new byte[] {'G', 'G', 'U', 'F', 3, 0, 0, 0, 1});
            Files.writeString(config, "models:\n  - name: m\n    backend: openai\n    base-url: " + upstream.baseUrl()
                    + "\n    location: local\n  - name: broken\n    backend: local\n    path: " + dir.resolve("broken.gguf") + "\n");
            ServedProcess served = ServedProcess.start(config, dir.resolve("data"), dir.resolve("stderr.txt"),
                    "--log-format", "json");
            Process process = served.process();
            try {
                String base = served.base();
                String admin = Files.readString(dir.resolve("data/admin.key")).strip();
                HttpClient client = HttpClient.newHttpClient();
                for (String body : List.of("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + CANARY + "\"}]}",
                        "{\"model\":\"m\",\"messages\":[" + CANARY + "]}")) {
                    client.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                            .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                }
                process.destroy(); // SIGTERM
                assertThat(process.waitFor(15, TimeUnit.SECONDS)).isTrue();
            } finally {
                process.destroyForcibly();
            }
        }
        String stderr = Files.readString(dir.resolve("stderr.txt"));
        assertThat(stderr).doesNotContain(CANARY);
        List<JsonNode> records = new ArrayList<>();
        for (String l : stderr.split("\n")) {
            if (!l.startsWith("bastion: ") && !l.startsWith("WARNING: ") && !l.isBlank()) {
                records.add(JSON.readTree(l)); // anything else on stderr must be a JSON log record
            }
        }
        assertThat(records).as("stderr: %s", stderr).isNotEmpty().allSatisfy(r -> assertThat(r.has("timestamp") && r.has("level")
                && r.has("logger") && r.has("message")).isTrue());
        assertThat(records).anySatisfy(r -> {
            assertThat(r.get("level").asText()).isEqualTo("WARNING");
            assertThat(r.get("message").asText()).startsWith("local model 'broken' refused");
        });
    }
}
