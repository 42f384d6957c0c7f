package dev.bastion.app;

import dev.bastion.app.report.FactsGatherer;
import dev.bastion.app.report.JsonReport;
import dev.bastion.app.report.MarkdownReport;
import dev.bastion.app.report.PdfReport;
import dev.bastion.app.report.Period;
import dev.bastion.app.report.Report;
import dev.bastion.app.report.ReportFacts;
import dev.bastion.app.report.ReportKind;
import dev.bastion.crypto.SigningKey;
import dev.bastion.gateway.config.LoadedConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bastion report KIND}: a compliance document made from the gateway's configuration and its signed audit log
 * (never from prompt content), signed with the audit key, as Markdown, PDF and JSON (docs/reports.md). Check one
 * with {@code bastion audit verify-report FILE}.
 */
@Command(name = "report", description = "Make a compliance report from the configuration and the signed audit log: "
        + "processing (GDPR Art. 30), dpia (GDPR Art. 35 draft), ai-act (deployer obligations) or hipaa (45 CFR "
        + "164.312); signed with the audit key (docs/reports.md).")
final class ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KIND", description = "processing, dpia, ai-act or hipaa.")
    String kind;

    @Mixin
    CommonOptions common;

    @Option(names = "--from", paramLabel = "TIME", description = "Count records from this time (ISO-8601 instant or "
            + "date, UTC), inclusive.")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "Count records before this time (ISO-8601 instant or "
            + "date, UTC), exclusive.")
    String to;

    @Option(names = "--tenant", paramLabel = "NAME", description = "Count only this tenant's requests.")
    String tenant;

    @Option(names = "--redteam", paramLabel = "FILE", description = "A saved bastion redteam run (redteam.json): the "
            + "measured effectiveness of the controls.")
    Path redteam;

    @Option(names = "--out", defaultValue = ".", paramLabel = "DIR", description = "Where to write "
            + "bastion-report-KIND.md, .pdf and .json (default: the current directory).")
    Path out;

    @Option(names = "--formats", defaultValue = "md,pdf,json", split = ",", paramLabel = "LIST",
            description = "Which of md, pdf, json to write (default: all three).")
    Set<String> formats;

    @Override
    public Integer call() throws IOException {
        ReportKind k;
        Period period;
        Set<String> wanted = new LinkedHashSet<>();
        try {
            k = ReportKind.fromId(kind);
            period = new Period(time(from, "--from"), time(to, "--to"));
            for (String f : formats) {
                String name = f.strip().toLowerCase(Locale.ROOT);
                if (!Set.of("md", "pdf", "json").contains(name)) {
                    throw new IllegalArgumentException("--formats takes md, pdf and json, got '" + f + "'");
                }
                wanted.add(name);
            }
            if (redteam != null && !Files.isRegularFile(redteam)) {
                throw new IllegalArgumentException("--redteam " + redteam + ": no such file");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("bastion: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        LoadedConfig loaded = common.load(Map.of());
        Path dataDir = loaded.config().dataDir();
        Path keyFile = dataDir.resolve("keys/audit-signing.key");
        if (!Files.exists(keyFile)) {
            System.err.println("bastion: no audit signing key at " + keyFile + "; reports are signed with the key of "
                    + "the audit log they count (start the gateway once, or pass the right --data-dir)");
            return ExitCodes.FAILED;
        }
        SigningKey key = SigningKey.load(keyFile);
        ReportFacts facts = FactsGatherer.gather(loaded, period, Optional.ofNullable(tenant), Optional.ofNullable(redteam),
                System.getenv(), Clock.systemUTC(), new Main.Version().getVersion()[0]);
        Report report = Report.of(k, facts);
        Files.createDirectories(out);
        String base = "bastion-report-" + k.id();
        if (wanted.contains("md")) {
            write(out.resolve(base + ".md"), MarkdownReport.signed(report, key).getBytes(StandardCharsets.UTF_8));
        }
        if (wanted.contains("pdf")) {
            write(out.resolve(base + ".pdf"), dev.bastion.app.report.PadesSigner.sign(
                    PdfReport.render(MarkdownReport.body(report), k.title()), key, java.time.Instant.now()));
        }
        if (wanted.contains("json")) {
            write(out.resolve(base + ".json"), JsonReport.signed(report, key).getBytes(StandardCharsets.UTF_8));
        }
        System.out.println(k.id() + ": " + facts.counts().records() + " records counted under checkpoint of size "
                + report.coverage().decoded().size() + ", " + report.sections().size() + " sections, "
                + report.sources().size() + " sources; signed with audit key " + key.keyId());
        return ExitCodes.OK;
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes);
        System.out.println("wrote " + file);
    }

    /** An ISO-8601 instant, or a date taken as its start in UTC. */
    static Optional<Instant> time(String value, String option) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(value.contains("T") ? Instant.parse(value)
                    : LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " takes an ISO-8601 time (2026-11-01T00:00:00Z) or date "
                    + "(2026-11-01), got '" + value + "'");
        }
    }
}
