package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AssessCommandTest {
    @TempDir
    static Path dir;
    static Path decisions;
    static Path points;
    static JsonSchema schema;

    @BeforeAll
    static void fixtures() throws IOException {
        schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(
                Files.readString(Path.of("..", "docs", "schemas", "bastion-assessment-v1.schema.json")));
        // ProPublica's published COMPAS confusion tables, one row per defendant (outcome, decision, race).
        List<String> lines = new ArrayList<>(List.of("reoffended,high_risk,race,sex"));
        addRows(lines, "African-American", 1369, 805, 532, 990);
        addRows(lines, "Caucasian", 505, 349, 461, 1139);
        decisions = dir.resolve("compas.csv");
        Files.write(decisions, lines);
        Random random = new Random(5);
        List<String> rows = new ArrayList<>(List.of("a,b,c,d,label"));
        for (int i = 0; i < 300; i++) {
            double a = random.nextGaussian();
            double b = random.nextGaussian();
            rows.add(String.format(java.util.Locale.ROOT, "%.4f,%.4f,%.4f,%.4f,%s", a, b, random.nextGaussian(),
                    random.nextGaussian(), a + b > 0 ? "yes" : "no"));
        }
        points = dir.resolve("points.csv");
        Files.write(points, rows);
    }

    static void addRows(List<String> lines, String race, int tp, int fp, int fn, int tn) {
        int[][] cells = {{tp, 1, 1}, {fp, 0, 1}, {fn, 1, 0}, {tn, 0, 0}};
        int i = 0;
        for (int[] c : cells) {
            for (int k = 0; k < c[0]; k++) {
                lines.add((c[1] == 1 ? "yes" : "no") + "," + (c[2] == 1 ? "yes" : "no") + "," + race + ","
                        + (i++ % 5 == 0 ? "Female" : "Male"));
            }
        }
    }

    static JsonNode valid(Path json) throws IOException {
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        Set<ValidationMessage> errors = schema.validate(doc);
        assertThat(errors).as(doc.toPrettyString()).isEmpty();
        return doc;
    }

    static double metric(JsonNode doc, String name, String slice) {
        for (JsonNode m : doc.path("metrics")) {
            if (m.path("name").asText().equals(name) && m.path("slice").asText().equals(slice)) {
                return m.path("value").asDouble();
            }
        }
        throw new AssertionError("no metric " + name + " for " + slice);
    }

    @Test
    void fairnessOfCompasDecisionsMatchesProPublicaAndValidatesAgainstTheSchema() throws IOException {
        Path json = dir.resolve("fair.json");
        Path html = dir.resolve("fair.html");
        Object[] r = KeysCommandTest.run("assess", "fairness", "--data-dir", dir.resolve("home").toString(), "--data", decisions.toString(), "--label",
                "reoffended", "--prediction", "high_risk", "--positive", "yes", "--sensitive", "race", "--privileged",
                "Caucasian", "--bootstrap", "100", "--json", json.toString(), "--html", html.toString());
        assertThat(r[0]).as((String) r[2]).isEqualTo(0);
        JsonNode doc = valid(json);
        assertThat(metric(doc, "fpr", "African-American")).isCloseTo(0.4485, org.assertj.core.api.Assertions.within(5e-5));
        assertThat(metric(doc, "fnr", "Caucasian")).isCloseTo(0.4772, org.assertj.core.api.Assertions.within(5e-5));
        String page = Files.readString(html);
        assertThat(page).contains("African-American").doesNotContain("<script").doesNotContainPattern("https?://(?!www\\.w3\\.org/2000/svg)");
    }

    @Test
    void intersectionsOfTwoSensitiveColumnsAreGroups() throws IOException {
        Path json = dir.resolve("inter.json");
        Object[] r = KeysCommandTest.run("assess", "fairness", "--data-dir", dir.resolve("home").toString(), "--data", decisions.toString(), "--label",
                "reoffended", "--prediction", "high_risk", "--positive", "yes", "--sensitive", "race,sex",
                "--bootstrap", "0", "--json", json.toString());
        assertThat(r[0]).as((String) r[2]).isIn(0);
        JsonNode doc = valid(json);
        assertThat(metric(doc, "n", "African-American & Female") + metric(doc, "n", "African-American & Male"))
                .isEqualTo(1369 + 805 + 532 + 990);
    }

    @Test
    void aBrokenFailOnRuleExitsThreeAndBadInputExitsTwo() {
        Object[] broken = KeysCommandTest.run("assess", "fairness", "--data-dir", dir.resolve("home").toString(), "--data", decisions.toString(), "--label",
                "reoffended", "--prediction", "high_risk", "--positive", "yes", "--sensitive", "race", "--bootstrap",
                "0", "--fail-on", "fpr:African-American>0.3", "--json", dir.resolve("x.json").toString());
        assertThat(broken[0]).isEqualTo(3);
        Object[] verified = KeysCommandTest.run("audit", "verify", "--data-dir", dir.resolve("home").toString());
        assertThat(verified[0]).as((String) verified[2]).isEqualTo(0);
        Object[] shown = KeysCommandTest.run("audit", "tail", "--data-dir", dir.resolve("home").toString());
        assertThat((String) shown[1]).contains("assess.fairness").contains("verdict=fail");
        Object[] missing = KeysCommandTest.run("assess", "fairness", "--data-dir", dir.resolve("home").toString(), "--data", decisions.toString(), "--label",
                "nope", "--positive", "yes", "--sensitive", "race");
        assertThat(missing[0]).isEqualTo(2);
        assertThat((String) missing[2]).contains("no column 'nope'");
        Object[] rule = KeysCommandTest.run("assess", "fairness", "--data-dir", dir.resolve("home").toString(), "--data", decisions.toString(), "--label",
                "reoffended", "--positive", "yes", "--sensitive", "race", "--bootstrap", "0", "--fail-on",
                "no_such_metric>1", "--json", dir.resolve("y.json").toString());
        assertThat(rule[0]).isEqualTo(2);
        assertThat((String) rule[2]).contains("matches no metric");
    }

    @Test
    void membershipOfALinearModelWithCanariesIsAValidAssessment() throws IOException {
        Path json = dir.resolve("mem.json");
        Object[] r = KeysCommandTest.run("assess", "membership", "--data-dir", dir.resolve("home").toString(), "--data", points.toString(), "--label", "label",
                "--references", "4", "--epochs", "5", "--batch-size", "32", "--canaries", "10", "--fixed-variance",
                "--json", json.toString());
        assertThat(r[0]).as((String) r[2]).isEqualTo(0);
        JsonNode doc = valid(json);
        assertThat(doc.path("model").path("epsilon").asText()).isEqualTo("inf");
        assertThat(metric(doc, "target_accuracy", "non_members")).isGreaterThan(0.8);
        assertThat(doc.path("curves").size()).isGreaterThanOrEqualTo(4);
        // No feature value of the data reaches the report (the fixture is fixed by its seed).
        List<String> cells = Files.readAllLines(points).stream().skip(1).limit(100)
                .flatMap(l -> java.util.Arrays.stream(l.split(",")).limit(4)).filter(c -> c.length() >= 6).toList();
        assertThat(cells).hasSizeGreaterThan(300).noneMatch(c -> doc.toString().contains(c));
    }

    @Test
    void membershipWithGradedCanariesReportsEachKindAndRefusesAnUnknownRecipe() throws IOException {
        Path json = dir.resolve("mem-graded.json");
        Object[] r = KeysCommandTest.run("assess", "membership", "--data-dir", dir.resolve("home").toString(),
                "--data", points.toString(), "--label", "label", "--references", "4", "--epochs", "5",
                "--batch-size", "32", "--canaries", "40", "--canary-recipe", "graded", "--fixed-variance",
                "--json", json.toString());
        assertThat(r[0]).as((String) r[2]).isEqualTo(0);
        JsonNode doc = valid(json);
        assertThat(doc.path("options").path("canary_recipe").asText()).isEqualTo("graded");
        List<String> slices = new ArrayList<>();
        for (JsonNode m : doc.path("metrics")) {
            if (m.path("name").asText().equals("auc") && m.path("attack").asText().equals("lira_online")) {
                slices.add(m.path("slice").asText());
            }
        }
        assertThat(slices).contains("all", "canaries", "canaries:mislabelled", "canaries:noise-0.5",
                "canaries:noise-1", "canaries:noise-2");
        Object[] bad = KeysCommandTest.run("assess", "membership", "--data-dir", dir.resolve("home").toString(),
                "--data", points.toString(), "--label", "label", "--references", "2", "--canaries", "4",
                "--canary-recipe", "noisy");
        assertThat(bad[0]).isEqualTo(2);
        assertThat((String) bad[2]).contains("mislabelled or graded");
    }

    @Test
    void extractionSolvesALogisticRegressionFromDPlusOneQueries() throws IOException {
        Path json = dir.resolve("ext.json");
        Object[] r = KeysCommandTest.run("assess", "extraction", "--data-dir", dir.resolve("home").toString(),
                "--data", points.toString(), "--label", "label", "--epochs", "5", "--json", json.toString());
        assertThat(r[0]).as((String) r[2]).isEqualTo(0);
        JsonNode doc = valid(json);
        assertThat(metric(doc, "queries", "equation_solving")).isEqualTo(5); // 4 features + 1
        assertThat(metric(doc, "parameter_error", "equation_solving")).isLessThan(1e-6);
        assertThat(metric(doc, "agreement", "equation_solving")).isEqualTo(1.0);
        Path labels = dir.resolve("ext-labels.json");
        Object[] l = KeysCommandTest.run("assess", "extraction", "--data-dir", dir.resolve("home").toString(),
                "--data", points.toString(), "--label", "label", "--epochs", "5", "--oracle", "labels", "--budgets",
                "10,70", "--json", labels.toString());
        assertThat(l[0]).as((String) l[2]).isEqualTo(0);
        assertThat(valid(labels).path("metrics").toString()).contains("retraining");
    }

    @Test
    void robustnessFallsWithEpsilonAndPgdIsNoWeakerThanFgsm() throws IOException {
        Path json = dir.resolve("rob.json");
        Object[] r = KeysCommandTest.run("assess", "robustness", "--data-dir", dir.resolve("home").toString(),
                "--data", points.toString(), "--label", "label", "--epochs", "5", "--epsilons", "0.1,1,3", "--steps",
                "10", "--json", json.toString());
        assertThat(r[0]).as((String) r[2]).isEqualTo(0);
        JsonNode doc = valid(json);
        double clean = metric(doc, "accuracy", "clean");
        double pgdSmall = metric(doc, "accuracy", "pgd");
        assertThat(clean).isGreaterThan(0.8);
        List<Double> fgsm = new ArrayList<>();
        List<Double> pgd = new ArrayList<>();
        for (JsonNode m : doc.path("metrics")) {
            if (m.path("attack").asText().equals("fgsm")) {
                fgsm.add(m.path("value").asDouble());
            } else if (m.path("attack").asText().equals("pgd")) {
                pgd.add(m.path("value").asDouble());
            }
        }
        assertThat(pgd).hasSize(3).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        for (int i = 0; i < 3; i++) {
            assertThat(pgd.get(i)).isLessThanOrEqualTo(fgsm.get(i));
        }
        assertThat(pgd.getLast()).isLessThan(0.2);
        assertThat(pgdSmall).isLessThanOrEqualTo(clean);
    }

    static double attackMetric(JsonNode doc, String name, String attack) {
        for (JsonNode m : doc.path("metrics")) {
            if (m.path("name").asText().equals(name) && m.path("attack").asText().equals(attack)) {
                return m.path("value").asDouble();
            }
        }
        throw new AssertionError("no metric " + name + " for " + attack);
    }

    @Test
    void robustnessUnderL2ReportsCarliniWagnerAndHopSkipJumpDistancesBesidePgd() throws IOException {
        Path json = dir.resolve("rob-l2.json");
        Object[] r = KeysCommandTest.run("assess", "robustness", "--data-dir", dir.resolve("home").toString(),
                "--data", points.toString(), "--label", "label", "--epochs", "5", "--norm", "l2", "--epsilons",
                "0.1,1,3", "--steps", "10", "--min-norm-limit", "40", "--json", json.toString());
        assertThat(r[0]).as((String) r[2]).isEqualTo(0);
        JsonNode doc = valid(json);
        double cw = attackMetric(doc, "median_l2", "cw");
        double hsj = attackMetric(doc, "median_l2", "hopskipjump");
        assertThat(attackMetric(doc, "success_rate", "cw")).isGreaterThanOrEqualTo(0.95);
        assertThat(cw).isPositive();
        assertThat(hsj).isBetween(cw * 0.999, 2 * cw);
        assertThat(attackMetric(doc, "median_queries", "hopskipjump")).isGreaterThan(100);
        List<Double> cwCurve = new ArrayList<>();
        for (JsonNode m : doc.path("metrics")) {
            if (m.path("attack").asText().equals("cw") && m.path("name").asText().equals("accuracy")) {
                cwCurve.add(m.path("value").asDouble());
            }
        }
        assertThat(cwCurve).hasSize(3).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    }

    @Test
    void recordBomWritesTheRunIntoTheSignedBomAndTheGateAdmitsOnlyPassingKinds() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("bom-model"));
        Files.writeString(folder.resolve("model.json"), "{\"format\":\"bastion-dp-model/1\",\"test_accuracy\":0.9,"
                + "\"privacy\":{\"epsilon\":\"inf\"},\"parameters\":[0.5]}");
        Path keys = dir.resolve("bom-keys");
        Object[] k = KeysCommandTest.run("model", "keygen", "--data-dir", dir.resolve("home").toString(), "--out",
                keys.toString());
        assertThat(k[0]).as((String) k[2]).isEqualTo(0);
        Path key = keys.resolve(dev.bastion.models.signing.ModelKeys.PRIVATE_FILE);
        Object[] rob = KeysCommandTest.run("assess", "robustness", "--data-dir", dir.resolve("home").toString(),
                "--data", points.toString(), "--label", "label", "--epochs", "5", "--epsilons", "0.01", "--steps", "5",
                "--min-norm-limit", "0", "--json", dir.resolve("rob-bom.json").toString(), "--record-bom",
                folder.toString(), "--signing-key", key.toString());
        assertThat(rob[0]).as((String) rob[2]).isEqualTo(0);
        assertThat((String) rob[2]).contains("re-signed");
        Object[] fair = KeysCommandTest.run("assess", "fairness", "--data-dir", dir.resolve("home").toString(),
                "--data", decisions.toString(), "--label", "reoffended", "--prediction", "high_risk", "--positive",
                "yes", "--sensitive", "race", "--bootstrap", "0", "--fail-on", "fpr:African-American>0.3", "--json",
                dir.resolve("fair-bom.json").toString(), "--record-bom", folder.toString(), "--signing-key",
                key.toString());
        assertThat(fair[0]).as((String) fair[2]).isEqualTo(3);
        String bom = Files.readString(folder.resolve(dev.bastion.models.bom.AssessmentRecords.FILE));
        assertThat(bom).contains("assessment:robustness:accuracy").contains("fairnessAssessments")
                .contains("\"groupAtRisk\" : \"African-American\"");
        java.security.PublicKey pub = dev.bastion.models.signing.ModelKeys.publicFor(key);
        var both = new dev.bastion.models.ModelGate.Policy(false, List.of(pub), List.of("robustness", "fairness"));
        var refused = dev.bastion.models.ModelGate.check(folder, both);
        assertThat(refused).isInstanceOf(dev.bastion.models.ModelGate.Admission.Refused.class);
        assertThat(((dev.bastion.models.ModelGate.Admission.Refused) refused).reason())
                .contains("lacks passing assessment runs of: fairness").doesNotContain("robustness,");
        assertThat(dev.bastion.models.ModelGate.check(folder, new dev.bastion.models.ModelGate.Policy(false,
                List.of(pub), List.of("robustness")))).isInstanceOf(dev.bastion.models.ModelGate.Admission.Admitted.class);
    }

    @Test
    void classInversionReportsSimilaritiesAndWritesReconstructionsOnlyWhenAsked() throws IOException {
        Path json = dir.resolve("cls.json");
        Path images = dir.resolve("cls.csv");
        Object[] r = KeysCommandTest.run("assess", "inversion", "--data-dir", dir.resolve("home").toString(),
                "--data", points.toString(), "--label", "label", "--epochs", "5", "--classes", "--json",
                json.toString());
        assertThat(r[0]).as((String) r[2]).isEqualTo(0);
        JsonNode doc = valid(json);
        assertThat(doc.path("options").path("reconstructions_written").asBoolean()).isFalse();
        assertThat(attackMetric(doc, "confidence", "class_inversion")).isGreaterThan(0.5);
        assertThat(metric(doc, "nearest_cosine", "yes")).isBetween(-1.0, 1.0);
        assertThat(Files.exists(images)).isFalse();
        Object[] w = KeysCommandTest.run("assess", "inversion", "--data-dir", dir.resolve("home").toString(),
                "--data", points.toString(), "--label", "label", "--epochs", "5", "--classes",
                "--include-reconstructions", images.toString(), "--json", json.toString());
        assertThat(w[0]).as((String) w[2]).isEqualTo(0);
        assertThat(Files.readAllLines(images)).hasSize(1 + doc.path("metrics").findValuesAsText("slice").stream()
                .filter(x -> !x.equals("max")).distinct().toList().size());
        Object[] bad = KeysCommandTest.run("assess", "inversion", "--data-dir", dir.resolve("home").toString(),
                "--data", points.toString(), "--label", "label", "--include-reconstructions", images.toString(),
                "--target-column", "x");
        assertThat(bad[0]).isEqualTo(2);
    }

    @Test
    void inversionReportsTheAdvantageOverImputationOnMembersAndOthers() throws IOException {
        Path json = dir.resolve("inv.json");
        Object[] r = KeysCommandTest.run("assess", "inversion", "--data-dir", dir.resolve("home").toString(),
                "--data", decisions.toString(), "--label", "reoffended", "--target-column", "race", "--epochs", "3",
                "--json", json.toString());
        assertThat(r[0]).as((String) r[2]).isEqualTo(0);
        JsonNode doc = valid(json);
        assertThat(metric(doc, "attack_accuracy", "members")).isBetween(0.0, 1.0);
        assertThat(metric(doc, "advantage", "non_members")).isEqualTo(metric(doc, "attack_accuracy", "non_members")
                - metric(doc, "baseline_accuracy", "non_members"), org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void aScoreColumnGetsGroupThresholdsThatEqualiseSelectionRates() throws IOException {
        Random random = new Random(9);
        List<String> lines = new ArrayList<>(List.of("outcome,score,group"));
        for (int i = 0; i < 4000; i++) {
            boolean b = random.nextBoolean();
            boolean yes = random.nextDouble() < 0.4;
            double s = (yes ? 0.65 : 0.35) + random.nextGaussian() * 0.15 - (b ? 0.15 : 0);
            lines.add((yes ? "1" : "0") + "," + String.format(java.util.Locale.ROOT, "%.5f", s) + "," + (b ? "B" : "A"));
        }
        Path scored = dir.resolve("scored.csv");
        Files.write(scored, lines);
        Path json = dir.resolve("thresholds.json");
        Object[] r = KeysCommandTest.run("assess", "fairness", "--data-dir", dir.resolve("home").toString(),
                "--data", scored.toString(), "--label", "outcome", "--positive", "1", "--score", "score",
                "--sensitive", "group", "--bootstrap", "0", "--json", json.toString());
        assertThat(r[0]).as((String) r[2]).isIn(0);
        JsonNode doc = valid(json);
        assertThat(metric(doc, "selection_rate", "A") - metric(doc, "selection_rate", "B")).isGreaterThan(0.2);
        assertThat(Math.abs(metric(doc, "mitigated_selection_rate", "A") - metric(doc, "mitigated_selection_rate",
                "B"))).isLessThan(0.01);
        assertThat(metric(doc, "mitigated_threshold", "B")).isLessThan(metric(doc, "mitigated_threshold", "A"));
    }

    @Test
    void poisoningPlantsABackdoorFindsItAndRemovesIt() throws IOException {
        Random random = new Random(4);
        double[][] proto = new double[4][16];
        for (double[] p : proto) {
            for (int j = 0; j < 16; j++) {
                p[j] = (j / 4 >= 2 && j % 4 >= 2) ? 0 : (random.nextDouble() < 0.5 ? 1 : 0);
            }
        }
        StringBuilder header = new StringBuilder();
        for (int j = 0; j < 16; j++) {
            header.append('p').append(j).append(',');
        }
        List<String> lines = new ArrayList<>(List.of(header + "digit"));
        for (int i = 0; i < 1200; i++) {
            int c = random.nextInt(4);
            StringBuilder row = new StringBuilder();
            for (int j = 0; j < 16; j++) {
                row.append(String.format(java.util.Locale.ROOT, "%.3f", Math.max(0, Math.min(1,
                        proto[c][j] + random.nextGaussian() * 0.1)))).append(',');
            }
            lines.add(row.append("c").append(c).toString());
        }
        Path images = dir.resolve("images.csv");
        Files.write(images, lines);
        Path json = dir.resolve("poison.json");
        Object[] r = KeysCommandTest.run("assess", "poisoning", "--data-dir", dir.resolve("home").toString(),
                "--data", images.toString(), "--label", "digit", "--image", "4x4", "--hidden", "16", "--epochs", "30",
                "--batch-size", "32", "--learning-rate", "0.05", "--json", json.toString());
        assertThat(r[0]).as((String) r[2]).isEqualTo(0);
        JsonNode doc = valid(json);
        assertThat(metric(doc, "attack_success", "poisoned_model")).isGreaterThan(0.9);
        assertThat(metric(doc, "attack_success", "after_removal")).isLessThan(0.1);
        Object[] bad = KeysCommandTest.run("assess", "poisoning", "--data-dir", dir.resolve("home").toString(),
                "--data", images.toString(), "--label", "digit", "--image", "8x8");
        assertThat(bad[0]).isEqualTo(2);
        assertThat((String) bad[2]).contains("64 pixels");
    }
}
