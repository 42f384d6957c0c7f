package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.gateway.testing.StreamedAnswer;
import dev.bastion.inference.GgmlType;
import dev.bastion.inference.TestModels;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first tour, literally: a fresh data directory with a model where {@code bastion model pull} puts it,
 * {@code bastion serve} as its own process with no config file, a key from {@code bastion keys create}, the model in
 * {@code /v1/models}, and a streamed chat through an OpenAI client (LangChain4j's) answered by the local engine.
 * Prints (does not assert) the time from starting the process to the first streamed token.
 */
class ReadmeTourTest {
    private static final long SEED = 16;
    private static final TestModels.Shape SHAPE = TestModels.Shape.tiny("llama");

    @TempDir
    Path dir;

    @Test
    void aPulledModelIsServedWithNoConfigAndStreamsThroughTheOpenAiClient() throws Exception {
        Path data = dir.resolve("data");
        Path models = Files.createDirectories(data.resolve("models"));
        TestModels.write(models.resolve("tour-model.gguf"), SHAPE, GgmlType.Q8_0, SEED); // as `model pull` leaves it
        assertThat(dir.resolve("bastion.yaml")).doesNotExist();

        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("BASTION_"));
        env.put("HOME", dir.toString());
        ProcessBuilder serve = new ProcessBuilder(javaBin.toString(), "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), "dev.bastion.app.Main", "serve",
                "--data-dir", data.toString(), "--port", "0")
                .directory(dir.toFile()).redirectError(dir.resolve("stderr.txt").toFile());
        serve.environment().clear();
        serve.environment().putAll(env);
        long started = System.nanoTime();
        Process process = serve.start();
        try {
            String line = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertThat(line).as("stderr: %s", stderr()).startsWith("listening http://127.0.0.1:");
            String base = line.substring("listening ".length());

            JsonNode created = JsonFormatTest.json(0, "keys", "create", "--role", "user", "--models", "*",
                    "--format", "json", "--data-dir", data.toString());
            String key = created.path("key").asText();

            HttpResponse<String> listed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(base + "/v1/models")).header("Authorization", "Bearer " + key).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
            assertThat(listed.body()).contains("\"tour-model\"");

            Map<String, Integer> noEnd = new HashMap<>(); // random weights: keep the end tokens from ending it at once
            List<String> tokens = TestModels.tokens(SHAPE, SEED);
            for (String end : List.of("<|eot_id|>", "<|end_of_text|>", "<|eom_id|>")) {
                if (tokens.indexOf(end) >= 0) {
                    noEnd.put(Integer.toString(tokens.indexOf(end)), -100);
                }
            }
            OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder().baseUrl(base + "/v1").apiKey(key)
                    .modelName("tour-model").maxTokens(8).logitBias(noEnd).timeout(Duration.ofSeconds(120)).build();
            StreamedAnswer answer = new StreamedAnswer();
            model.chat("Hello", answer);
            ChatResponse response = answer.await(180);
            assertThat(answer.pieces()).as("stderr: %s", stderr()).isPositive();
            assertThat(response.aiMessage().text()).isEqualTo(answer.partialText()).isNotEmpty();
            assertThat(response.tokenUsage().outputTokenCount()).isBetween(1, 8);
            System.out.printf(Locale.ROOT, "readme tour: serve process start to first streamed token %d ms"
                    + " (%d chunks)%n", (answer.firstPieceNanos() - started) / 1_000_000, answer.pieces());
        } finally {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private String stderr() throws java.io.IOException {
        Path f = dir.resolve("stderr.txt");
        return Files.exists(f) ? Files.readString(f) : "";
    }
}
