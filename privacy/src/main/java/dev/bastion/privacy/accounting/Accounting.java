package dev.bastion.privacy.accounting;

import java.util.ArrayList;
import java.util.List;

/**
 * The tightest (ε, δ) for a composition of events: every accountant that supports all the non-approximate events
 * gives a valid upper bound, and the smallest wins. {@link PrivacyEvent.Approximate} events are added on top by basic
 * composition: their deltas come off the target δ first and their epsilons are added at the end. Immutable and
 * thread-safe.
 */
public final class Accounting {

    /** A guarantee and the accountant that proved it. */
    public record Spent(double epsilon, double delta, String accountant) {
        public Spent {
            if (!(epsilon >= 0)) {
                throw new IllegalArgumentException("epsilon must be non-negative, got " + epsilon);
            }
            checkDelta(delta);
        }
    }

    private final List<Accountant> accountants;

    public Accounting(List<Accountant> accountants) {
        if (accountants.isEmpty()) {
            throw new IllegalArgumentException("at least one accountant is needed");
        }
        this.accountants = List.copyOf(accountants);
    }

    /** Pure composition, zCDP, RDP and PLD. */
    public static Accounting standard() {
        return new Accounting(List.of(new PureComposition(), new ZcdpAccountant(), new RdpAccountant(),
                new PldAccountant()));
    }

    /**
     * The smallest ε any accountant proves for {@code events} at {@code delta}; ε = 0 for no events.
     *
     * @return the guarantee, with ε infinite when no accountant gives a finite one
     */
    public Spent spent(List<PrivacyEvent> events, double delta) {
        checkDelta(delta);
        List<PrivacyEvent> mechanisms = new ArrayList<>();
        double approxEps = 0;
        double approxDelta = 0;
        for (PrivacyEvent e : events) {
            if (e instanceof PrivacyEvent.Approximate a) {
                approxEps += a.epsilon();
                approxDelta += a.delta();
            } else {
                mechanisms.add(e);
            }
        }
        if (approxDelta > delta) {
            return new Spent(Double.POSITIVE_INFINITY, delta, "basic");
        }
        if (mechanisms.isEmpty()) {
            return new Spent(approxEps, delta, events.isEmpty() ? "none" : "basic");
        }
        double rest = delta - approxDelta;
        double best = Double.POSITIVE_INFINITY;
        String name = "none";
        for (Accountant accountant : accountants) {
            if (mechanisms.stream().allMatch(accountant::supports)) {
                double eps = accountant.epsilon(mechanisms, rest);
                if (eps < best) {
                    best = eps;
                    name = accountant.name();
                }
            }
        }
        return new Spent(best + approxEps, delta, name);
    }

    static void checkDelta(double delta) {
        if (!(delta >= 0 && delta < 1)) {
            throw new IllegalArgumentException("delta must be in [0, 1), got " + delta);
        }
    }
}
