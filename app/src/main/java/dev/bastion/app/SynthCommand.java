package dev.bastion.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.crypto.SigningKey;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.config.GatewayConfig;
import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.dp.Table;
import dev.bastion.privacy.ledger.Charge;
import dev.bastion.privacy.ledger.LedgerId;
import dev.bastion.privacy.ledger.PrivacyLedger;
import dev.bastion.privacy.synth.Domain;

import dev.bastion.privacy.synth.SynthesisPlan;
import dev.bastion.privacy.synth.Synthesizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bastion synth}: a differentially private synthetic copy of a CSV table, paid for from the dataset's ledger
 * before anything runs, written with a signed, audit-logged release record; {@code bastion synth eval} attacks it.
 */
@Command(name = "synth", description = "Differentially private synthetic data (MST, AIM or independent marginals), "
        + "charged to the dataset's privacy ledger first and released with a signed record.",
        subcommands = {SynthEvalCommand.class})
final class SynthCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--data", paramLabel = "FILE.csv", description = "The real data (CSV with a header row).")
    Path data;

    @Option(names = "--epsilon", description = "Privacy parameter epsilon of the whole release.")
    Double epsilon;

    @Option(names = "--delta", description = "Privacy parameter delta of the whole release (for example 1e-6).")
    Double delta;

    @Option(names = "--method", defaultValue = "mst", description = "mst (default), aim or independent.")
    String method;

    @Option(names = "--workload", defaultValue = "2", paramLabel = "K", description = "For aim: the workload of "
            + "all K-way marginals, 2 (default) or 3.")
    int workload;

    @Option(names = "--dataset", paramLabel = "NAME", description = "The dataset's ledger to charge (row-level).")
    String dataset;

    @Option(names = "--seed", description = "Reproducible noise from this seed: for tests and experiments only.")
    Long seed;

    @Option(names = "--rows", defaultValue = "0", description = "Rows to write (default: the noisy row count).")
    int rows;

    @Option(names = "--bins", defaultValue = "" + SynthesisPlan.DEFAULT_BINS,
            description = "Bins per numeric column (default ${DEFAULT-VALUE}).")
    int bins;

    @Option(names = "--domain", paramLabel = "FILE", description = "Public domain: one line per column, "
            + "NAME<TAB>categorical<TAB>V1<TAB>V2... or NAME<TAB>numeric|integer<TAB>LOWER<TAB>UPPER. Without it the "
            + "domain is read from the data (not private; the release record says so).")
    Path domainFile;

    @Option(names = "--out", paramLabel = "FILE.csv", description = "Where to write the synthetic CSV; the signed "
            + "release record goes to FILE.csv.release.json.")
    Path out;

    @Option(names = "--format", defaultValue = "text", description = "text or json.")
    String format;

    @Override
    public Integer call() throws Exception {
        for (var required : Map.of("--data", data == null, "--epsilon", epsilon == null, "--delta", delta == null,
                "--dataset", dataset == null, "--out", out == null).entrySet()) {
            if (required.getValue()) {
                throw new IllegalArgumentException("bastion synth needs " + required.getKey()
                        + " (see bastion synth --help)");
            }
        }
        Table table = Table.read(data);
        Domain domain = domainFile != null ? Domain.read(domainFile, table.columns()) : Domain.fromData(table);
        SynthesisPlan.Method m = SynthesisPlan.Method.parse(method);
        if (workload != 2 && m != SynthesisPlan.Method.AIM) {
            throw new IllegalArgumentException("--workload is for --method aim");
        }
        SynthesisPlan plan = SynthesisPlan.of(m, domain, epsilon, delta, bins, workload);
        LedgerId id = new LedgerId(dataset, LedgerId.ROW);
        PrivacyLedger.Outcome outcome = DpCommand.withLedger(common, l -> l.charge(id, plan.describe(), plan.events()));
        Charge charge;
        PrivacyLedger.Status after;
        switch (outcome) {
            case PrivacyLedger.Outcome.Refused r -> {
                System.err.println("bastion: refused: " + r.reason());
                return ExitCodes.REFUSED;
            }
            case PrivacyLedger.Outcome.Admitted a -> {
                charge = a.charge();
                after = a.after();
            }
        }
        long start = System.nanoTime();
        Synthesizer.Synthesis s = Synthesizer.run(table, domain, plan, rows,
                seed != null ? DpRandom.insecureSeeded(seed) : DpRandom.secure());
        double seconds = (System.nanoTime() - start) / 1e9;
        dev.bastion.privacy.dp.Table.write(out, s.columns(), s.rows());
        GatewayConfig config = common.load(Map.of()).config();
        ObjectNode record = SynthRelease.record(s, domain.source(), seed != null ? OptionalLong.of(seed)
                : OptionalLong.empty(), id, charge, after, out, Clock.systemUTC().instant());
        SigningKey key = SigningKey.loadOrCreate(config.dataDir().resolve("keys").resolve("release-signing.key"),
                config.audit().signatureAlgorithm());
        Path recordFile = out.resolveSibling(out.getFileName() + ".release.json");
        Files.writeString(recordFile, Json.MAPPER.writerWithDefaultPrettyPrinter()
                .writeValueAsString(SynthRelease.sign(record, key)) + "\n");
        CliAudit.record(config, "synth.release", id.dataset() + "/" + id.privacyUnit() + "#" + charge.sequence()
                + " " + plan.method().label() + " rows=" + s.rows().size() + " sha256="
                + record.path("output").path("sha256").asText());
        if ("json".equals(format)) {
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("out", out.toString());
            o.put("release_record", recordFile.toString());
            o.put("rows", s.rows().size());
            o.put("seconds", seconds);
            o.put("fit_seconds", s.fitSeconds());
            o.put("sample_seconds", s.sampleSeconds());
            o.put("ledger", DpCommand.status(after));
            o.set("record", record);
            System.out.println(o);
        } else {
            System.out.printf(Locale.ROOT, "%s: %d rows, %d columns by %s at epsilon %s, delta %s (rho %.4g) in %.2f s "
                    + "(fit %.2f s, sampling %.2f s)%n", out, s.rows().size(), s.columns().size(), plan.method().label(),
                    PrivacyLedger.fmt(epsilon), PrivacyLedger.fmt(delta), plan.rho(), seconds, s.fitSeconds(),
                    s.sampleSeconds());
            System.out.println("measured: " + s.measured().size() + " noisy marginals"
                    + (s.rounds() > 0 ? " in " + s.rounds() + " rounds" : "")
                    + (s.tree().isEmpty() ? "" : "; tree " + s.tree()));
            System.out.println("domain: " + domain.source());
            System.out.println("release record (signed, key " + key.keyId() + "): " + recordFile);
            System.out.println(DpCommand.status(after));
        }
        return ExitCodes.OK;
    }
}
