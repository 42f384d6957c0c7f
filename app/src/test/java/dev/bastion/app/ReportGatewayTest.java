package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.bastion.app.redteam.ObeyingUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bastion report} and {@code bastion audit verify-report} over the data directory of a real gateway started
 * in-process: requests sent through it (one carrying a canary that no report may repeat), a saved red-team run, then
 * every report kind in Markdown, PDF and JSON.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportGatewayTest {
    /** Sent in a prompt; the audit log never holds it, so no report can. */
    private static final String CANARY = "zq-canary-5f81c2 alma.reyes@northwind-mail.example";
    private static final String SECRET = "ghp_R7u2KxQ9bVt4LmZ8wN3sYc6HdJ1fP5aE0gTi";

    @TempDir
    static Path dir;
    private Path gw;
    private Path redteamRun;

    @BeforeAll
    void aGatewayServedRequestsAndWasRedTeamed() throws Exception {
        gw = Files.createDirectories(dir.resolve("gw"));
        try (ObeyingUpstream up = ObeyingUpstream.start();
                TestGateway g = TestGateway.start(gw, RedteamGatewayTest.config(up, RedteamGatewayTest.STRICT))) {
            String radiology = g.createKey(Role.USER, "radiology", List.of("*"));
            String billing = g.createKey(Role.USER, "billing", List.of("*"));
            assertThat(g.post("/v1/chat/completions", radiology, chat("Summarise the note of " + CANARY)).status())
                    .isEqualTo(200);
            assertThat(g.post("/v1/chat/completions", billing, chat("Deploy with token " + SECRET)).status())
                    .as("a secret is blocked").isEqualTo(403);
            assertThat(g.post("/v1/chat/completions", "sk-not-a-key", chat("hello")).status()).isEqualTo(401);
            Object[] run = KeysCommandTest.run("redteam", "--target", g.baseUrl(), "--key", radiology, "--model", "m",
                    "--suite", "secrets", "--out", dir.resolve("rt").toString());
            assertThat(run[0]).as("stderr: %s", run[2]).isEqualTo(ExitCodes.OK);
            redteamRun = dir.resolve("rt/redteam.json");
        }
    }

    private static byte[] chat(String text) {
        ObjectNode body = new ObjectMapper().createObjectNode().put("model", "m");
        body.putArray("messages").addObject().put("role", "user").put("content", text);
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    private Object[] cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--config", gw.resolve("bastion.yaml").toString(), "--data-dir", gw.resolve("data").toString()));
        return KeysCommandTest.run(all.toArray(String[]::new));
    }

    private Path report(String kind, String... more) {
        Path out = dir.resolve("out-" + kind + more.length);
        List<String> args = new ArrayList<>(List.of("report", kind, "--redteam", redteamRun.toString(), "--out",
                out.toString()));
        args.addAll(List.of(more));
        Object[] run = cli(args.toArray(String[]::new));
        assertThat(run[0]).as("report %s; stderr: %s", kind, run[2]).isEqualTo(ExitCodes.OK);
        return out;
    }

    @Test
    void everyKindIsMadeInThreeFormatsNamesItsSourcesAndNeverRepeatsThePrompt() throws Exception {
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(
                Files.readString(Path.of("..", "docs", "schemas", "bastion-report-v1.schema.json")));
        for (String kind : List.of("processing", "dpia", "ai-act", "hipaa")) {
            Path out = report(kind);
            String md = Files.readString(out.resolve("bastion-report-" + kind + ".md"));
            JsonNode json = new ObjectMapper().readTree(out.resolve("bastion-report-" + kind + ".json").toFile());
            assertThat(schema.validate(json)).as("%s against its schema", kind).isEmpty();
            assertThat(md).as(kind).contains("config `routes[0].input-scanners`").contains("config `models[0].location`")
                    .contains("audit `records 0..").contains("redteam `redteam.json sha256 ")
                    .contains("```bastion-audit-checkpoint\nbastion-audit-checkpoint/v1\n");
            for (JsonNode section : json.path("sections")) {
                for (JsonNode statement : section.path("statements")) {
                    assertThat(statement.path("sources").size()).as("%s: %s", kind, statement).isPositive();
                }
            }
            JsonNode counts = json.path("counts");
            assertThat(counts.path("requests").asLong()).as("three requests and the red-team probes")
                    .isGreaterThan(3);
            assertThat(counts.path("refusals").path("invalid_api_key").asLong()).isEqualTo(1);
            assertThat(counts.path("entity_types").path("EMAIL_ADDRESS").asLong()).isPositive();
            String pdfText = pdfToText(out.resolve("bastion-report-" + kind + ".pdf"));
            assertThat(pdfText).contains("Scope and evidence").contains("Refusals by reason");
            for (String text : List.of(md, json.toString(), pdfText)) {
                assertThat(text).doesNotContain("zq-canary-5f81c2").doesNotContain("alma.reyes")
                        .doesNotContain(SECRET);
            }
        }
    }

    @Test
    void thePdfRendersToPagesWhoseCountMatchesItsFooterAndText() throws Exception {
        Path pdf = report("processing").resolve("bastion-report-processing.pdf");
        Path images = Files.createDirectories(dir.resolve("pages"));
        exec("pdftoppm", "-r", "40", "-png", pdf.toString(), images.resolve("page").toString());
        List<Path> pages;
        try (var files = Files.list(images)) {
            pages = files.filter(p -> p.toString().endsWith(".png")).toList();
        }
        assertThat(pages).isNotEmpty();
        for (Path p : pages) {
            assertThat(Files.size(p)).as("%s is an image", p).isGreaterThan(500);
        }
        String text = pdfToText(pdf);
        assertThat(text).contains("Record of processing activities (GDPR Article 30)")
                .contains("Page " + pages.size() + " of " + pages.size())
                .contains("(d) Recipients").contains("Model m (openai backend, chat) sends data to a cloud provider");
    }

    @Test
    void theSignedPdfVerifiesAgainstTheLogFailsOnAOneByteChangeAndPdfsigSeesItsSignature() throws Exception {
        Path pdf = report("ai-act").resolve("bastion-report-ai-act.pdf");
        Object[] ok = cli("audit", "verify-report", pdf.toString());
        assertThat(ok[0]).as("%s %s", ok[1], ok[2]).isEqualTo(ExitCodes.OK);
        assertThat((String) ok[1]).contains("ok: signature: valid PAdES (ETSI.CAdES.detached)")
                .contains("have the checkpoint's tree head");
        System.out.print(ok[1]);

        Path tampered = dir.resolve("tampered.pdf");
        Files.write(tampered, dev.bastion.app.report.PadesTest.oneByteChanged(Files.readAllBytes(pdf)));
        Object[] broken = cli("audit", "verify-report", tampered.toString());
        assertThat(broken[0]).as("%s", broken[1]).isEqualTo(ExitCodes.FAILED);
        assertThat((String) broken[1]).contains("BROKEN: the PDF's signature does not verify: the file was changed");

        Path appended = dir.resolve("appended.pdf");
        Files.write(appended, java.util.Arrays.copyOf(Files.readAllBytes(pdf), Files.readAllBytes(pdf).length + 9));
        assertThat((String) cli("audit", "verify-report", appended.toString())[1])
                .contains("BROKEN: the PDF's signature does not cover the whole file");

        Path pdfsig = Path.of("/usr/bin/pdfsig");
        if (Files.isExecutable(pdfsig)) {
            Process p = new ProcessBuilder(pdfsig.toString(), pdf.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            System.out.println("pdfsig: " + out);
            assertThat(out).contains("Signature #1").contains("ETSI.CAdES.detached");
        }
    }

    @Test
    void aTenantAndPeriodFilterCountOnlyThatTenantsRequestsInThePeriod() throws Exception {
        JsonNode all = new ObjectMapper().readTree(report("hipaa").resolve("bastion-report-hipaa.json").toFile());
        JsonNode billing = new ObjectMapper().readTree(report("hipaa", "--tenant", "billing")
                .resolve("bastion-report-hipaa.json").toFile());
        assertThat(billing.path("tenant").asText()).isEqualTo("billing");
        assertThat(billing.path("counts").path("requests").asLong()).isEqualTo(1);
        assertThat(billing.path("counts").path("refusals").path("secret_detected").asLong()
                + billing.path("counts").path("refused").asLong()).isPositive();
        assertThat(billing.path("counts").path("admin_actions").size()).as("admin actions carry no tenant").isZero();
        assertThat(all.path("counts").path("admin_actions").size()).isPositive();
        JsonNode future = new ObjectMapper().readTree(report("hipaa", "--from", "2999-01-01")
                .resolve("bastion-report-hipaa.json").toFile());
        assertThat(future.path("counts").path("records").asLong()).isZero();
        assertThat(future.path("period").path("from").asText()).isEqualTo("2999-01-01T00:00:00Z");
    }

    @Test
    void verifyReportPassesOnTheSignedFilesAndFailsOnAOneByteChange() throws Exception {
        Path out = report("dpia");
        Path md = out.resolve("bastion-report-dpia.md");
        Path json = out.resolve("bastion-report-dpia.json");
        for (Path file : List.of(md, json)) {
            Object[] ok = cli("audit", "verify-report", file.toString());
            assertThat(ok[0]).as("%s: %s %s", file, ok[1], ok[2]).isEqualTo(ExitCodes.OK);
            assertThat((String) ok[1]).contains("ok: signature: valid").contains("have the checkpoint's tree head");
        }
        assertThat((String) cli("audit", "verify-report", json.toString())[1])
                .contains("ok: counts: a recount of the log for the report's period and tenant gives the same 16 counts");
        Path tenantJson = report("dpia", "--tenant", "billing", "--from", "2026-01-01").resolve("bastion-report-dpia.json");
        Object[] tenantRun = cli("audit", "verify-report", tenantJson.toString());
        assertThat(tenantRun[0]).as("%s", tenantRun[1]).isEqualTo(ExitCodes.OK);
        assertThat((String) tenantRun[1]).contains("ok: counts: a recount");
        byte[] bytes = Files.readAllBytes(md);
        String text = new String(bytes, StandardCharsets.UTF_8);
        int at = text.indexOf("Requests: ") + "Requests: ".length();
        bytes[at] = (byte) (bytes[at] == '9' ? '8' : bytes[at] + 1);
        Path tampered = dir.resolve("tampered.md");
        Files.write(tampered, bytes);
        Object[] broken = cli("audit", "verify-report", tampered.toString());
        assertThat(broken[0]).isEqualTo(ExitCodes.FAILED);
        assertThat((String) broken[1]).contains("BROKEN: the report's signature does not verify");

        String jsonText = Files.readString(json);
        Path tamperedJson = dir.resolve("tampered.json");
        Files.writeString(tamperedJson, jsonText.replaceFirst("\"invalid_api_key\" : 1", "\"invalid_api_key\" : 0"));
        assertThat(Files.readString(tamperedJson)).isNotEqualTo(jsonText);
        Object[] brokenJson = cli("audit", "verify-report", tamperedJson.toString());
        assertThat(brokenJson[0]).isEqualTo(ExitCodes.FAILED);
        assertThat((String) brokenJson[1]).contains("signature does not verify");

        // Someone holding the audit key changes a count and signs again: the signature holds, the recount does not.
        ObjectNode forged = (ObjectNode) new ObjectMapper().readTree(jsonText);
        ((ObjectNode) forged.path("counts")).put("requests", forged.path("counts").path("requests").asLong() - 1);
        var sig = dev.bastion.app.report.ReportSignature.sign(dev.bastion.app.report.JsonReport.canonical(forged),
                dev.bastion.crypto.SigningKey.load(gw.resolve("data/keys/audit-signing.key")));
        ((ObjectNode) forged.path("signature")).put("value", sig.base64());
        Path forgedJson = dir.resolve("forged.json");
        Files.writeString(forgedJson, forged.toPrettyString());
        Object[] recount = cli("audit", "verify-report", forgedJson.toString());
        assertThat(recount[0]).isEqualTo(ExitCodes.FAILED);
        assertThat((String) recount[1]).contains("ok: signature: valid")
                .contains("BROKEN: the report's counts differ from a recount of the log for its period and tenant: requests");

        Path notAReport = dir.resolve("note.md");
        Files.writeString(notAReport, "# hello\n");
        assertThat(cli("audit", "verify-report", notAReport.toString())[0]).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void verifyReportFailsAndNoReportIsMadeWhenTheAuditLogNoLongerHoldsTheCheckpointsRecords() throws Exception {
        Path md = report("ai-act").resolve("bastion-report-ai-act.md");
        Path copy = dir.resolve("copy");
        copyTree(gw, copy);
        Path segment = copy.resolve("data/audit/segment-000000.log");
        byte[] log = Files.readAllBytes(segment);
        int at = new String(log, StandardCharsets.ISO_8859_1).indexOf("\"type\":\"request\"") + 9;
        log[at] = (byte) 'R';
        Files.write(segment, log);
        Object[] run = KeysCommandTest.run("audit", "verify-report", md.toString(), "--config",
                copy.resolve("bastion.yaml").toString(), "--data-dir", copy.resolve("data").toString());
        assertThat(run[0]).as("%s", run[1]).isEqualTo(ExitCodes.FAILED);
        assertThat((String) run[1]).contains("ok: signature: valid").contains("BROKEN: the audit log in")
                .contains("records were removed");
        Object[] refused = KeysCommandTest.run("report", "hipaa", "--out", dir.resolve("refused").toString(), "--config",
                copy.resolve("bastion.yaml").toString(), "--data-dir", copy.resolve("data").toString());
        assertThat(refused[0]).as("no report is made from a log that does not match its checkpoint")
                .isEqualTo(ExitCodes.FAILED);
        assertThat((String) refused[2]).contains("does not match its latest checkpoint").contains("bastion audit verify");
        assertThat(dir.resolve("refused/bastion-report-hipaa.md")).doesNotExist();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    static String pdfToText(Path pdf) throws Exception {
        Path txt = pdf.resolveSibling(pdf.getFileName() + ".txt");
        exec("pdftotext", "-layout", pdf.toString(), txt.toString());
        return Files.readString(txt);
    }

    private static void exec(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), output).isZero();
    }
}
