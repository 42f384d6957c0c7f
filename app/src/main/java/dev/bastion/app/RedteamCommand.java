package dev.bastion.app;

import dev.bastion.app.redteam.AnswerRedactor;
import dev.bastion.app.redteam.Baseline;
import dev.bastion.app.redteam.HtmlReport;
import dev.bastion.app.redteam.JunitXml;
import dev.bastion.app.redteam.Probe;
import dev.bastion.app.redteam.ProbeLibrary;
import dev.bastion.app.redteam.ProbeResult;
import dev.bastion.app.redteam.RedteamRun;
import dev.bastion.app.redteam.ReportJson;
import dev.bastion.app.redteam.RunReport;
import dev.bastion.app.redteam.Target;
import dev.bastion.app.redteam.Verdict;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bastion redteam}: attacks an OpenAI-compatible endpoint with the shipped probes and writes
 * {@code redteam.json}, {@code redteam-junit.xml} and {@code redteam.html} to {@code --out}. Exit 1 when an attack
 * succeeded (with {@code --baseline}: when one succeeds that did not in the baseline), 0 otherwise.
 */
@Command(name = "redteam", description = "Attack an OpenAI-compatible endpoint (Bastion or any other) with prompt "
        + "injection, jailbreak, system-prompt extraction, PII and secret extraction, exfiltration, tool abuse and "
        + "resource probes; write JSON, JUnit XML and HTML reports (docs/redteam.md).")
final class RedteamCommand implements Callable<Integer> {
    @Option(names = "--target", required = true, paramLabel = "URL", description = "API base of the endpoint under test, "
            + "for example http://127.0.0.1:8080/v1.")
    URI target;

    @Option(names = "--key", defaultValue = "", paramLabel = "KEY", description = "Bearer key for --target.")
    String key;

    @Option(names = "--key-env", paramLabel = "NAME", description = "Read the key for --target from this environment "
            + "variable instead (keeps it out of the process list).")
    String keyEnv;

    @Option(names = "--model", required = true, paramLabel = "NAME", description = "Model name to ask for.")
    String model;

    @Option(names = "--suite", defaultValue = "all", paramLabel = "SUITE", description = "all (default), owasp-llm-2025, "
            + "injection, extraction, pii, secrets, exfiltration, tools or dos.")
    String suite;

    @Option(names = "--compare", paramLabel = "URL2", description = "A second endpoint (for example the same model "
            + "without Bastion) that gets the same probes, to show the difference per probe.")
    URI compare;

    @Option(names = "--compare-key", defaultValue = "", paramLabel = "K2", description = "Bearer key for --compare.")
    String compareKey;

    @Option(names = "--compare-model", paramLabel = "NAME", description = "Model name at --compare (default: --model).")
    String compareModel;

    @Option(names = "--baseline", paramLabel = "FILE", description = "A redteam.json of an earlier run: exit 1 only "
            + "when an attack succeeds that did not succeed in it (a regression).")
    Path baseline;

    @Option(names = "--stream", description = "Ask both endpoints for streamed answers (stream: true) and judge the "
            + "text assembled from the server-sent events, so output scanning of streams is attacked too.")
    boolean stream;

    @Option(names = "--out", defaultValue = "redteam-report", paramLabel = "DIR", description = "Where the reports "
            + "go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--concurrency", defaultValue = "4", paramLabel = "N", description = "Requests in flight per "
            + "endpoint (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS", description = "Per request "
            + "(default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Mixin
    Output output;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        boolean json = output.json();
        if (!ProbeLibrary.SUITES.contains(suite)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--suite must be one of "
                    + String.join(", ", ProbeLibrary.SUITES) + "; got '" + suite + "'");
        }
        if (concurrency < 1 || concurrency > 256) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--concurrency must be between 1 and 256, got " + concurrency);
        }
        ProbeLibrary library = ProbeLibrary.builtIn();
        List<Probe> probes = library.suite(suite);
        Optional<Baseline> saved = Optional.ofNullable(baseline).map(Baseline::read);
        String targetKey = keyEnv == null ? key : Optional.ofNullable(System.getenv(keyEnv)).orElseThrow(
                () -> new IllegalArgumentException("--key-env " + keyEnv + ": that environment variable is not set"));
        Duration timeout = Duration.ofSeconds(Math.max(1, timeoutSeconds));
        Instant created = Instant.now();
        long started = System.nanoTime();
        List<ProbeResult> results;
        int exchanges = probes.size() * (compare == null ? 1 : 2);
        dev.bastion.models.progress.Progress bar = dev.bastion.models.progress.ProgressBar.onTerminal("exchanges");
        bar.start(0, exchanges);
        java.util.function.IntConsumer progress = n -> {
            synchronized (bar) { // the bar is single-threaded; replies arrive on many threads
                bar.advance(n);
            }
        };
        try (Target t = new Target(target, targetKey, model, timeout, stream)) {
            Optional<Target> c = compare == null ? Optional.empty() : Optional.of(new Target(compare, compareKey,
                    compareModel == null ? model : compareModel, timeout, stream));
            try {
                results = new RedteamRun(concurrency, new AnswerRedactor()).run(probes, t, c, progress);
            } finally {
                c.ifPresent(Target::close);
                bar.finish(exchanges);
            }
            RunReport report = new RunReport(created, suite, library.fileSha256(),
                    new RunReport.Endpoint(t.url().toString(), model, stream),
                    c.map(x -> new RunReport.Endpoint(x.url().toString(), x.model(), stream)), results,
                    saved.map(b -> b.diff(results)));
            return finish(report, (System.nanoTime() - started) / 1_000_000, json);
        }
    }

    private int finish(RunReport report, long millis, boolean json) throws IOException {
        Files.createDirectories(out);
        Files.writeString(out.resolve("redteam.json"), ReportJson.write(report), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("redteam-junit.xml"), JunitXml.write(report), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("redteam.html"), HtmlReport.write(report), StandardCharsets.UTF_8);
        int errors = report.verdicts().get(Verdict.ERROR);
        boolean failed = report.baseline().isPresent() ? report.regressed() : report.succeeded() > 0;
        if (json) {
            Output.print(ReportJson.tree(report).without("results"));
        } else {
            System.out.printf(Locale.ROOT, "%d probes (%s%s) in %.1f s: %s%n", report.results().size(), report.suite(),
                    report.target().stream() ? ", streamed" : "", millis / 1000.0, report.verdicts());
            report.byOwasp().forEach((k, v) -> System.out.printf(Locale.ROOT, "  %s %-34s %3d probes, %3d succeeded%n",
                    k.code(), k.title(), v[0], v[1]));
            if (report.compare().isPresent()) {
                System.out.printf(Locale.ROOT, "compare: %s; %d attacks stopped only by the target%n",
                        report.compareVerdicts(), report.stoppedOnlyByTarget());
            }
            report.baseline().ifPresent(d -> System.out.printf(Locale.ROOT,
                    "baseline %s: %d regressions, %d fixed, %d known%n", d.file(), d.regressions().size(),
                    d.fixed().size(), d.known().size()));
            System.out.println("reports: " + out.resolve("redteam.json") + ", " + out.resolve("redteam-junit.xml") + ", "
                    + out.resolve("redteam.html"));
        }
        if (errors == report.results().size()) {
            System.err.println("bastion: every probe failed with an error (is " + report.target().url()
                    + " up, and are the key and model right?)");
            return ExitCodes.FAILED;
        }
        if (failed) {
            System.err.println("bastion: " + (report.baseline().isPresent()
                    ? report.baseline().get().regressions().size() + " regressions against the baseline"
                    : report.succeeded() + " attacks succeeded") + "; see " + out.resolve("redteam.html"));
        }
        return failed ? ExitCodes.FAILED : ExitCodes.OK;
    }
}
