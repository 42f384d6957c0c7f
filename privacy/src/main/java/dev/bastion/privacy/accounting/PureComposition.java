package dev.bastion.privacy.accounting;

import java.util.List;

/**
 * Basic composition of pure ε-DP events: the epsilons add up, at δ = 0 (Dwork and Roth 2014, Theorem 3.16). Exact
 * for few events, loose for many. Immutable and thread-safe.
 */
public final class PureComposition implements Accountant {

    @Override
    public String name() {
        return "pure";
    }

    @Override
    public boolean supports(PrivacyEvent event) {
        return event instanceof PrivacyEvent.PureDp;
    }

    @Override
    public double epsilon(List<PrivacyEvent> events, double delta) {
        Accounting.checkDelta(delta);
        double sum = 0;
        for (PrivacyEvent e : events) {
            if (!(e instanceof PrivacyEvent.PureDp p)) {
                throw new IllegalArgumentException("pure composition cannot bound " + e.describe());
            }
            sum += p.epsilon();
        }
        return sum;
    }
}
