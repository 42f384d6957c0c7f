package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.bastion.crypto.SigningKey;
import dev.bastion.gateway.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthCommandTest {
    @TempDir
    Path dir;

    /** region → job → age → income, pet independent; 1500 rows. */
    private Path people(String name, long seed) throws Exception {
        StringBuilder csv = new StringBuilder("region,job,age,pet,income\n");
        Random r = new Random(seed);
        String[] regions = {"north", "south", "east", "west"};
        for (int i = 0; i < 1500; i++) {
            int region = r.nextInt(4);
            int job = r.nextDouble() < 0.7 ? region % 3 : r.nextInt(3);
            long age = Math.clamp(Math.round(28 + 12 * job + 7 * r.nextGaussian()), 18, 90);
            csv.append(regions[region]).append(',').append("job").append(job).append(',').append(age).append(',')
                    .append(r.nextBoolean() ? "cat" : "dog").append(',')
                    .append(r.nextDouble() < 0.1 + (age > 45 ? 0.5 : 0) ? "high" : "low").append('\n');
        }
        Path file = dir.resolve(name);
        Files.writeString(file, csv);
        return file;
    }

    @Test
    void aReleaseIsChargedFirstSignedAuditedAndRefusedOnceTheBudgetIsSpent() throws Exception {
        Path data = people("people.csv", 1);
        String dd = dir.resolve("data").toString();
        assertThat(KeysCommandTest.run("dp", "budget", "--data-dir", dd, "--dataset", "people", "--set-total",
                "1,1e-6")[0]).isEqualTo(0);
        Path out = dir.resolve("synthetic.csv");
        Object[] made = KeysCommandTest.run("synth", "--data-dir", dd, "--data", data.toString(), "--epsilon", "1",
                "--delta", "1e-6", "--method", "mst", "--dataset", "people", "--out", out.toString(), "--format",
                "json");
        assertThat(made[0]).as((String) made[2]).isEqualTo(0);
        JsonNode result = Json.MAPPER.readTree((String) made[1]);
        assertThat(Files.readAllLines(out)).hasSize(result.get("rows").asInt() + 1);

        JsonNode signed = Json.MAPPER.readTree(dir.resolve("synthetic.csv.release.json").toFile());
        JsonNode record = signed.get("record");
        assertThat(record.get("method").asText()).isEqualTo("mst");
        assertThat(record.get("epsilon").asDouble()).isEqualTo(1.0);
        assertThat(record.get("marginals")).hasSize(5 + 4);
        assertThat(record.get("ledger").get("event_id").asText()).isEqualTo("people/row#0");
        assertThat(record.get("output").get("sha256").asText()).isEqualTo(SynthRelease.sha256(out));
        byte[] pub = SigningKey.publicKeyFromPem(Files.readString(dir.resolve("data/keys/release-signing.key.pub")));
        assertThat(SynthRelease.verify(signed, pub)).isTrue();
        ((com.fasterxml.jackson.databind.node.ObjectNode) record).put("epsilon", 0.5);
        assertThat(SynthRelease.verify(signed, pub)).as("a changed record no longer verifies").isFalse();

        // the ledger holds the release's charge: at most the epsilon asked for, and most of it
        double spent = record.get("ledger").get("spent_epsilon_after").asDouble();
        assertThat(spent).isLessThanOrEqualTo(1.0).isGreaterThan(0.8);
        Object[] status = KeysCommandTest.run("dp", "budget", "--data-dir", dd, "--dataset", "people");
        assertThat((String) status[1]).contains("#0").contains("synth mst eps=1.0 delta=1.0E-6").doesNotContain("#1");

        Path refusedOut = dir.resolve("refused.csv");
        Object[] refused = KeysCommandTest.run("synth", "--data-dir", dd, "--data", data.toString(), "--epsilon",
                "0.5", "--delta", "1e-7", "--dataset", "people", "--out", refusedOut.toString());
        assertThat(refused[0]).isEqualTo(3);
        assertThat((String) refused[2]).contains("refused");
        assertThat(refusedOut).doesNotExist();
        assertThat(dir.resolve("refused.csv.release.json")).doesNotExist();
        Object[] audit = KeysCommandTest.run("audit", "tail", "--data-dir", dd, "-n", "5");
        assertThat((String) audit[1]).contains("synth.release").contains("dp.charge");
    }

    @Test
    void theSameSeedWritesTheSameFile() throws Exception {
        Path data = people("people.csv", 2);
        String dd = dir.resolve("data").toString();
        KeysCommandTest.run("dp", "budget", "--data-dir", dd, "--dataset", "p", "--set-total", "10,1e-5");
        for (String name : new String[] {"a.csv", "b.csv"}) {
            Object[] r = KeysCommandTest.run("synth", "--data-dir", dd, "--data", data.toString(), "--epsilon", "1",
                    "--delta", "1e-6", "--dataset", "p", "--seed", "42", "--out", dir.resolve(name).toString());
            assertThat(r[0]).as((String) r[2]).isEqualTo(0);
        }
        assertThat(Files.readString(dir.resolve("a.csv"))).isEqualTo(Files.readString(dir.resolve("b.csv")));
    }

    @Test
    void evalReportsFidelityUtilityAndRisksAsJsonAndHtml() throws Exception {
        Path real = people("real.csv", 3);
        Path holdout = people("holdout.csv", 4);
        String dd = dir.resolve("data").toString();
        KeysCommandTest.run("dp", "budget", "--data-dir", dd, "--dataset", "r", "--set-total", "2,1e-5");
        Path syn = dir.resolve("syn.csv");
        assertThat(KeysCommandTest.run("synth", "--data-dir", dd, "--data", real.toString(), "--epsilon", "1",
                "--delta", "1e-6", "--dataset", "r", "--seed", "1", "--out", syn.toString())[0]).isEqualTo(0);
        Path html = dir.resolve("report.html");
        Object[] eval = KeysCommandTest.run("synth", "eval", "--real", real.toString(), "--synthetic", syn.toString(),
                "--holdout", holdout.toString(), "--attacks", "200", "--format", "json", "--html", html.toString());
        assertThat(eval[0]).as((String) eval[2]).isEqualTo(0);
        Path json = dir.resolve("eval.json");
        Files.writeString(json, (String) eval[1]);
        // the assessment contract of bastion assess, kind "synthetic"
        JsonNode e = Json.MAPPER.readTree(json.toFile());
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(
                Files.readString(Path.of("..", "docs", "schemas", "bastion-assessment-v1.schema.json")));
        assertThat(schema.validate(e)).as(e.toPrettyString()).isEmpty();
        assertThat(e.get("kind").asText()).isEqualTo("synthetic");
        assertThat(e.get("data").get("sha256").asText()).isEqualTo(SynthRelease.sha256(real));
        assertThat(e.get("options").get("synthetic_sha256").asText()).isEqualTo(SynthRelease.sha256(syn));
        assertThat(e.get("verdict").get("result").asText()).isEqualTo("pass");
        assertThat(metric(e, "tv_2way", "")).isBetween(0.0, 0.3);
        assertThat(metric(e, "accuracy", "trained_on_synthetic")).isBetween(0.0, 1.0);
        // few columns of few values: many rows equal some real row, but training rows no more often than holdout rows
        assertThat(metric(e, "exact_copies", "training")).isCloseTo(
                metric(e, "exact_copies", "holdout"), org.assertj.core.api.Assertions.within(0.08));
        assertThat(e.get("metrics").findValuesAsText("attack")).contains("singling-out (univariate)", "linkability",
                "inference (income)");
        assertThat(Files.readString(html)).contains("tv_2way").contains("singling-out");

        // --fail-on turns a metric beyond its limit into exit code 3 and a failed verdict
        Object[] failed = KeysCommandTest.run("synth", "eval", "--real", real.toString(), "--synthetic",
                syn.toString(), "--holdout", holdout.toString(), "--attacks", "50", "--format", "json", "--fail-on",
                "tv_1way>0");
        assertThat(failed[0]).as((String) failed[2]).isEqualTo(3);
        assertThat(Json.MAPPER.readTree((String) failed[1]).get("verdict").get("result").asText()).isEqualTo("fail");
    }

    @Test
    void anAimReleaseIsChargedItsWholeEpsilonFirstRecordsTheRoundsItRanAndIsRefusedOverBudget() throws Exception {
        Path data = people("people.csv", 5);
        String dd = dir.resolve("data").toString();
        KeysCommandTest.run("dp", "budget", "--data-dir", dd, "--dataset", "a", "--set-total", "1.5,1e-5");
        Path out = dir.resolve("aim.csv");
        Object[] made = KeysCommandTest.run("synth", "--data-dir", dd, "--data", data.toString(), "--epsilon", "1",
                "--delta", "1e-6", "--method", "aim", "--dataset", "a", "--seed", "3", "--out", out.toString(),
                "--format", "json");
        assertThat(made[0]).as((String) made[2]).isEqualTo(0);
        JsonNode record = Json.MAPPER.readTree(dir.resolve("aim.csv.release.json").toFile()).get("record");
        assertThat(record.get("method").asText()).isEqualTo("aim");
        assertThat(record.get("ledger").get("events").asText()).isEqualTo("approximate(eps=1, delta=1e-06)");
        assertThat(record.get("ledger").get("spent_epsilon_after").asDouble()).isEqualTo(1.0);
        int rounds = record.get("rounds").asInt();
        // bins of the one numeric column, the 5 one-way marginals, then a selection and a measurement per round
        assertThat(record.get("mechanisms")).hasSize(1 + 5 + 2 * rounds);
        assertThat(record.get("marginals")).hasSize(5 + rounds);
        assertThat(Files.readAllLines(out)).hasSizeGreaterThan(1000);

        Path refusedOut = dir.resolve("aim-refused.csv");
        Object[] refused = KeysCommandTest.run("synth", "--data-dir", dd, "--data", data.toString(), "--epsilon",
                "1", "--delta", "1e-6", "--method", "aim", "--dataset", "a", "--out", refusedOut.toString());
        assertThat(refused[0]).isEqualTo(3);
        assertThat((String) refused[2]).contains("refused");
        assertThat(refusedOut).doesNotExist();
    }

    @Test
    void theThreeWayWorkloadIsForAimAndItsChoicesAreRecorded() throws Exception {
        Path data = people("people.csv", 6);
        String dd = dir.resolve("data").toString();
        KeysCommandTest.run("dp", "budget", "--data-dir", dd, "--dataset", "w", "--set-total", "1.5,1e-5");
        Object[] wrong = KeysCommandTest.run("synth", "--data-dir", dd, "--data", data.toString(), "--epsilon", "1",
                "--delta", "1e-6", "--method", "mst", "--workload", "3", "--dataset", "w", "--out",
                dir.resolve("mst.csv").toString());
        assertThat(wrong[0]).isNotEqualTo(0);
        assertThat((String) wrong[2]).contains("--workload is for --method aim");
        assertThat(dir.resolve("mst.csv")).doesNotExist();

        Object[] made = KeysCommandTest.run("synth", "--data-dir", dd, "--data", data.toString(), "--epsilon", "1",
                "--delta", "1e-6", "--method", "aim", "--workload", "3", "--dataset", "w", "--seed", "4", "--out",
                dir.resolve("aim3.csv").toString());
        assertThat(made[0]).as((String) made[2]).isEqualTo(0);
        JsonNode record = Json.MAPPER.readTree(dir.resolve("aim3.csv.release.json").toFile()).get("record");
        // the whole budget was charged for this release (the refused mst run charged nothing)
        assertThat(record.get("ledger").get("spent_epsilon_after").asDouble()).isEqualTo(1.0);
        for (JsonNode set : record.get("tree")) {
            assertThat(set.size()).isBetween(2, 3);
        }
        for (JsonNode m : record.get("marginals")) {
            assertThat(m.get("columns").size()).isBetween(1, 3);
        }
    }

    /** The value of the first metric named {@code name} with slice {@code slice} ("" for none). */
    private static double metric(JsonNode doc, String name, String slice) {
        for (JsonNode m : doc.path("metrics")) {
            if (m.path("name").asText().equals(name) && m.path("slice").asText().equals(slice)) {
                return m.path("value").asDouble();
            }
        }
        throw new AssertionError("no metric " + name + " with slice '" + slice + "'");
    }
}
