package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.gateway.api.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlHeCommandTest {
    @TempDir
    Path dir;

    private Path loans() throws Exception {
        return FlCommandTest.loans(dir);
    }

    @Test
    void simulateWithHomomorphicAggregationDealsAKeyLearnsAndWritesReportsButNoUpdate() throws Exception {
        Path out = dir.resolve("run");
        Object[] r = KeysCommandTest.run("fl", "simulate", "--data", loans().toString(), "--label", "repaid",
                "--split-by", "region", "--clients", "5", "--rounds", "2", "--secagg", "he", "--he-bits", "512",
                "--insecure-seed", "3", "--central-epochs", "0", "--out", out.toString());
        assertThat(r[0]).as((String) r[2]).isEqualTo(0);
        assertThat((String) r[1]).contains("dealer: 512-bit n").contains("4-of-5").contains("federated accuracy");
        JsonNode model = Json.MAPPER.readTree(out.resolve("model.json").toFile());
        assertThat(model.get("secagg").asText()).isEqualTo("he");
        assertThat(model.get("test_accuracy").asDouble()).isGreaterThan(0.8);
        for (int round = 1; round <= 2; round++) {
            JsonNode report = Json.MAPPER.readTree(out.resolve("rounds").resolve("00" + round + ".json").toFile());
            assertThat(report.get("stages").size()).isEqualTo(2);
            assertThat(report.get("decryptors").size()).isEqualTo(4);
            assertThat(report.has("parameters") || report.has("update")).isFalse();
        }
    }

    @Test
    void homomorphicAggregationRefusesToCombineWithDp() throws Exception {
        Object[] r = KeysCommandTest.run("fl", "simulate", "--data", loans().toString(), "--label", "repaid",
                "--secagg", "he", "--he-bits", "512", "--dp", "central");
        assertThat(r[0]).isNotEqualTo(0);
        assertThat((String) r[2]).contains("does not combine with --dp");
    }
}
