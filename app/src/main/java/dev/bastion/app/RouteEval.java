package dev.bastion.app;

import dev.bastion.gateway.config.GatewayConfig;
import dev.bastion.gateway.config.RouteSettings;
import dev.bastion.gateway.metrics.GatewayMetrics;
import dev.bastion.gateway.pipeline.CompiledRoute;
import dev.bastion.gateway.pipeline.ScannerRunner;
import dev.bastion.guard.Finding;
import dev.bastion.guard.Scanner;
import dev.bastion.guard.Verdict;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bastion eval route}: what a route's input controls do to prompts bound for a cloud model, as the gateway
 * would run them (the route's scanners, its policy, the destination), without HTTP or an upstream. For benign
 * prompt sets this is the false-positive cost users feel: the share of prompts refused, and the share altered
 * (any span redacted or pseudonymised) or forced local.
 */
@Command(name = "route", description = "Share of prompts a route refuses or alters on their way to a cloud model "
        + "(its scanners and policy, as the gateway runs them), with the finding types responsible and the time taken.")
final class RouteEval implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--prompts", required = true, arity = "1..*", paramLabel = "PATH",
            description = "Prompt sets (CSV, JSON, JSONL, text; PATH#COLUMN=VALUE keeps matching rows).")
    List<String> prompts;

    @Option(names = "--field", description = "Text field of CSV/JSON rows (default: prompt, text, goal, ...).")
    String field;

    @Option(names = "--route", description = "Route name (default: the first route, which is the default route "
            + "when the config names none).")
    String route;

    @Override
    public Integer call() throws IOException {
        GatewayConfig config = common.load(Map.of()).config();
        RouteSettings settings = config.routes().stream().filter(r -> route == null || r.name().equals(route))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no route named '" + route + "'"));
        long before = heapAfterGc();
        // As the gateway runs it: the direct injection scanner with the MiniLM stage when guard.injection-embeddings
        // is on (the default since round fourteen); loaded only for a route that runs that scanner.
        boolean stage = config.guard().injectionEmbeddings()
                && settings.inputScanners().contains(dev.bastion.guard.injection.InjectionScanner.ID);
        CompiledRoute compiled = CompiledRoute.compileAll(List.of(settings), config.guard(),
                InjectionCommands.encoder(stage)).getFirst();
        for (Scanner s : compiled.inputScanners()) { // models and rules load on first use
            s.scan(List.of("warm up: write to jo@example.com"), List.of("tool"));
        }
        for (Scanner s : compiled.outputScanners()) {
            s.scan(List.of("warm up"), List.of("assistant"));
        }
        long held = heapAfterGc() - before;
        GatewayMetrics metrics = new GatewayMetrics();
        System.out.printf("route %s: input scanners %s, output scanners %s; heap they hold after GC: %.1f MB%n",
                settings.name(), settings.inputScanners(), settings.outputScanners(), held / 1e6);
        int total = 0;
        int refused = 0;
        int altered = 0;
        long chars = 0;
        long rewrittenChars = 0;
        Map<String, Integer> causes = new TreeMap<>();
        List<Double> msPerKb = new ArrayList<>();
        List<Double> ms = new ArrayList<>();
        for (String spec : prompts) {
            int setTotal = 0;
            int setRefused = 0;
            int setAltered = 0;
            for (PromptSets.Prompt p : PromptSets.read(spec, field)) {
                List<String> texts = List.of(p.text());
                long start = System.nanoTime();
                List<Finding> findings = ScannerRunner.run(compiled.inputScanners(), texts, List.of("user"), metrics);
                Verdict verdict = compiled.policy().decide(findings).forDestination(true);
                double elapsed = (System.nanoTime() - start) / 1e6;
                ms.add(elapsed);
                msPerKb.add(elapsed * 1024.0 / Math.max(1, p.text().length()));
                setTotal++;
                chars += p.text().length();
                switch (verdict) {
                    case Verdict.Allow a -> { }
                    case Verdict.Block b -> {
                        setRefused++;
                        causes.merge("refused:" + b.reason().substring(b.reason().indexOf(':') + 1), 1, Integer::sum);
                    }
                    case Verdict.Transform t -> {
                        setAltered++;
                        List<Finding> rewritten = new ArrayList<>(t.redact());
                        rewritten.addAll(t.pseudonymise());
                        rewritten.stream().map(Finding::type).distinct()
                                .forEach(type -> causes.merge("altered:" + type, 1, Integer::sum));
                        if (t.forceLocal()) {
                            causes.merge("forced-local", 1, Integer::sum);
                        }
                        rewrittenChars += rewritten.stream().mapToInt(f -> f.end() - f.start()).sum();
                    }
                }
            }
            System.out.printf("%-60s prompts %5d  refused %4d (%.4f)  altered %4d (%.4f)%n", spec, setTotal, setRefused,
                    ratio(setRefused, setTotal), setAltered, ratio(setAltered, setTotal));
            total += setTotal;
            refused += setRefused;
            altered += setAltered;
        }
        System.out.printf("all: prompts %d, refused %d (%.4f), altered or forced local %d (%.4f), refused or altered "
                + "%.4f; characters rewritten %.4f of %d%n", total, refused, ratio(refused, total), altered,
                ratio(altered, total), ratio(refused + altered, total), (double) rewrittenChars / Math.max(1, chars), chars);
        causes.forEach((cause, n) -> System.out.printf("  %-40s %d prompts%n", cause, n));
        System.out.printf("time per prompt (scanners + policy, one thread): p50 %.3f ms, p99 %.3f ms; per KB: p50 %.3f ms, "
                + "p99 %.3f ms%n", quantile(ms, 0.5), quantile(ms, 0.99), quantile(msPerKb, 0.5), quantile(msPerKb, 0.99));
        return ExitCodes.OK;
    }

    private static long heapAfterGc() {
        java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static double ratio(int a, int b) {
        return b == 0 ? 0 : (double) a / b;
    }

    private static double quantile(List<Double> values, double q) {
        if (values.isEmpty()) {
            return 0;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return v[Math.min(v.length - 1, (int) Math.ceil(q * v.length) - 1)];
    }
}
