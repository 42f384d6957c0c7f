package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.gateway.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlCommandTest {
    @TempDir
    Path dir;

    private Path loans() throws Exception {
        return loans(dir);
    }

    /**
     * 1,500 loan rows in {@code dir}/loans.csv: repaid follows income minus debt with noise, five regions in turn
     * (one site per region when split by it). Shared with the other {@code fl} command tests.
     */
    static Path loans(Path dir) throws Exception {
        StringBuilder csv = new StringBuilder("income,debt,region,repaid\n");
        Random r = new Random(2);
        String[] regions = {"north", "south", "east", "west", "centre"};
        for (int i = 0; i < 1500; i++) {
            double income = r.nextGaussian();
            double debt = r.nextGaussian();
            boolean repaid = income - debt + 0.5 * r.nextGaussian() > 0;
            csv.append(String.format(java.util.Locale.ROOT, "%.3f,%.3f,%s,%s%n", income, debt, regions[i % 5],
                    repaid ? "yes" : "no"));
        }
        Path file = dir.resolve("loans.csv");
        Files.writeString(file, csv);
        return file;
    }

    @Test
    void simulateSplitsByAColumnAndWritesTheModelAndOneReportPerRoundButNoUpdate() throws Exception {
        Path out = dir.resolve("run");
        Object[] r = KeysCommandTest.run("fl", "simulate", "--data", loans().toString(), "--label", "repaid",
                "--split-by", "region", "--clients", "5", "--rounds", "3", "--secagg", "full", "--dropout", "0.1",
                "--insecure-seed", "3", "--out", out.toString());
        assertThat(r[0]).as((String) r[2]).isEqualTo(0);
        assertThat((String) r[1]).contains("in 5 clients").contains("federated accuracy").contains("central accuracy");
        JsonNode model = Json.MAPPER.readTree(out.resolve("model.json").toFile());
        assertThat(model.get("test_accuracy").asDouble()).isGreaterThan(0.8);
        assertThat(model.get("parameters").size()).isEqualTo(2 * (2 + 5 + 1));
        for (int round = 1; round <= 3; round++) {
            JsonNode report = Json.MAPPER.readTree(out.resolve("rounds").resolve("00" + round + ".json").toFile());
            assertThat(report.get("stages").size()).isEqualTo(5);
            assertThat(report.get("bytes_up_per_client").asDouble()).isPositive();
            assertThat(report.has("parameters") || report.has("update")).isFalse();
        }
    }

    @Test
    void boundsPrintsKAndTForEachSetting() {
        Object[] r = KeysCommandTest.run("fl", "bounds", "--clients", "1000", "--corrupt", "0.05", "--dropout", "0.1");
        assertThat(r[0]).isEqualTo(0);
        assertThat((String) r[1]).contains("clients  corrupt  dropout     k     t").contains("   1000    0.050    0.100");
    }

    @Test
    void anUnknownAggregationModeIsAnErrorThatNamesTheChoices() throws Exception {
        Object[] r = KeysCommandTest.run("fl", "simulate", "--data", loans().toString(), "--label", "repaid",
                "--secagg", "homomorphic");
        assertThat(r[0]).isNotEqualTo(0);
        assertThat((String) r[2]).contains("off, full, session or plus");
    }

    @Test
    void sessionKeysRunPlainFedAvgWithDropoutsAndAreRefusedWithDp() throws Exception {
        Path out = dir.resolve("session");
        Object[] r = KeysCommandTest.run("fl", "simulate", "--data", loans().toString(), "--label", "repaid",
                "--split-by", "region", "--clients", "5", "--rounds", "3", "--secagg", "session", "--dropout", "0.1",
                "--insecure-seed", "3", "--out", out.toString());
        assertThat(r[0]).as((String) r[2]).isEqualTo(0);
        assertThat((String) r[1]).contains("secagg session").contains("aggregate-cpu");
        JsonNode model = Json.MAPPER.readTree(out.resolve("model.json").toFile());
        assertThat(model.get("test_accuracy").asDouble()).isGreaterThan(0.8);
        JsonNode report = Json.MAPPER.readTree(out.resolve("rounds").resolve("002.json").toFile());
        assertThat(report.get("aggregation_cpu_seconds").asDouble()).isPositive();
        Object[] refused = KeysCommandTest.run("fl", "simulate", "--data", loans().toString(), "--label", "repaid",
                "--secagg", "session", "--dp", "central");
        assertThat(refused[0]).isNotEqualTo(0);
        assertThat((String) refused[2]).contains("--secagg session runs plain FedAvg");
    }

    @Test
    void dpSimulationChargesTheLedgerFirstAndIsRefusedWithNothingWrittenOverBudget() throws Exception {
        String dd = dir.resolve("data").toString();
        assertThat(KeysCommandTest.run("dp", "budget", "--data-dir", dd, "--dataset", "loans", "--privacy-unit",
                "user", "--set-total", "2.1,1e-5")[0]).isEqualTo(0);
        Path out = dir.resolve("dp-run");
        Object[] r = KeysCommandTest.run("fl", "simulate", "--data-dir", dd, "--data", loans().toString(), "--label",
                "repaid", "--clients", "100", "--rounds", "5", "--dp", "distributed", "--epsilon", "2", "--users-per-round",
                "20", "--dataset", "loans", "--secagg", "off", "--insecure-seed", "4", "--central-epochs", "0",
                "--learning-rate", "0.5", "--out", out.toString());
        assertThat(r[0]).as((String) r[2]).isEqualTo(0);
        assertThat((String) r[1]).contains("noise multiplier z =").contains("with sampling amplification")
                .contains("without it").contains("ledger loans (unit: user): spent epsilon");
        JsonNode model = Json.MAPPER.readTree(out.resolve("model.json").toFile());
        assertThat(model.get("dp").get("epsilon_with_amplification").asDouble()).isLessThanOrEqualTo(2.0);
        assertThat(model.get("test_accuracy").asDouble()).isGreaterThan(0.7);
        Path refusedOut = dir.resolve("refused-run");
        Object[] refused = KeysCommandTest.run("fl", "simulate", "--data-dir", dd, "--data", loans().toString(),
                "--label", "repaid", "--clients", "100", "--rounds", "5", "--dp", "central", "--epsilon", "2",
                "--users-per-round", "20", "--dataset", "loans", "--out", refusedOut.toString());
        assertThat(refused[0]).isEqualTo(ExitCodes.REFUSED);
        assertThat((String) refused[2]).contains("refused");
        assertThat(Files.exists(refusedOut)).isFalse();
    }

    @Test
    void robustSimulationWithAnAttackerPrintsTheRuleAndTheAttack() throws Exception {
        Object[] r = KeysCommandTest.run("fl", "simulate", "--data", loans().toString(), "--label", "repaid",
                "--clients", "10", "--rounds", "3", "--robust", "median", "--group-size", "3", "--secagg", "full",
                "--malicious", "1:signflip-scale10", "--insecure-seed", "2", "--central-epochs", "0");
        assertThat(r[0]).as((String) r[2]).isEqualTo(0);
        assertThat((String) r[1]).contains("aggregation median over random groups of at least 3")
                .contains("1 malicious (sign-flip-scale10)").contains("federated accuracy");
        Object[] bad = KeysCommandTest.run("fl", "simulate", "--data", loans().toString(), "--label", "repaid",
                "--robust", "median", "--secagg", "full");
        assertThat(bad[0]).isNotEqualTo(0);
        assertThat((String) bad[2]).contains("--group-size of at least 3");
    }
}
