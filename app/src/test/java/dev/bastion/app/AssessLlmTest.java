package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AssessLlmTest {
    static final String EXACT_PREFIX = "code ";
    static final String EXACT_SECRET = "3650";
    static final String SAMPLED_PREFIX = "my pin is ";
    static final String SAMPLED_SECRET = "481729";

    @TempDir
    static Path dir;
    static Path records;
    static List<String> members = new ArrayList<>();

    @BeforeAll
    static void fixtures() throws IOException {
        AssessCommandTest.schema = com.networknt.schema.JsonSchemaFactory.getInstance(
                com.networknt.schema.SpecVersion.VersionFlag.V202012).getSchema(
                Files.readString(Path.of("..", "docs", "schemas", "bastion-assessment-v1.schema.json")));
        SplittableRandom r = new SplittableRandom(7);
        List<String> lines = new ArrayList<>();
        lines.add("{\"text\": \"" + EXACT_PREFIX + EXACT_SECRET + "\", \"canary\": true, \"prefix\": \""
                + EXACT_PREFIX + "\", \"member\": true}");
        lines.add("{\"text\": \"" + SAMPLED_PREFIX + SAMPLED_SECRET + "\", \"canary\": true, \"prefix\": \""
                + SAMPLED_PREFIX + "\", \"member\": true}");
        members.add(EXACT_PREFIX + EXACT_SECRET);
        members.add(SAMPLED_PREFIX + SAMPLED_SECRET);
        for (int i = 0; i < 12; i++) {
            StringBuilder b = new StringBuilder();
            for (int j = 0; j < 16; j++) {
                b.append((char) ('a' + r.nextInt(26)));
            }
            boolean member = i % 2 == 0;
            if (member) {
                members.add(b.toString());
            }
            lines.add("{\"text\": \"" + b + "\", \"member\": " + member + "}");
        }
        records = dir.resolve("records.jsonl");
        Files.write(records, lines);
    }

    static JsonNode assess(Path model, String name, String... extra) throws IOException {
        Path json = dir.resolve(name + ".json");
        List<String> args = new ArrayList<>(List.of("assess", "llm", "--data-dir", dir.resolve("home").toString(),
                "--model", model.toString(), "--records", records.toString(), "--candidates", "2000", "--json",
                json.toString(), "--html", dir.resolve(name + ".html").toString()));
        args.addAll(List.of(extra));
        Object[] r = KeysCommandTest.run(args.toArray(String[]::new));
        assertThat(r[0]).as((String) r[2]).isIn(0, 3);
        // Neither the report nor the command's output holds a record's text
        for (String text : List.of(EXACT_SECRET, SAMPLED_SECRET, members.get(2), members.get(3))) {
            assertThat(Files.readString(json)).doesNotContain(text);
            assertThat(Files.readString(dir.resolve(name + ".html"))).doesNotContain(text);
            assertThat((String) r[2]).doesNotContain(text);
        }
        System.out.println(name + ": " + ((String) r[2]).strip());
        return AssessCommandTest.valid(json);
    }

    static double metric(JsonNode doc, String name, String slice) {
        return AssessCommandTest.metric(doc, name, slice);
    }

    @Test
    void aGeneratedGgufWhoseWeightsContinueAPlantedCanaryGetsNearMaximalExposure() throws IOException {
        Path model = PlantedModels.planted(dir.resolve("planted.gguf"), 3, 12, members.toArray(String[]::new));
        JsonNode doc = assess(model, "planted", "--fail-on", "exposure>19");
        double exact = metric(doc, "exposure", "record_0");
        assertThat(exact).isCloseTo(4 * Math.log(10) / Math.log(2), within(1e-9)); // rank 1 of all 10^4
        double sampled = metric(doc, "exposure", "record_1");
        assertThat(sampled).isCloseTo(6 * Math.log(10) / Math.log(2), within(1e-9));
        assertThat(metric(doc, "exposure_lower_bound", "record_1")).isBetween(9.0, 10.0); // what 2000 samples prove
        assertThat(doc.path("verdict").path("result").asText()).isEqualTo("fail"); // 19.93 bits > 19
    }

    @Test
    void theHtmlReportRendersInHeadlessChromiumWithItsVerdictEveryMetricAndEveryCurve() throws Exception {
        HeadlessChromium.assumePresent();
        Path model = PlantedModels.planted(dir.resolve("planted-browser.gguf"), 3, 12, members.toArray(String[]::new));
        JsonNode doc = assess(model, "browser", "--fail-on", "exposure>19");
        Path page = dir.resolve("browser.html");
        Path scratch = Files.createDirectories(dir.resolve("chromium"));
        String dom = HeadlessChromium.dumpDom(page, scratch);
        // Parsed, not merely read: the browser adds the <tbody> the writer leaves out.
        assertThat(dom).contains("<tbody>");
        assertThat(dom).contains("<h1>").contains("Verdict: <strong class=\"fail\">fail</strong>");
        int rules = doc.path("verdict").path("rules").size();
        int metrics = doc.path("metrics").size();
        int curves = doc.path("curves").size();
        assertThat(metrics).isGreaterThan(5);
        assertThat(curves).isGreaterThan(0);
        // One header row per table, one row per rule and per metric; one inline SVG per curve.
        assertThat(count(dom, "<tr>")).isEqualTo(2 + rules + metrics);
        assertThat(count(dom, "<svg")).isEqualTo(curves);
        assertThat(dom).contains("exposure>19".replace(">", "&gt;"));
        assertThat(dom).doesNotContain("<script");
        for (String text : List.of(EXACT_SECRET, SAMPLED_SECRET, members.get(2))) {
            assertThat(dom).doesNotContain(text);
        }
        byte[] png = HeadlessChromium.screenshot(page, scratch, 1000, 1400);
        Path blank = Files.writeString(scratch.resolve("blank.html"), "<!doctype html><html><body></body></html>");
        byte[] blankPng = HeadlessChromium.screenshot(blank, scratch, 1000, 1400);
        // Text, tables and plots compress far worse than an empty page (about 7 KB at this size).
        assertThat(png.length).isGreaterThan(3 * blankPng.length);
        assertThat(java.util.Arrays.copyOf(png, 8)).containsExactly(0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a);
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void minKRanksPlantedMembersAboveNonMembersOnThatModel() throws IOException {
        Path model = PlantedModels.planted(dir.resolve("planted-2.gguf"), 3, 12, members.toArray(String[]::new));
        JsonNode doc = assess(model, "planted-mink");
        assertThat(AssessCommandTest.attackMetric(doc, "auc", "min_k")).isGreaterThanOrEqualTo(0.99);
        assertThat(AssessCommandTest.attackMetric(doc, "auc", "min_k_plus_plus")).isGreaterThanOrEqualTo(0.99);
        assertThat(metric(doc, "extracted_fraction", "all")).isGreaterThan(0.0);
    }

    @Test
    void aRandomWeightModelGivesTheSameCanariesLowExposure() throws IOException {
        Path model = PlantedModels.random(dir.resolve("random.gguf"), 3);
        JsonNode doc = assess(model, "random");
        assertThat(metric(doc, "exposure", "record_0")).isLessThan(13.29 / 2);
        assertThat(metric(doc, "exposure", "record_1")).isLessThan(19.93 / 2);
        assertThat(metric(doc, "extracted_fraction", "all")).isEqualTo(0.0);
        assertThat(doc.path("verdict").path("result").asText()).isEqualTo("pass");
    }

    @Test
    void aRecordWithoutTextIsBadInputNamingTheLine() throws IOException {
        Path bad = dir.resolve("bad.jsonl");
        Files.write(bad, List.of("{\"text\": \"fine\"}", "{\"canary\": true}"));
        Object[] r = KeysCommandTest.run("assess", "llm", "--data-dir", dir.resolve("home").toString(), "--model",
                PlantedModels.random(dir.resolve("random-bad.gguf"), 3).toString(), "--records", bad.toString());
        assertThat(r[0]).isEqualTo(2);
        assertThat((String) r[2]).contains("line 2");
    }
}
