package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code assess robustness --attack-rows}: which rows the evasion attacks run on (for fixed-size speed runs). */
class AssessRobustnessRowsTest {
    @TempDir
    static Path dir;
    static Path points;

    @BeforeAll
    static void fixture() throws IOException {
        Random random = new Random(9);
        List<String> rows = new ArrayList<>(List.of("a,b,c,label"));
        for (int i = 0; i < 300; i++) {
            double a = random.nextGaussian();
            double b = random.nextGaussian();
            rows.add(String.format(java.util.Locale.ROOT, "%.4f,%.4f,%.4f,%s", a, b, random.nextGaussian(),
                    a - b > 0 ? "up" : "down"));
        }
        points = dir.resolve("points.csv");
        Files.write(points, rows);
    }

    private static JsonNode run(String name, String... extra) throws IOException {
        return run(name, points, extra);
    }

    private static JsonNode run(String name, Path data, String... extra) throws IOException {
        Path json = dir.resolve(name + ".json");
        List<String> args = new ArrayList<>(List.of("assess", "robustness", "--data-dir",
                dir.resolve("home").toString(), "--data", data.toString(), "--label", "label", "--epochs", "3",
                "--epsilons", "0.5", "--steps", "5", "--min-norm-limit", "0", "--json", json.toString()));
        args.addAll(List.of(extra));
        Object[] r = KeysCommandTest.run(args.toArray(String[]::new));
        assertThat(r[0]).as((String) r[2]).isEqualTo(0);
        return new ObjectMapper().readTree(json.toFile());
    }

    @Test
    void aModelThatLearnedNothingTurnsTheVerdictIntoAWarning() throws IOException {
        Random random = new Random(10);
        List<String> rows = new ArrayList<>(List.of("a,b,c,label"));
        for (int i = 0; i < 300; i++) { // labels drawn apart from the features: nothing to learn
            rows.add(String.format(java.util.Locale.ROOT, "%.4f,%.4f,%.4f,%s", random.nextGaussian(),
                    random.nextGaussian(), random.nextGaussian(), random.nextBoolean() ? "up" : "down"));
        }
        Path noise = Files.write(dir.resolve("noise.csv"), rows);
        JsonNode doc = run("noise", noise);
        assertThat(doc.path("verdict").path("result").asText()).isEqualTo("warn");
        assertThat(doc.path("verdict").path("rules").toString()).contains("held_out_accuracy>");
        JsonNode learned = run("learned");
        assertThat(learned.path("verdict").path("result").asText()).isEqualTo("pass");
        assertThat(learned.path("metrics").toString()).contains("held_out");
    }

    @Test
    void byDefaultOnlyTheHeldOutFifthIsAttacked() throws IOException {
        JsonNode doc = run("held-out");
        assertThat(doc.path("options").path("rows").asInt()).isEqualTo(60);
        assertThat(doc.path("options").path("attack_rows").asText()).isEqualTo("held-out");
    }

    @Test
    void attackRowsAllAttacksTrainingAndHeldOutRowsUpToTheLimit() throws IOException {
        assertThat(run("all", "--attack-rows", "all").path("options").path("rows").asInt()).isEqualTo(300);
        assertThat(run("all-limited", "--attack-rows", "all", "--limit", "100").path("options").path("rows").asInt())
                .isEqualTo(100);
    }

    @Test
    void anUnknownAttackRowsValueIsBadInput() {
        Object[] r = KeysCommandTest.run("assess", "robustness", "--data-dir", dir.resolve("home").toString(),
                "--data", points.toString(), "--label", "label", "--attack-rows", "train-only", "--min-norm-limit",
                "0");
        assertThat(r[0]).isEqualTo(2);
        assertThat((String) r[2]).contains("--attack-rows is held-out or all");
    }
}
