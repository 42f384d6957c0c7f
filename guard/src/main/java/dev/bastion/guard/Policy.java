package dev.bastion.guard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides what findings mean: each finding type maps to an {@link Action}; types not listed get the default.
 *
 * <p>The strongest action wins: any BLOCK refuses the whole request; otherwise redactions, pseudonymisations and
 * force-local combine into one {@link Verdict.Transform}. PSEUDONYMISE_CLOUD findings wait in the transform until the
 * destination is known ({@link Verdict#forDestination(boolean)}). A finding without a span (a property of the whole
 * request, such as too many messages) cannot be rewritten, so REDACT or PSEUDONYMISE on it blocks.
 * This class is immutable and thread-safe.
 */
public final class Policy {
    private final Map<String, Action> actions;
    private final Action defaultAction;

    public Policy(Map<String, Action> actions, Action defaultAction) {
        this.actions = Map.copyOf(actions);
        this.defaultAction = Objects.requireNonNull(defaultAction, "defaultAction");
    }

    /** The action for one finding type. */
    public Action actionFor(String findingType) {
        return actions.getOrDefault(findingType, defaultAction);
    }

    public Verdict decide(List<Finding> findings) {
        List<Finding> redact = new ArrayList<>();
        List<Finding> pseudonymise = new ArrayList<>();
        List<Finding> pseudonymiseIfCloud = new ArrayList<>();
        boolean forceLocal = false;
        for (Finding f : findings) {
            Action action = actionFor(f.type());
            if ((action == Action.REDACT || action == Action.PSEUDONYMISE || action == Action.PSEUDONYMISE_CLOUD)
                    && !f.hasSpan()) {
                action = Action.BLOCK;
            }
            switch (action) {
                case BLOCK -> {
                    return new Verdict.Block("blocked_by_policy:" + f.type(), findings);
                }
                case REDACT -> redact.add(f);
                case PSEUDONYMISE -> pseudonymise.add(f);
                case PSEUDONYMISE_CLOUD -> pseudonymiseIfCloud.add(f);
                case FORCE_LOCAL -> forceLocal = true;
                case ALLOW -> { }
            }
        }
        if (redact.isEmpty() && pseudonymise.isEmpty() && pseudonymiseIfCloud.isEmpty() && !forceLocal) {
            return new Verdict.Allow(findings);
        }
        return new Verdict.Transform(redact, pseudonymise, pseudonymiseIfCloud, forceLocal, findings);
    }
}
