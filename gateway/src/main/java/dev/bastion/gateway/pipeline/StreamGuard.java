package dev.bastion.gateway.pipeline;

import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.Refusal;
import dev.bastion.gateway.metrics.GatewayMetrics;
import dev.bastion.guard.Finding;
import dev.bastion.guard.Verdict;
import dev.bastion.guard.Pseudonymizer;
import dev.bastion.guard.Redactor;
import java.util.ArrayList;
import java.util.List;

/**
 * Output scanning of one streamed choice, with a bounded hold-back window.
 *
 * <p>Text arrives in deltas. The guard keeps the not-yet-released text, scans it after each delta, and releases all
 * but the last {@code window} characters. Any match of at most {@code window} characters that ends in newly
 * arrived text starts after the release boundary, so it is seen whole before any of it is released: nothing that
 * spans two chunks escapes. (Proof: a match ending at e with length L &lt;= W starts at e - L &gt;= e - W, and the
 * previous release boundary is at most previousLength - W &lt; e - W, since e &gt; previousLength.) Matches longer
 * than the window are out of scope and documented as such. The same window lets pseudonyms split across chunks
 * be restored whole.
 *
 * <p>On the output side, REDACT and PSEUDONYMISE rewrite the span as a type tag, BLOCK ends the stream, and
 * ALLOW and FORCE-LOCAL (meaningless once the answer exists) let it pass. Not thread-safe: one per choice.
 */
final class StreamGuard {
    private final CompiledRoute route;
    private final Pseudonymizer pseudonymizer;
    private final dev.bastion.guard.pseudonym.Restorer restorer;
    private final GatewayMetrics metrics;
    private final int window;
    private final java.util.Optional<String> canary;
    private final StringBuilder pending = new StringBuilder();

    StreamGuard(CompiledRoute route, Pseudonymizer pseudonymizer, GatewayMetrics metrics, int window) {
        this(route, pseudonymizer, metrics, window, java.util.Optional.empty());
    }

    StreamGuard(CompiledRoute route, Pseudonymizer pseudonymizer, GatewayMetrics metrics, int window,
            java.util.Optional<String> canary) {
        this.route = route;
        this.pseudonymizer = pseudonymizer;
        this.restorer = pseudonymizer.restorer(dev.bastion.guard.pseudonym.Restorer.Escaping.NONE);
        this.metrics = metrics;
        this.canary = canary;
        this.window = canary.map(c -> Math.max(window, c.length())).orElse(window);
    }

    /** Takes a delta; returns the text now safe to send (possibly empty). @throws Refusal when output is blocked */
    String append(String delta) {
        pending.append(delta);
        scanPending();
        int release = pending.length() - window;
        if (release <= 0) {
            return "";
        }
        String out = pending.substring(0, release);
        pending.delete(0, release);
        return restorer.push(out); // the restorer holds back a surrogate cut by the release boundary
    }

    /** Ends the choice: scans and releases everything held back. */
    String flush() {
        scanPending();
        String out = pending.toString();
        pending.setLength(0);
        return restorer.push(out) + restorer.finish();
    }

    private void scanPending() {
        canary.ifPresent(c -> PromptCanary.check(pending.toString(), c));
        if (route.outputScanners().isEmpty() || pending.isEmpty()) {
            return;
        }
        String text = pending.toString();
        String rewritten = checkOutput(route, List.of(text), metrics, pseudonymizer::isSurrogate).getFirst();
        if (!rewritten.equals(text)) {
            pending.setLength(0);
            pending.append(rewritten);
        }
    }

    /**
     * Scans answer texts with the route's output scanners and applies the policy.
     *
     * @param isSurrogate surrogates this request handed out: a finding that is exactly one of them (a realistic
     *     fake name or e-mail) is the request's own pseudonym, to be restored, not redacted
     * @return the texts, with spans to redact replaced by type tags
     * @throws Refusal 403 {@code output_blocked} when a finding's action is BLOCK
     */
    static List<String> checkOutput(CompiledRoute route, List<String> texts, GatewayMetrics metrics,
            java.util.function.Predicate<String> isSurrogate) {
        List<Finding> findings = new ArrayList<>();
        for (Finding f : ScannerRunner.run(route.outputScanners(), texts, metrics)) {
            if (!(f.hasSpan() && f.end() <= texts.get(f.segment()).length()
                    && isSurrogate.test(texts.get(f.segment()).substring(f.start(), f.end())))) {
                findings.add(f);
            }
        }
        if (findings.isEmpty()) {
            return texts;
        }
        // The same Policy decides as on input; the answer goes to the client, never off this machine, so cloud-only
        // pseudonymisation does not apply, and a pseudonymisation of the answer is a redaction (there is nothing
        // to restore it from).
        List<Finding> redact = new ArrayList<>();
        switch (route.policy().decide(findings).forDestination(false)) {
            case Verdict.Allow a -> {
                return texts;
            }
            case Verdict.Block b -> throw new Refusal(ApiError.policyBlocked("output_blocked",
                    "The answer was stopped by the output policy of route '" + route.name() + "': "
                            + b.reason().substring(b.reason().indexOf(':') + 1) + "."));
            case Verdict.Transform t -> {
                redact.addAll(t.redact());
                redact.addAll(t.pseudonymise());
            }
        }
        List<String> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            out.add(Redactor.redact(texts.get(i), i, redact));
        }
        return out;
    }
}
