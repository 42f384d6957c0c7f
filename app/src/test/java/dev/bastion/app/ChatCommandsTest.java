package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.inference.GgmlType;
import dev.bastion.inference.TestModels;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatCommandsTest {
    @TempDir
    Path dir;

    @Test
    void generateContinuesAPromptDeterministicallyAtTemperatureZero() throws Exception {
        Path models = Files.createDirectories(dir.resolve("data").resolve("models"));
        TestModels.write(models.resolve("tiny.gguf"), TestModels.Shape.tiny("llama"), GgmlType.Q8_0, 3);
        String[] args = {"generate", "--model", "tiny", "--prompt", "the patient was seen", "--temperature", "0",
            "--max-tokens", "6", "--data-dir", dir.resolve("data").toString()};
        Object[] first = KeysCommandTest.run(args);
        Object[] second = KeysCommandTest.run(args);
        assertThat(first[0]).as("exit code; stderr: %s", first[2]).isEqualTo(0);
        assertThat(((String) first[1]).strip()).isNotEmpty().isEqualTo(((String) second[1]).strip());
        assertThat((String) first[2]).contains("loaded tiny.gguf (llama, 2 layers").contains("6 generated");
    }

    @Test
    void generateWritesTheWeightCacheThenMapsItNoWeightCacheLeavesItAndClearCacheDeletesIt() throws Exception {
        Path data = dir.resolve("data");
        Path models = Files.createDirectories(data.resolve("models"));
        TestModels.write(models.resolve("tiny.gguf"), TestModels.Shape.tiny("llama"), GgmlType.Q4_K, 3);
        String[] cached = {"generate", "--model", "tiny", "--prompt", "the patient was seen", "--temperature", "0",
            "--max-tokens", "6", "--data-dir", data.toString()};
        String[] plain = java.util.stream.Stream.concat(java.util.Arrays.stream(cached), java.util.stream.Stream.of(
                "--no-weight-cache")).toArray(String[]::new);
        Path cacheDir = data.resolve("cache").resolve("repacked");
        Object[] none = KeysCommandTest.run(plain);
        assertThat(none[0]).as("exit code; stderr: %s", none[2]).isEqualTo(0);
        assertThat(cacheDir).doesNotExist(); // --no-weight-cache writes nothing; the default (below) writes it
        Object[] first = KeysCommandTest.run(cached);
        assertThat(first[0]).as("exit code; stderr: %s", first[2]).isEqualTo(0);
        try (var files = Files.list(cacheDir)) {
            assertThat(files.filter(f -> f.toString().endsWith(".weights")).count()).isEqualTo(1);
        }
        Object[] second = KeysCommandTest.run(cached);
        assertThat(((String) first[1]).strip()).isNotEmpty().isEqualTo(((String) none[1]).strip())
                .isEqualTo(((String) second[1]).strip());
        Object[] clear = KeysCommandTest.run("model", "clear-cache", "--data-dir", data.toString());
        assertThat(clear[0]).as("exit code; stderr: %s", clear[2]).isEqualTo(0);
        assertThat((String) clear[1]).contains("deleted").contains("MiB of repacked weights");
        try (var files = Files.list(cacheDir)) {
            assertThat(files.toList()).isEmpty();
        }
        assertThat((String) KeysCommandTest.run("audit", "tail", "--data-dir", data.toString(), "-n", "5")[1])
                .contains("model.clear-cache");
    }

    @Test
    void chatAnswersEachLineWithTheHistoryAndStopsAtExit() throws Exception {
        Path file = TestModels.write(dir.resolve("tiny-qwen.gguf"), TestModels.Shape.tiny("qwen2"), GgmlType.Q4_K, 5);
        InputStream in = System.in;
        try {
            System.setIn(new ByteArrayInputStream("hello\nand then\n/exit\n".getBytes(StandardCharsets.UTF_8)));
            Object[] out = KeysCommandTest.run("chat", "--model", file.toString(), "--temperature", "0",
                    "--max-tokens", "4", "--data-dir", dir.resolve("data").toString());
            assertThat(out[0]).as("exit code; stderr: %s", out[2]).isEqualTo(0);
            String err = (String) out[2];
            assertThat(err.lines().filter(l -> l.contains("prompt tokens"))).hasSize(2);
            // The second turn reuses the first turn's tokens from the cache.
            assertThat(err.lines().filter(l -> l.contains("prompt tokens")).toList().get(1)).doesNotContain("(0 cached)");
        } finally {
            System.setIn(in);
        }
    }

    /** stories260K (shared/models/SOURCE.txt): a real base model with no chat template; skipped when absent. */
    static Path stories260K() {
        Path file = Path.of("../../shared/models/stories260K.gguf").toAbsolutePath().normalize();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(file), "no " + file);
        return file;
    }

    @Test
    void generateContinuesABaseModelsPromptAsLlamaCppDoes() {
        Object[] out = KeysCommandTest.run("generate", "--model", stories260K().toString(), "--prompt",
                "Once upon a time", "--temperature", "0", "--repeat-penalty", "1", "--max-tokens", "40",
                "--data-dir", dir.resolve("data").toString());
        assertThat(out[0]).as("exit code; stderr: %s", out[2]).isEqualTo(0);
        assertThat((String) out[1]).isEqualTo(", there was a little girl named Lily. She loved to play outside in the "
                + "park. One day, she saw a big, red ball." + System.lineSeparator());
    }

    @Test
    void chatWithABaseModelIsRefusedAtOnceSayingItHasNoChatTemplate() {
        InputStream in = System.in;
        try {
            System.setIn(new ByteArrayInputStream("hello\n/exit\n".getBytes(StandardCharsets.UTF_8)));
            Object[] out = KeysCommandTest.run("chat", "--model", stories260K().toString(), "--data-dir",
                    dir.resolve("data").toString());
            assertThat(out[0]).isNotEqualTo(0);
            assertThat((String) out[2]).contains("cannot chat").contains("no tokenizer.chat_template")
                    .contains("base model");
            assertThat((String) out[1]).doesNotContain("prompt tokens");
        } finally {
            System.setIn(in);
        }
    }

    @Test
    void anUnknownModelNameSaysWhereItLooked() {
        Object[] out = KeysCommandTest.run("generate", "--model", "nope", "--prompt", "x", "--data-dir",
                dir.resolve("data").toString());
        assertThat(out[0]).isNotEqualTo(0);
        assertThat((String) out[2]).contains("no local model 'nope'").contains("bastion model pull");
    }
}
