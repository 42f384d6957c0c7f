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

    /**
     * This verdict once the destination is known: PSEUDONYMISE_CLOUD findings become pseudonymisations when the
     * request leaves this machine and are dropped when a local model answers. A transform left with nothing to do
     * becomes {@link Allow}.
     *
     * @param leavesMachine whether the model that will answer runs off this machine
     */
    default Verdict forDestination(boolean leavesMachine) {
        if (!(this instanceof Transform t) || t.pseudonymiseIfCloud().isEmpty()) {
            return this;
        }
        List<Finding> pseudonymise = new java.util.ArrayList<>(t.pseudonymise());
        if (leavesMachine) {
            pseudonymise.addAll(t.pseudonymiseIfCloud());
        }
        if (t.redact().isEmpty() && pseudonymise.isEmpty() && !t.forceLocal()) {
            return new Allow(t.findings());
        }
        return new Transform(t.redact(), pseudonymise, List.of(), t.forceLocal(), t.findings());
    }

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

    /**
     * Rewrite the spans in {@code redact} and {@code pseudonymise}; pseudonymise those in {@code pseudonymiseIfCloud}
     * too if the request leaves this machine (see {@link #forDestination(boolean)}); if {@code forceLocal}, stay on
     * this machine.
     */
    record Transform(List<Finding> redact, List<Finding> pseudonymise, List<Finding> pseudonymiseIfCloud,
            boolean forceLocal, List<Finding> findings) implements Verdict {
        public Transform {
            redact = List.copyOf(redact);
            pseudonymise = List.copyOf(pseudonymise);
            pseudonymiseIfCloud = List.copyOf(pseudonymiseIfCloud);
            findings = List.copyOf(findings);
        }

        /** A transform whose rewrites do not depend on the destination. */
        public Transform(List<Finding> redact, List<Finding> pseudonymise, boolean forceLocal, List<Finding> findings) {
            this(redact, pseudonymise, List.of(), forceLocal, findings);
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
