package dev.bastion.app.redteam;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedteamReportsTest {
    private static final ProbeLibrary LIBRARY = ProbeLibrary.builtIn();

    @TempDir
    Path dir;

    private static ProbeResult result(int index, Verdict verdict) {
        List<String> signals = verdict == Verdict.SUCCEEDED ? List.of("marker") : List.of();
        return new ProbeResult(LIBRARY.all().get(index), new Outcome(verdict, verdict == Verdict.BLOCKED ? 403 : 200,
                "req-" + index, "", signals, "<script>alert(1)</script> & \u0001 \"quoted\"", 3), Optional.empty());
    }

    private static RunReport report(List<ProbeResult> results, Optional<Baseline.Diff> diff) {
        return new RunReport(Instant.parse("2026-12-05T20:00:00Z"), "all", LIBRARY.fileSha256(),
                new RunReport.Endpoint("http://127.0.0.1:1/v1/chat/completions", "m"), Optional.empty(), results, diff);
    }

    @Test
    void aBaselineNamesRegressionsFixesAndKnownSuccessesByProbeId() throws Exception {
        List<ProbeResult> before = List.of(result(0, Verdict.BLOCKED), result(1, Verdict.SUCCEEDED),
                result(2, Verdict.SUCCEEDED), result(3, Verdict.ERROR));
        Path saved = dir.resolve("saved.json");
        Files.writeString(saved, ReportJson.write(report(before, Optional.empty())));
        List<ProbeResult> now = List.of(result(0, Verdict.SUCCEEDED), result(1, Verdict.SUCCEEDED),
                result(2, Verdict.RESISTED), result(3, Verdict.SUCCEEDED), result(4, Verdict.SUCCEEDED));
        Baseline.Diff diff = Baseline.read(saved).diff(now);
        String id = LIBRARY.all().get(0).id();
        assertThat(diff.regressions()).containsExactly(id, LIBRARY.all().get(3).id());
        assertThat(diff.fixed()).containsExactly(LIBRARY.all().get(2).id());
        assertThat(diff.known()).containsExactly(LIBRARY.all().get(1).id());
        RunReport report = report(now, Optional.of(diff));
        assertThat(report.regressed()).isTrue();
        String junit = JunitXml.write(report);
        assertThat(junit.split("<failure type=\"regression\"", -1).length - 1).isEqualTo(2);
        assertThat(junit).contains("<skipped message=\"known: succeeded in the baseline too");
        // A probe new since the baseline is not a regression.
        assertThat(diff.regressions()).doesNotContain(LIBRARY.all().get(4).id());
    }

    @Test
    void aFileThatIsNotARedteamReportIsRefusedAsABaseline() throws Exception {
        Path other = Files.writeString(dir.resolve("other.json"), "{\"schema\":\"bastion.assessment/v1\"}");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Baseline.read(other))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bastion.redteam/v1");
    }

    @Test
    void theHtmlAndXmlEscapeAnswersAndTheXmlParses() throws Exception {
        RunReport report = report(List.of(result(0, Verdict.SUCCEEDED), result(1, Verdict.RESISTED)), Optional.empty());
        String html = HtmlReport.write(report);
        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;").contains("req-0");
        String xml = JunitXml.write(report);
        assertThat(xml).doesNotContain("\u0001").contains("type=\"attack-succeeded\"");
        var doc = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(doc.getElementsByTagName("failure").getLength()).isEqualTo(1);
        assertThat(new ObjectMapper().readTree(ReportJson.write(report)).path("summary").path("succeeded").asInt())
                .isEqualTo(1);
    }
}
