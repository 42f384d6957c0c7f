package dev.bastion.privacy.accounting;

import java.util.List;

/**
 * Zero-concentrated DP (Bun and Steinke 2016): pure ε-DP is (ε²/2)-zCDP (their Proposition 1.4), the Gaussian
 * mechanism with noise multiplier z is (1/(2z²))-zCDP (Proposition 1.6; the discrete Gaussian too, Canonne et al.
 * 2020), and ρ add up. ρ-zCDP means RDP αρ at every order, converted to (ε, δ) with the same improved conversion as
 * {@link RdpAccountant}, minimised over a fine grid of α. Immutable and thread-safe.
 */
public final class ZcdpAccountant implements Accountant {

    @Override
    public String name() {
        return "zcdp";
    }

    @Override
    public boolean supports(PrivacyEvent event) {
        return event instanceof PrivacyEvent.PureDp || event instanceof PrivacyEvent.Gaussian;
    }

    /** The total ρ of {@code events}. */
    public double rho(List<PrivacyEvent> events) {
        double rho = 0;
        for (PrivacyEvent e : events) {
            rho += switch (e) {
                case PrivacyEvent.PureDp p -> p.epsilon() * p.epsilon() / 2;
                case PrivacyEvent.Gaussian g -> 1 / (2 * g.noiseMultiplier() * g.noiseMultiplier());
                default -> throw new IllegalArgumentException("zCDP cannot bound " + e.describe());
            };
        }
        return rho;
    }

    @Override
    public double epsilon(List<PrivacyEvent> events, double delta) {
        Accounting.checkDelta(delta);
        double rho = rho(events);
        if (rho == 0) {
            return 0;
        }
        if (delta == 0) {
            return Double.POSITIVE_INFINITY;
        }
        double best = Double.POSITIVE_INFINITY;
        // α from 1.001 to 1e6, 4000 points on a log scale: the bound is smooth and unimodal in α.
        for (int i = 0; i <= 4000; i++) {
            double a = 1 + Math.pow(10, -3 + 9.0 * i / 4000);
            double eps = a * rho + Math.log1p(-1 / a) - Math.log(delta * a) / (a - 1);
            best = Math.min(best, eps);
        }
        return Math.max(0, best);
    }
}
