package dev.bastion.gateway.pipeline;

import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.Refusal;
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
     * Runs the scanners and the policy, recording each scanner's findings and the decision in {@code event}.
     *
     * @return the verdict, never {@link Verdict.Block}
     * @throws Refusal 400 for structural problems, 403 for policy blocks; the message names finding types and
     *     counts, never the matched text
     */
    public Verdict check(CompiledRoute route, List<String> texts, AuditTrail.Event event) {
        return check(route, texts, texts.stream().map(t -> "user").toList(), event);
    }

    /** As above, with each text's message role (tool results are judged as indirect content). */
    public Verdict check(CompiledRoute route, List<String> texts, List<String> roles, AuditTrail.Event event) {
        List<Finding> findings = ScannerRunner.run(route.inputScanners(), texts, roles, metrics);
        for (dev.bastion.guard.Scanner s : route.inputScanners()) {
            Map<String, Integer> counts = new java.util.TreeMap<>();
            double max = 0;
            for (Finding f : findings) {
                if (f.scanner().equals(s.id())) {
                    counts.merge(f.type(), 1, Integer::sum);
                    max = Math.max(max, f.score());
                }
            }
            event.controls.add(new AuditTrail.Control(s.id(), "input", counts, max, null));
        }
        Verdict verdict = route.policy().decide(findings);
        event.findings.putAll(verdict.findingCounts());
        String outcome = switch (verdict) {
            case Verdict.Allow a -> "allow";
            case Verdict.Transform t -> "transform";
            case Verdict.Block b -> "block: " + b.reason();
        };
        event.decision = outcome.startsWith("block") ? "block" : outcome;
        event.controls.add(new AuditTrail.Control("policy", "decide", Map.of(), 0, outcome));
        if (verdict instanceof Verdict.Block block) {
            throw new Refusal(refusalFor(route, block));
        }
        return verdict;
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
