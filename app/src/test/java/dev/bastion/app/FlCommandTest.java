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
        assertThat((String) r[2]).contains("off, full or plus");
    }
}
