package dev.bastion.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.audit.Checkpoint;
import dev.bastion.crypto.SigningKey;
import dev.bastion.gateway.config.ConfigLoader;
import dev.bastion.gateway.config.ConfigPrinter;
import dev.bastion.gateway.config.LoadedConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every report kind from a fixed test configuration and fixed counts, compared byte for byte with its golden file
 * (app/src/test/resources/dev/bastion/app/report/golden/KIND.md); run with {@code -Dbastion.golden.update=true} to
 * rewrite them after a deliberate change, and read the diff. Alongside, the facts a golden file could hide: the
 * report lists exactly the configuration's routes, providers and retention, and the risk rules fire on the weak
 * route and not on the strict one.
 */
class ReportGoldenTest {
    /** Two routes (a strict local-only one that stores content, a weak catch-all) and three models. */
    static final String CONFIG = """
            models:
              - name: gpt-4o
                backend: openai
                base-url: https://api.openai.com/v1
                location: cloud
              - name: claude
                backend: anthropic
                location: cloud
              - name: llama3
                backend: openai
                base-url: http://127.0.0.1:8081/v1
                location: local
            routes:
              - name: clinical
                models: [llama3]
                local-only: true
                input-scanners: [structure, secrets, pii]
                output-scanners: [secrets]
                storage: content
                retention: 90d
                content-retention: 30d
              - name: general
                models: ["*"]
                input-scanners: [structure]
                output-scanners: []
            """;

    @TempDir
    Path dir;

    private ReportFacts facts(Optional<String> tenant) throws Exception {
        return facts(CONFIG, tenant);
    }

    private ReportFacts facts(String yaml, Optional<String> tenant) throws Exception {
        Files.writeString(dir.resolve("bastion.yaml"), yaml);
        LoadedConfig loaded = ConfigLoader.load(Optional.of(dir.resolve("bastion.yaml")), dir, Map.of(),
                Map.of("data-dir", "/srv/bastion"), dir);
        TreeMap<String, String> settings = new TreeMap<>();
        ConfigPrinter.settings(loaded).forEach(s -> settings.put(s.key(), s.value()));
        Checkpoint checkpoint = new Checkpoint("bastion", 1200, new byte[32], Instant.parse("2026-11-30T23:59:00Z"),
                "0123456789abcdef", SigningKey.Algorithm.ED25519, new byte[64]);
        Coverage coverage = new Coverage(new Period(Optional.of(Instant.parse("2026-11-01T00:00:00Z")),
                Optional.of(Instant.parse("2026-12-01T00:00:00Z"))), tenant, checkpoint.encode(),
                Instant.parse("2026-12-01T08:00:00Z"), Optional.empty());
        AuditCounts counts = new AuditCounts(1180, 1150, 1100, new TreeMap<>(Map.of("secret_detected", 30L,
                "rate_limited", 15L, "invalid_api_key", 5L)), new TreeMap<>(Map.of("allow", 900L, "transform", 220L,
                "block", 30L)), new TreeMap<>(Map.of("EMAIL_ADDRESS", 140L, "PERSON", 310L, "PROMPT_INJECTION", 4L)),
                new TreeMap<>(Map.of("cloud", 700L, "local", 400L)), new TreeMap<>(Map.of("clinical", 400L,
                "general", 750L)), new TreeMap<>(Map.of("subject.export", 2L, "subject.erase", 1L, "key.create", 3L,
                "key.revoke", 1L, "abuse.flag", 1L)), new TreeMap<>(Map.of()), new TreeMap<>(Map.of()), 410_000, 220_000,
                Optional.of(Instant.parse("2026-11-01T00:03:00Z")), Optional.of(Instant.parse("2026-11-30T23:58:00Z")));
        KeyFacts keys = new KeyFacts(new TreeMap<>(Map.of("admin", 1L, "user", 6L)), 4, 2, 3);
        RedteamFacts redteam = new RedteamFacts("redteam.json", "ab".repeat(32), "2026-11-29T10:00:00Z", "gpt-4o",
                new TreeMap<>(Map.of("exfiltration", new long[] {40, 0, 38}, "injection", new long[] {120, 31, 117})));
        LedgerFacts ledgers = new LedgerFacts(List.of(new LedgerFacts.Ledger("census", "row", Optional.of("3"), "0.5",
                Optional.of("2.5"), Optional.of("1e-06"), "1e-07", Optional.of("9e-07"), "rdp", 2),
                new LedgerFacts.Ledger("visits", "user", Optional.empty(), "0.25", Optional.empty(), Optional.empty(),
                        "0", Optional.empty(), "pure", 1)), false);
        List<ModelBomFacts> boms = loaded.config().models().stream().anyMatch(m -> m.name().equals("llama3"))
                ? List.of(new ModelBomFacts(2, "llama3", "/srv/models/llama3", "verified", Optional.of("40ef0b36 (ed25519)"),
                        Optional.of("cd".repeat(32)), Optional.of("ef".repeat(32)), Optional.of("40ef0b36"),
                        new TreeMap<>(Map.of("fairness", "pass", "robustness", "warn")), 7))
                : List.of();
        return new ReportFacts(loaded.config(), settings, coverage, counts, Optional.of(keys), Optional.of(redteam),
                Optional.of(ledgers), boms, "bastion 0.1.0 (golden test)");
    }

    /**
     * Golden files for two test configurations: {@link #CONFIG}, and an empty file (the built-in default route and
     * no models).
     */
    @Test
    void everyKindMatchesItsGoldenFileForEachTestConfiguration() throws Exception {
        Path golden = Path.of("src/test/resources/dev/bastion/app/report/golden");
        boolean update = Boolean.getBoolean("bastion.golden.update");
        for (Map.Entry<String, String> config : Map.of("", CONFIG, "defaults/", "{}\n").entrySet()) {
            ReportFacts f = facts(config.getValue(), Optional.empty());
            for (ReportKind kind : ReportKind.values()) {
                String md = MarkdownReport.body(Report.of(kind, f));
                Path file = golden.resolve(config.getKey() + kind.id() + ".md");
                if (update) {
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, md);
                }
                assertThat(md).as("%s against %s (rerun with -Dbastion.golden.update=true after a deliberate change)",
                        kind.id(), file).isEqualTo(Files.readString(file));
            }
        }
    }

    @Test
    void theRecordOfProcessingListsExactlyTheConfiguredProvidersAndRetention() throws Exception {
        Report r = Report.of(ReportKind.PROCESSING, facts(Optional.empty()));
        Section recipients = section(r, "art30.d");
        assertThat(recipients.statements()).extracting(Statement::text).containsExactly(
                "Model gpt-4o (openai backend, chat) sends data to a cloud provider at https://api.openai.com.",
                "Model claude (anthropic backend, chat) sends data to a cloud provider at https://api.anthropic.com.",
                "Model llama3 (openai backend, chat) runs locally.");
        Section retention = section(r, "art30.f");
        assertThat(retention.statements()).extracting(Statement::text).containsExactly(
                "Route clinical stores conversation metadata for 90 days and content, encrypted per data subject, "
                        + "for 30 days.",
                "Route general stores no conversation data.",
                "The audit log keeps one record per request and admin action, with no prompt or answer text, in "
                        + "append-only signed segments; it is not purged by the gateway.");
        assertThat(section(r, "art30.e").toComplete()).as("two cloud providers: their countries are the operator's")
                .hasSize(1);
    }

    @Test
    void theDpiaRiskRulesFireOnTheWeakCloudRouteAndNotOnTheStrictLocalOne() throws Exception {
        List<String> risks = section(Report.of(ReportKind.DPIA, facts(Optional.empty())), "art35.7c").statements()
                .stream().map(Statement::text).toList();
        assertThat(risks).anyMatch(t -> t.startsWith("High: route general") && t.contains("without the pii scanner"))
                .anyMatch(t -> t.startsWith("High: route general") && t.contains("without the secrets scanner"))
                .anyMatch(t -> t.startsWith("Medium: route general runs no output scanner"))
                .anyMatch(t -> t.startsWith("Medium: route clinical keeps conversation content"))
                .noneMatch(t -> t.startsWith("High: route clinical"))
                .anyMatch(t -> t.startsWith("Observed: 4 prompt-injection findings"));
    }

    @Test
    void theDpiaAndAiActReportsListEveryLedgerWithItsBudgetAndEveryLocalModelsBom() throws Exception {
        for (ReportKind kind : List.of(ReportKind.DPIA, ReportKind.AI_ACT)) {
            Report r = Report.of(kind, facts(Optional.empty()));
            assertThat(section(r, "dp-ledgers").statements()).extracting(Statement::text).contains(
                    "Ledger census/row: epsilon 3 budget, 0.5 spent, 2.5 left; delta 1e-06 budget, 1e-07 used, "
                            + "9e-07 left; 2 charge(s), accountant rdp.",
                    "Ledger visits/user: epsilon no budget set, 0.25 spent; delta 0 used; 1 charge(s), accountant pure.");
            Section bom = section(r, "ml-bom");
            assertThat(bom.statements()).extracting(Statement::text).anyMatch(t -> t.startsWith(
                    "Local model llama3 (/srv/models/llama3): signature verified, signer 40ef0b36 (ed25519); ML-BOM "
                            + "bom.cdx.json SHA-256 " + "cd".repeat(32)) && t.contains("assessments fairness pass, "
                            + "robustness warn (7 metrics)"));
            assertThat(bom.statements().getFirst().sources()).extracting(Source::describe)
                    .contains("config models[2].path", "model " + "/srv/models/llama3/bom.cdx.json sha256 " + "cd".repeat(32));
        }
        assertThat(section(Report.of(ReportKind.DPIA, facts("{}\n", Optional.empty())), "ml-bom").statements())
                .extracting(Statement::text).first().asString().startsWith("No local model with a path");
    }

    @Test
    void aTenantReportLeavesOutAdminActionsAndSaysSo() throws Exception {
        Section activity = section(Report.of(ReportKind.HIPAA, facts(Optional.of("radiology"))), "activity");
        assertThat(activity.statements()).extracting(Statement::text)
                .noneMatch(t -> t.startsWith("Data subjects: exports"))
                .anyMatch(t -> t.contains("not attributed to tenants"));
    }

    @Test
    void aStatementWithoutASourceOrASectionWithNothingToSayCannotBeMade() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Statement("A claim.", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names at least one source");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Section("empty", "Empty", List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("says nothing");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Source.config("a`b"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Section section(Report r, String id) {
        return r.sections().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }
}
