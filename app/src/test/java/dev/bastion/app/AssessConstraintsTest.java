package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AssessConstraintsTest {
    @TempDir
    Path dir;

    /** Adult-like rows: integer age and hours, categorical work, education, race and sex; income by most of them. */
    static List<String> adultLike(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        String[] education = {"HS-grad", "Some-college", "Bachelors", "Masters"};
        String[] race = {"White", "Black", "Asian-Pac-Islander", "Other"};
        List<String> lines = new ArrayList<>(List.of("age,workclass,education,race,sex,hours,income"));
        for (int i = 0; i < n; i++) {
            int age = 17 + r.nextInt(74);
            int hours = 10 + r.nextInt(60);
            int edu = r.nextInt(education.length);
            boolean male = r.nextBoolean();
            double score = 0.04 * (age - 40) + 0.05 * (hours - 40) + 0.6 * (edu - 1.5) + (male ? 0.7 : -0.7)
                    + r.nextGaussian() * 0.8;
            lines.add(String.format(Locale.ROOT, "%d,%s,%s,%s,%s,%d,%s", age, r.nextBoolean() ? "Private" : "Gov",
                    education[edu], race[r.nextInt(race.length)], male ? "Male" : "Female", hours,
                    score > 0 ? ">50K" : "<=50K"));
        }
        return lines;
    }

    @Test
    void constrainedAttacksAreNoStrongerAndTheUnconstrainedOnesLeaveInfeasibleRows() throws IOException {
        AssessCommandTest.schema = com.networknt.schema.JsonSchemaFactory.getInstance(
                com.networknt.schema.SpecVersion.VersionFlag.V202012).getSchema(
                Files.readString(Path.of("..", "docs", "schemas", "bastion-assessment-v1.schema.json")));
        Path csv = dir.resolve("adult-like.csv");
        Files.write(csv, adultLike(800, 1));
        Path json = dir.resolve("rob.json");
        Object[] r = KeysCommandTest.run("assess", "robustness", "--data-dir", dir.resolve("home").toString(),
                "--data", csv.toString(), "--label", "income", "--model", "mlp", "--epsilon", "inf", "--epochs", "10",
                "--epsilons", "0.25,0.5", "--steps", "10", "--min-norm-limit", "20", "--immutable", "age,sex,race",
                "--json", json.toString());
        assertThat(r[0]).as((String) r[2]).isEqualTo(0);
        System.out.println("adult-like robustness: " + ((String) r[2]).strip());
        JsonNode doc = AssessCommandTest.valid(json);
        for (double eps : new double[] {0.25, 0.5}) {
            assertThat(at(doc, "infeasible_rows", "pgd", eps)).isGreaterThan(0);
            assertThat(at(doc, "accuracy", "pgd_constrained", eps)).isGreaterThanOrEqualTo(at(doc, "accuracy", "pgd",
                    eps));
            assertThat(at(doc, "accuracy", "fgsm_constrained", eps)).isGreaterThanOrEqualTo(at(doc, "accuracy",
                    "fgsm", eps));
        }
        assertThat(AssessCommandTest.attackMetric(doc, "success_rate", "cw_constrained"))
                .isLessThanOrEqualTo(AssessCommandTest.attackMetric(doc, "success_rate", "cw"));
    }

    static double at(JsonNode doc, String name, String attack, double eps) {
        for (JsonNode m : doc.path("metrics")) {
            if (m.path("name").asText().equals(name) && m.path("attack").asText().equals(attack)
                    && Math.abs(m.path("at").asDouble() - eps) < 1e-12) {
                return m.path("value").asDouble();
            }
        }
        throw new AssertionError("no metric " + name + " for " + attack + " at " + eps);
    }
}
