package dev.bastion.guard;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a {@link Policy} decided about a set of findings. Callers switch over it exhaustively.
 *
 * <p>A request either passes unchanged ({@link Allow}), is refused ({@link Block}), or passes after changes
 * ({@link Transform}): one request can need several changes at once (redact a card number, pseudonymise a name,
 * and keep the whole request on this machine), so they travel together.
 */
public sealed interface Verdict {

    /** Every finding's type with how often it occurred; safe to log and audit (no matched values). */
    Map<String, Integer> findingCounts();

    /** Nothing to do. */
    record Allow(List<Finding> findings) implements Verdict {
        public Allow {
            findings = List.copyOf(findings);
        }

        @Override
        public Map<String, Integer> findingCounts() {
            return count(findings);
        }
    }

    /** Refuse; {@code reason} is a short machine-readable code such as {@code blocked_by_policy:DENY_LIST}. */
    record Block(String reason, List<Finding> findings) implements Verdict {
        public Block {
            Objects.requireNonNull(reason, "reason");
            findings = List.copyOf(findings);
        }

        @Override
        public Map<String, Integer> findingCounts() {
            return count(findings);
        }
    }

    /** Rewrite the spans in {@code redact} and {@code pseudonymise}; if {@code forceLocal}, stay on this machine. */
    record Transform(List<Finding> redact, List<Finding> pseudonymise, boolean forceLocal, List<Finding> findings)
            implements Verdict {
        public Transform {
            redact = List.copyOf(redact);
            pseudonymise = List.copyOf(pseudonymise);
            findings = List.copyOf(findings);
        }

        @Override
        public Map<String, Integer> findingCounts() {
            return count(findings);
        }
    }

    private static Map<String, Integer> count(List<Finding> findings) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Finding f : findings) {
            counts.merge(f.type(), 1, Integer::sum);
        }
        return counts;
    }
}
