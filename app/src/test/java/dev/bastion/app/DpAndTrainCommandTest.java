package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.gateway.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DpAndTrainCommandTest {
    @TempDir
    Path dir;

    private Path salaries() throws Exception {
        StringBuilder csv = new StringBuilder("employee,salary,team\n");
        Random r = new Random(1);
        for (int i = 0; i < 3000; i++) {
            csv.append("e").append(i).append(',').append(30000 + r.nextInt(40000)).append(',')
                    .append(i % 2 == 0 ? "red" : "blue").append('\n');
        }
        Path file = dir.resolve("salaries.csv");
        Files.writeString(file, csv);
        return file;
    }

    @Test
    void queriesAreChargedToTheLedgerUntilTheBudgetIsSpentThenRefusedAndAudited() throws Exception {
        Path data = salaries();
        String dd = dir.resolve("data").toString();
        Object[] set = KeysCommandTest.run("dp", "budget", "--data-dir", dd, "--dataset", "hr", "--set-total", "1");
        assertThat(set[0]).isEqualTo(0);
        assertThat((String) set[1]).contains("spent epsilon 0 of 1");
        Object[] mean = KeysCommandTest.run("dp", "query", "--data-dir", dd, "--data", data.toString(), "--query",
                "mean", "--column", "salary", "--bounds", "0,100000", "--epsilon", "0.6", "--dataset", "hr",
                "--format", "json");
        assertThat(mean[0]).as((String) mean[2]).isEqualTo(0);
        JsonNode json = Json.MAPPER.readTree((String) mean[1]);
        double value = json.get("rows").get(0).get("value").asDouble();
        assertThat(value).isBetween(45000.0, 55000.0);
        assertThat(json.get("rows").get(0).get("lower").asDouble()).isLessThanOrEqualTo(value);
        assertThat(json.get("ledger").asText()).contains("0.4 remains");
        Object[] refused = KeysCommandTest.run("dp", "query", "--data-dir", dd, "--data", data.toString(), "--query",
                "count", "--epsilon", "0.5", "--dataset", "hr");
        assertThat(refused[0]).isEqualTo(3);
        assertThat((String) refused[2]).contains("refused").contains("0.4 remains");
        assertThat((String) refused[1]).isEmpty();
        Object[] status = KeysCommandTest.run("dp", "budget", "--data-dir", dd, "--dataset", "hr");
        assertThat((String) status[1]).contains("#0").contains("mean(salary)").doesNotContain("#1");
        Object[] audit = KeysCommandTest.run("audit", "tail", "--data-dir", dd, "-n", "5");
        assertThat((String) audit[1]).contains("dp.charge").contains("dp.budget.set");
    }

    @Test
    void groupedCountsWithoutDeltaAreAnErrorThatSaysWhy() throws Exception {
        Object[] r = KeysCommandTest.run("dp", "query", "--data-dir", dir.resolve("data").toString(), "--data",
                salaries().toString(), "--query", "count", "--group-by", "team", "--epsilon", "1");
        assertThat(r[0]).isEqualTo(1);
        assertThat((String) r[2]).contains("needs delta > 0");
    }

    @Test
    void trainWritesAModelWithItsPrivacyReport() throws Exception {
        StringBuilder csv = new StringBuilder("x1,x2,colour,label\n");
        Random r = new Random(2);
        for (int i = 0; i < 2000; i++) {
            int y = i % 2;
            csv.append(r.nextGaussian() + (y == 1 ? 2 : -2)).append(',').append(r.nextGaussian()).append(',')
                    .append(y == 1 ? "green" : "grey").append(',').append(y == 1 ? "yes" : "no").append('\n');
        }
        Files.writeString(dir.resolve("t.csv"), csv);
        Path model = dir.resolve("model.json");
        Object[] out = KeysCommandTest.run("train", "--data", dir.resolve("t.csv").toString(), "--label", "label",
                "--epsilon", "2", "--delta", "1e-5", "--epochs", "3", "--batch-size", "100", "--out", model.toString());
        assertThat(out[0]).as((String) out[2]).isEqualTo(0);
        assertThat((String) out[1]).contains("privacy: epsilon").contains("test accuracy");
        JsonNode m = Json.MAPPER.readTree(Files.readString(model));
        assertThat(m.get("privacy").get("epsilon").asDouble()).isLessThanOrEqualTo(2.0);
        assertThat(m.get("privacy").get("noise_multiplier").asDouble()).isGreaterThan(0.3);
        assertThat(m.get("test_accuracy").asDouble()).isGreaterThan(0.9);
        assertThat(m.get("parameters").size()).isEqualTo(2 * (2 + 2 + 1));
    }

    @Test
    void adversarialTrainingRecordsItsBudgetInTheModelAndAnEpsilonWithoutPgdIsAnError() throws Exception {
        StringBuilder csv = new StringBuilder("x1,x2,x3,label\n");
        Random r = new Random(3);
        for (int i = 0; i < 1500; i++) {
            int y = i % 2;
            csv.append(r.nextGaussian() + (y == 1 ? 1 : -1)).append(',').append(r.nextGaussian() * 0.3 + (y == 1
                    ? 0.2 : -0.2)).append(',').append(r.nextGaussian() * 0.3 + (y == 1 ? 0.2 : -0.2)).append(',')
                    .append(y == 1 ? "yes" : "no").append('\n');
        }
        Files.writeString(dir.resolve("adv.csv"), csv);
        Path plain = dir.resolve("plain.json");
        Path madry = dir.resolve("madry.json");
        Object[] a = KeysCommandTest.run("train", "--data", dir.resolve("adv.csv").toString(), "--label", "label",
                "--epsilon", "inf", "--epochs", "5", "--model", "mlp", "--hidden", "16", "--insecure-seed", "1",
                "--adversarial", "pgd", "--adv-eps", "0.5", "--out", madry.toString());
        assertThat(a[0]).as((String) a[2]).isEqualTo(0);
        assertThat((String) a[1]).contains("adversarial training: pgd at L-inf 0.5");
        Object[] b = KeysCommandTest.run("train", "--data", dir.resolve("adv.csv").toString(), "--label", "label",
                "--epsilon", "inf", "--epochs", "5", "--model", "mlp", "--hidden", "16", "--insecure-seed", "1",
                "--out", plain.toString());
        assertThat(b[0]).as((String) b[2]).isEqualTo(0);
        JsonNode adv = Json.MAPPER.readTree(Files.readString(madry)).get("adversarial_training");
        assertThat(adv.get("attack").asText()).isEqualTo("pgd");
        assertThat(adv.get("epsilon").asDouble()).isEqualTo(0.5);
        assertThat(Json.MAPPER.readTree(Files.readString(plain)).has("adversarial_training")).isFalse();
        Object[] bad = KeysCommandTest.run("train", "--data", dir.resolve("adv.csv").toString(), "--label", "label",
                "--epsilon", "inf", "--adv-eps", "0.5");
        assertThat(bad[0]).isNotEqualTo(0);
        assertThat((String) bad[2]).contains("--adv-eps needs --adversarial pgd");
        Object[] none = KeysCommandTest.run("train", "--data", dir.resolve("adv.csv").toString(), "--label", "label",
                "--epsilon", "inf", "--epochs", "5", "--model", "mlp", "--hidden", "16", "--insecure-seed", "1",
                "--adversarial", "none", "--adv-eps", "0.5");
        assertThat(none[0]).as((String) none[2]).isEqualTo(0);
        assertThat((String) none[1]).contains("adversarial training: none; test accuracy under PGD-20 at L-inf 0.5");
    }
}
