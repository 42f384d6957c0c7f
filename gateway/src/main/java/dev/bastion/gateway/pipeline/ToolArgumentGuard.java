package dev.bastion.gateway.pipeline;

import dev.bastion.gateway.api.ApiError;
import dev.bastion.guard.Pseudonymizer;
import dev.bastion.guard.pseudonym.Restorer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The output guard of one streamed tool call's arguments, fragment by fragment: the prompt canary is looked for
 * across fragments, and pseudonyms are restored by a JSON-aware {@link Restorer} (a surrogate split between
 * fragments, or escaped by the model, comes back whole). What it holds back is only what it must: the end of the
 * arguments while it may still be the start of the canary, and the restorer's own tail (a possible surrogate).
 * Each fragment's release goes out at once. Not thread-safe: one per call.
 */
final class ToolArgumentGuard {
    private final Optional<String> canary;
    private final Restorer restorer;
    /** Fragment text not yet released: a possible beginning of the canary. */
    private final StringBuilder held = new StringBuilder();
    /** The last released characters (fewer than the canary's length), the context a split canary needs. */
    private final StringBuilder released = new StringBuilder();

    ToolArgumentGuard(Pseudonymizer pseudonymizer, Optional<String> canary) {
        this.canary = Objects.requireNonNull(canary, "canary");
        this.restorer = pseudonymizer.restorer(Restorer.Escaping.JSON_STRING);
    }

    /** Arguments now safe to send, or why the stream must stop. */
    sealed interface Released {
        record Arguments(String text) implements Released {
            public Arguments {
                Objects.requireNonNull(text, "text");
            }
        }

        record Blocked(ApiError error) implements Released {
            public Blocked {
                Objects.requireNonNull(error, "error");
            }
        }
    }

    /** Takes a fragment of the call's arguments (as the upstream sent it); returns what may go out now. */
    Released push(String fragment) {
        held.append(fragment);
        Optional<ApiError> leak = OutputGuard.canaryLeak(List.of(released + held.toString()), canary);
        if (leak.isPresent()) {
            return new Released.Blocked(leak.get());
        }
        int keep = canaryStart();
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        canary.ifPresent(c -> {
            released.append(out);
            if (released.length() >= c.length()) {
                released.delete(0, released.length() - c.length() + 1);
            }
        });
        return new Released.Arguments(restorer.push(out));
    }

    /** Ends the call: everything held back, restored (a held canary beginning never became the canary). */
    String finish() {
        String rest = held.toString();
        held.setLength(0);
        return restorer.push(rest) + restorer.finish();
    }

    /** How many characters at the end of {@code held} may be the beginning of the canary (0 without one). */
    private int canaryStart() {
        return canary.map(c -> PromptCanary.partialAtEnd(held, c)).orElse(0);
    }
}
