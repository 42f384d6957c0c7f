package dev.bastion.app.redteam;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One run of {@code bastion redteam}: what was attacked with which probe files, every probe's outcome, and the
 * comparison with a saved baseline. The JSON, JUnit XML and HTML outputs are all written from this.
 *
 * @param created when the run started
 * @param suite the suite asked for
 * @param probeFiles probe file name to SHA-256
 * @param target the endpoint under test
 * @param compare the comparison endpoint, when given
 * @param results one per probe, in probe order
 * @param baseline the comparison with {@code --baseline}, when given
 */
public record RunReport(Instant created, String suite, Map<String, String> probeFiles, Endpoint target,
        Optional<Endpoint> compare, List<ProbeResult> results, Optional<Baseline.Diff> baseline) {

    public RunReport {
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(suite, "suite");
        probeFiles = Map.copyOf(probeFiles);
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(compare, "compare");
        results = List.copyOf(results);
        Objects.requireNonNull(baseline, "baseline");
    }

    /**
     * An endpoint as a report names it: its chat URL (never its key), the model asked for, and whether the probes
     * were sent with {@code stream: true}.
     */
    public record Endpoint(String url, String model, boolean stream) {
        public Endpoint {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(model, "model");
        }

        /** A non-streaming endpoint. */
        public Endpoint(String url, String model) {
            this(url, model, false);
        }
    }

    /** Count of each verdict on the target (every verdict present, zero or not). */
    public Map<Verdict, Integer> verdicts() {
        Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
        for (Verdict v : Verdict.values()) {
            counts.put(v, 0);
        }
        results.forEach(r -> counts.merge(r.target().verdict(), 1, Integer::sum));
        return counts;
    }

    /** Count of each verdict on the comparison endpoint; empty without one. */
    public Map<Verdict, Integer> compareVerdicts() {
        Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
        if (compare.isPresent()) {
            for (Verdict v : Verdict.values()) {
                counts.put(v, 0);
            }
            results.forEach(r -> r.compare().ifPresent(c -> counts.merge(c.verdict(), 1, Integer::sum)));
        }
        return counts;
    }

    /** Per OWASP category present: {probes, succeeded on the target}. */
    public Map<Owasp, int[]> byOwasp() {
        Map<Owasp, int[]> out = new TreeMap<>();
        for (ProbeResult r : results) {
            int[] c = out.computeIfAbsent(r.probe().owasp(), k -> new int[2]);
            c[0]++;
            if (r.target().verdict() == Verdict.SUCCEEDED) {
                c[1]++;
            }
        }
        return out;
    }

    public int succeeded() {
        return verdicts().get(Verdict.SUCCEEDED);
    }

    public long stoppedOnlyByTarget() {
        return results.stream().filter(ProbeResult::stoppedOnlyByTarget).count();
    }

    /** Whether a baseline was given and some probe that was stopped in it succeeds now. */
    public boolean regressed() {
        return baseline.map(d -> !d.regressions().isEmpty()).orElse(false);
    }
}
