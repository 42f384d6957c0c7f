package dev.bastion.gateway.pipeline;

import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.metrics.GatewayMetrics;
import dev.bastion.guard.Finding;
import dev.bastion.guard.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/** Stage 3: scans the request's texts with the route's input scanners and asks the route's policy for a verdict. */
public final class InputGuard {
    private final GatewayMetrics metrics;

    public InputGuard(GatewayMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * What the input controls found and what the policy decided.
     *
     * @param controls each input scanner with its finding counts and top score, then the policy's decision
     * @param decision {@code allow}, {@code transform} or {@code block}
     */
    public record Decision(Verdict verdict, List<AuditRecord.Control> controls, String decision) {
        public Decision {
            Objects.requireNonNull(verdict, "verdict");
            controls = List.copyOf(controls);
            Objects.requireNonNull(decision, "decision");
        }

        /** The refusal when the policy blocked, else empty. */
        public java.util.Optional<ApiError> refusal(CompiledRoute route) {
            return verdict instanceof Verdict.Block b ? java.util.Optional.of(refusalFor(route, b)) : java.util.Optional.empty();
        }

        /** The facts with these controls and this decision added. */
        public RequestFacts addTo(RequestFacts facts) {
            return facts.decided(decision, controls, verdict.findingCounts());
        }
    }

    /** Runs the scanners and the policy over texts that all come from users. */
    public Decision check(CompiledRoute route, List<String> texts) {
        return check(route, texts, java.util.Collections.nCopies(texts.size(), "user"));
    }

    /**
     * Runs the route's input scanners (each text with its message role: tool results are judged as indirect
     * content) and asks the route's policy for a verdict. Refusal messages name finding types and counts, never
     * the matched text.
     */
    public Decision check(CompiledRoute route, List<String> texts, List<String> roles) {
        List<Finding> findings = ScannerRunner.run(route.inputScanners(), texts, roles, metrics);
        List<AuditRecord.Control> controls = new java.util.ArrayList<>(controlsOf(route.inputScanners(), findings, "input"));
        Verdict verdict = route.policy().decide(findings);
        String outcome = switch (verdict) {
            case Verdict.Allow a -> "allow";
            case Verdict.Transform t -> "transform";
            case Verdict.Block b -> "block: " + b.reason();
        };
        controls.add(new AuditRecord.Control("policy", "decide", Map.of(), 0, outcome));
        return new Decision(verdict, controls, outcome.startsWith("block") ? "block" : outcome);
    }

    /** One control per scanner: the finding types it reported (counts) and its highest score. */
    static List<AuditRecord.Control> controlsOf(List<dev.bastion.guard.Scanner> scanners, List<Finding> findings,
            String stage) {
        List<AuditRecord.Control> out = new java.util.ArrayList<>();
        for (dev.bastion.guard.Scanner s : scanners) {
            Map<String, Integer> counts = new java.util.TreeMap<>();
            double max = 0;
            for (Finding f : findings) {
                if (f.scanner().equals(s.id())) {
                    counts.merge(f.type(), 1, Integer::sum);
                    max = Math.max(max, f.score());
                }
            }
            out.add(new AuditRecord.Control(s.id(), stage, counts, max, null));
        }
        return out;
    }

    static ApiError refusalFor(CompiledRoute route, Verdict.Block block) {
        String counts = describe(block.findingCounts());
        // The finding that blocked decides the kind of refusal; other findings beside it are only counted.
        String blockingType = block.reason().substring(block.reason().indexOf(':') + 1);
        boolean structural = block.findings().stream().filter(f -> f.type().equals(blockingType))
                .allMatch(f -> f.scanner().equals("structure"));
        if (structural) {
            return ApiError.invalidRequest("invalid_content",
                    "The request was refused by the structural checks: " + counts + ".");
        }
        return ApiError.policyBlocked("blocked_by_policy",
                "The request was blocked by the policy of route '" + route.name() + "': " + counts + ".");
    }

    static String describe(Map<String, Integer> counts) {
        return counts.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", "));
    }
}
