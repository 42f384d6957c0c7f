package dev.bastion.gateway.pipeline;

import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.metrics.GatewayMetrics;
import dev.bastion.guard.Pseudonymizer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
    private final Optional<String> canary;
    private final StringBuilder pending = new StringBuilder();

    StreamGuard(CompiledRoute route, Pseudonymizer pseudonymizer, GatewayMetrics metrics, int window) {
        this(route, pseudonymizer, metrics, window, Optional.empty());
    }

    StreamGuard(CompiledRoute route, Pseudonymizer pseudonymizer, GatewayMetrics metrics, int window,
            Optional<String> canary) {
        this.route = route;
        this.pseudonymizer = pseudonymizer;
        this.restorer = pseudonymizer.restorer(dev.bastion.guard.pseudonym.Restorer.Escaping.NONE);
        this.metrics = metrics;
        this.canary = canary;
        this.window = canary.map(c -> Math.max(window, c.length())).orElse(window);
    }

    /** Text now safe to send, or why the stream must stop. */
    sealed interface Released {
        record Text(String text) implements Released {
            public Text {
                Objects.requireNonNull(text, "text");
            }
        }

        record Blocked(ApiError error) implements Released {
            public Blocked {
                Objects.requireNonNull(error, "error");
            }
        }
    }

    /** Takes a delta; returns the text now safe to send (possibly empty), or the block. */
    Released append(String delta) {
        pending.append(delta);
        Optional<ApiError> blocked = scanPending();
        if (blocked.isPresent()) {
            return new Released.Blocked(blocked.get());
        }
        int release = pending.length() - window;
        if (release <= 0) {
            return new Released.Text("");
        }
        String out = pending.substring(0, release);
        pending.delete(0, release);
        return new Released.Text(restorer.push(out)); // the restorer holds back a surrogate cut by the release boundary
    }

    /** Ends the choice: scans and releases everything held back, or the block. */
    Released flush() {
        Optional<ApiError> blocked = scanPending();
        if (blocked.isPresent()) {
            return new Released.Blocked(blocked.get());
        }
        String out = pending.toString();
        pending.setLength(0);
        return new Released.Text(restorer.push(out) + restorer.finish());
    }

    private Optional<ApiError> scanPending() {
        if (pending.isEmpty()) {
            return Optional.empty();
        }
        String text = pending.toString();
        return switch (OutputGuard.check(route, List.of(text), metrics, pseudonymizer::isSurrogate, canary)) {
            case OutputGuard.Result.Blocked b -> Optional.of(b.error());
            case OutputGuard.Result.Pass p -> {
                String rewritten = p.texts().getFirst();
                if (!rewritten.equals(text)) {
                    pending.setLength(0);
                    pending.append(rewritten);
                }
                yield Optional.empty();
            }
        };
    }
}
