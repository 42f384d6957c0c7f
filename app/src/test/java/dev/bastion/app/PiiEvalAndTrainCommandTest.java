package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PiiEvalAndTrainCommandTest {
    @TempDir
    Path dir;

    @Test
    void evalPiiPrintsEveryModeWithPerTypeRowsAndTheSpeed() throws Exception {
        Path data = dir.resolve("samples.json");
        Files.writeString(data, """
                [{"full_text": "Mail jane.doe@example.org or write to Anna Schmidt.",
                  "spans": [{"entity_type": "EMAIL_ADDRESS", "start_position": 5, "end_position": 25},
                            {"entity_type": "PERSON", "start_position": 38, "end_position": 50}]},
                 {"full_text": "Nothing personal here.", "spans": []}]
                """);
        Object[] r = KeysCommandTest.run("eval", "pii", "--data", data.toString(), "--rounds", "1");
        assertThat(r[0]).as((String) r[2]).isEqualTo(0);
        String out = (String) r[1];
        assertThat(out).contains("2 sentences:", "sentences/s median", "token level, strict",
                "strict + presidio-research skip words", "presidio-research mapping", "exact span");
        assertThat(out.lines().filter(l -> l.strip().startsWith("EMAIL_ADDRESS")))
                .allMatch(l -> l.contains("1.000    1.000"));
    }

    @Test
    void evalPiiOnAFileThatIsNotAnArrayFailsWithTheReason() throws Exception {
        Path data = dir.resolve("bad.json");
        Files.writeString(data, "{\"full_text\": \"x\"}");
        Object[] r = KeysCommandTest.run("eval", "pii", "--data", data.toString());
        assertThat(r[0]).isEqualTo(2);
        assertThat((String) r[2]).contains("is not a JSON array");
    }

    @Test
    void trainPiiNamesWritesAModelAndPrintsItsRecipe() throws Exception {
        Path model = dir.resolve("names.bin.gz");
        Object[] r = KeysCommandTest.run("train", "pii-names", "--out", model.toString(), "--seed", "4",
                "--sentences", "800", "--epochs", "1");
        assertThat(r[0]).as((String) r[2]).isEqualTo(0);
        assertThat((String) r[1]).contains("trained on 800 generated sentences, 1 epochs, seed 4")
                .contains("recipe: bastion train pii-names --seed 4 --sentences 800 --epochs 1");
        assertThat(Files.size(model)).isGreaterThan(1000);
    }
}
