package dev.bastion.gateway.pipeline;

import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.metrics.GatewayMetrics;
import dev.bastion.guard.Finding;
import dev.bastion.guard.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Stage 7, scan output: the route's output scanners over answer texts, decided by the same {@code Policy} as the
 * input ({@link dev.bastion.guard.Policy#decide}), so one finding with one action gives one decision on both sides.
 * The answer goes to the client, never off this machine, so cloud-only pseudonymisation does not apply there, and a
 * pseudonymisation of an answer is a redaction (there is nothing to restore it from). Used whole for complete answers
 * and window by window by {@link StreamGuard}. Stateless.
 */
final class OutputGuard {
    private OutputGuard() {
    }

    /** The answer texts as they may go out, or why they may not. */
    sealed interface Result {
        record Pass(List<String> texts) implements Result {
            public Pass {
                texts = List.copyOf(texts);
            }
        }

        record Blocked(ApiError error) implements Result {
            public Blocked {
                Objects.requireNonNull(error, "error");
            }
        }
    }

    /** The refusal when any of {@code texts} repeats the prompt canary planted in the request. */
    static Optional<ApiError> canaryLeak(List<String> texts, Optional<String> canary) {
        if (canary.isPresent() && texts.stream().anyMatch(t -> t.contains(canary.get()))) {
            return Optional.of(ApiError.policyBlocked("output_blocked",
                    "The answer was stopped: it repeated the system prompt (a system-prompt leak)."));
        }
        return Optional.empty();
    }

    /**
     * Scans {@code texts} and applies the policy.
     *
     * @param isSurrogate surrogates this request handed out: a finding that is exactly one of them (a realistic fake
     *     name or e-mail) is the request's own pseudonym, to be restored, not redacted
     * @param canary the prompt canary planted in the request, if any: an answer that repeats it leaks the system prompt
     */
    static Result check(CompiledRoute route, List<String> texts, GatewayMetrics metrics, Predicate<String> isSurrogate,
            Optional<String> canary) {
        Optional<ApiError> leak = canaryLeak(texts, canary);
        if (leak.isPresent()) {
            return new Result.Blocked(leak.get());
        }
        if (route.outputScanners().isEmpty()) {
            return new Result.Pass(texts);
        }
        List<Finding> findings = new ArrayList<>();
        for (Finding f : ScannerRunner.run(route.outputScanners(), texts, metrics)) {
            if (!isOwnSurrogate(f, texts.get(f.segment()), isSurrogate)) {
                findings.add(f);
            }
        }
        return decide(route, texts, findings);
    }

    /**
     * The output scanners' findings in the tail of {@code text} from {@code from} on, scanned whole so they see the
     * text before it (the {@code password =} before a value): offsets are in the tail; a finding that starts before
     * {@code from} is cut to its part in the tail, one wholly before it is dropped (it was decided when that text was
     * the tail).
     */
    static List<Finding> tailFindings(CompiledRoute route, String text, int from, GatewayMetrics metrics,
            Predicate<String> isSurrogate) {
        if (route.outputScanners().isEmpty()) {
            return List.of();
        }
        List<Finding> findings = new ArrayList<>();
        for (Finding f : ScannerRunner.run(route.outputScanners(), List.of(text), metrics)) {
            if (!f.hasSpan()) {
                findings.add(f);
            } else if (f.end() > from && !isOwnSurrogate(f, text, isSurrogate)) {
                findings.add(new Finding(f.type(), 0, Math.max(0, f.start() - from), f.end() - from, f.score(), f.scanner()));
            }
        }
        return findings;
    }

    private static boolean isOwnSurrogate(Finding f, String text, Predicate<String> isSurrogate) {
        return f.hasSpan() && f.end() <= text.length() && isSurrogate.test(text.substring(f.start(), f.end()));
    }

    static Result decide(CompiledRoute route, List<String> texts, List<Finding> findings) {
        if (findings.isEmpty()) {
            return new Result.Pass(texts);
        }
        return switch (route.policy().decide(findings).forDestination(false)) {
            case Verdict.Allow a -> new Result.Pass(texts);
            case Verdict.Block b -> new Result.Blocked(ApiError.policyBlocked("output_blocked",
                    "The answer was stopped by the output policy of route '" + route.name() + "': "
                            + b.reason().substring(b.reason().indexOf(':') + 1) + "."));
            case Verdict.Transform t -> new Result.Pass(Rewrite.asTags(texts, t));
        };
    }
}
