package dev.bastion.gateway.pipeline;

import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.metrics.GatewayMetrics;
import dev.bastion.guard.Pseudonymizer;
import dev.bastion.guard.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import dev.bastion.guard.Scanner;

/**
 * Output scanning of one streamed choice, releasing text as soon as the scanners have settled it.
 *
 * <p>Text arrives in deltas. The guard keeps the not-yet-released text and scans it after each delta together with
 * up to {@code window} characters released before it (the context a scanner needs: the {@code password =} before
 * a value), rewriting only the unreleased part. What it releases depends on the route's output scanners:
 * <ul>
 *   <li>When every one of them can say where its findings are settled ({@link dev.bastion.guard.Scanner#settledBefore},
 *       the secrets scanner can), the guard releases up to the earliest such point and holds the rest (the unfinished
 *       last word, a key block until its end line), at most {@link #MAX_HOLD} characters. An answer without a secret
 *       in it flows word by word.</li>
 *   <li>Otherwise it releases all but the last {@code window} characters. Any match of at most {@code window}
 *       characters that ends in newly arrived text then starts after the release boundary, so it is seen whole
 *       before any of it is released. (Proof: a match ending at e with length L &lt;= W starts at e - L &gt;= e - W,
 *       and the previous release boundary is at most previousLength - W &lt; e - W, since e &gt; previousLength.)
 *       Matches longer than the window are out of scope and documented as such.</li>
 * </ul>
 * A planted prompt canary is held while the text ends in a beginning of it, so a leak split across chunks is seen
 * whole. Pseudonyms split across chunks are restored whole by the restorer, which holds its own tail.
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
    /** The last {@code window} characters released (as scanned, before pseudonyms are restored). */
    private final StringBuilder released = new StringBuilder();

    /** The most a stream holds back for scanners that settle their findings themselves. */
    static final int MAX_HOLD = 16_384;

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
        String text = released + pending.toString();
        return release(text, releasePoint(text));
    }

    /** Ends the choice: scans and releases everything held back, or the block. */
    Released flush() {
        Released last = release(released + pending.toString(), pending.length());
        return switch (last) {
            case Released.Blocked b -> b;
            case Released.Text t -> new Released.Text(t.text() + restorer.finish());
        };
    }

    /**
     * Releases the pending text before {@code point}, where the scanners have settled it, with the findings that
     * start there applied. A finding that runs past {@code point} is settled too (it started in settled text) and is
     * released whole, as its tag. Findings that start later are left alone: rewriting half a token would send the
     * rest of it after the tag.
     *
     * @param text the released context followed by the pending text, as it stands
     */
    private Released release(String text, int point) {
        Optional<ApiError> leak = OutputGuard.canaryLeak(List.of(text), canary);
        if (leak.isPresent()) {
            return new Released.Blocked(leak.get());
        }
        if (point <= 0 && !pending.isEmpty()) {
            return new Released.Text("");
        }
        int cut = point;
        List<Finding> settled = new ArrayList<>();
        for (Finding f : OutputGuard.tailFindings(route, text, released.length(), metrics, pseudonymizer::isSurrogate)) {
            if (!f.hasSpan() || f.start() < point) {
                settled.add(f);
                cut = Math.max(cut, Math.min(f.end(), pending.length()));
            }
        }
        return switch (OutputGuard.decide(route, List.of(pending.substring(0, cut)), settled)) {
            case OutputGuard.Result.Blocked b -> new Released.Blocked(b.error());
            case OutputGuard.Result.Pass p -> {
                String out = p.texts().getFirst();
                pending.delete(0, cut);
                released.append(out);
                if (released.length() > window) {
                    released.delete(0, released.length() - window);
                }
                yield new Released.Text(restorer.push(out)); // the restorer holds back a surrogate cut by the boundary
            }
        };
    }

    /** How much of the pending text may go out now. */
    private int releasePoint(String text) {
        OptionalInt settled = settled(text);
        if (settled.isEmpty()) {
            return Math.max(0, pending.length() - window);
        }
        return Math.clamp(settled.getAsInt(), Math.max(0, pending.length() - MAX_HOLD), pending.length());
    }

    /** Where every output scanner (and the canary) has settled, in pending's offsets; empty if one cannot tell. */
    private OptionalInt settled(String text) {
        int point = text.length();
        for (Scanner s : route.outputScanners()) {
            OptionalInt p = s.settledBefore(text);
            if (p.isEmpty()) {
                return OptionalInt.empty();
            }
            point = Math.min(point, p.getAsInt());
        }
        if (canary.isPresent()) {
            point = Math.min(point, text.length() - PromptCanary.partialAtEnd(text, canary.get()));
        }
        return OptionalInt.of(point - released.length());
    }
}
