package dev.bastion.privacy.accounting;

/**
 * One use of private data, described by the mechanism that ran rather than by an epsilon: the accountants derive
 * the tightest guarantee they can from these parameters. A list of events is their composition. Every record
 * checks its own parameters.
 */
public sealed interface PrivacyEvent {

    /** A short human description, such as {@code laplace(eps=0.5)}. */
    String describe();

    /**
     * A mechanism that is ε-differentially private (pure DP): the (discrete) Laplace mechanism with scale
     * sensitivity/ε, the exponential mechanism, randomised response.
     */
    record PureDp(double epsilon) implements PrivacyEvent {
        public PureDp {
            Checks.positiveFinite("epsilon", epsilon);
        }

        @Override
        public String describe() {
            return "pure(eps=" + Checks.fmt(epsilon) + ")";
        }
    }

    /**
     * The Gaussian mechanism with noise multiplier z = σ / (L2 sensitivity). {@code discrete} marks the discrete
     * Gaussian on a grid, which satisfies the same concentrated-DP bound (1/(2z²))-zCDP (Canonne et al. 2020) and,
     * with σ of at least 2^20 grid units as Bastion's mechanisms use, the continuous Gaussian's privacy profile to
     * within about 2^-40 relative; the accountants treat both kinds alike.
     */
    record Gaussian(double noiseMultiplier, boolean discrete) implements PrivacyEvent {
        public Gaussian {
            Checks.positiveFinite("noise multiplier", noiseMultiplier);
        }

        @Override
        public String describe() {
            return (discrete ? "discrete-gaussian" : "gaussian") + "(z=" + Checks.fmt(noiseMultiplier) + ")";
        }
    }

    /**
     * {@code steps} rounds of the continuous Gaussian mechanism (noise multiplier z) on a Poisson sample of the
     * data taken with probability {@code samplingRate} per record: DP-SGD, under add-or-remove-one adjacency.
     */
    record SubsampledGaussian(double samplingRate, double noiseMultiplier, long steps) implements PrivacyEvent {
        public SubsampledGaussian {
            if (!(samplingRate > 0 && samplingRate <= 1)) {
                throw new IllegalArgumentException("sampling rate must be in (0, 1], got " + samplingRate);
            }
            Checks.positiveFinite("noise multiplier", noiseMultiplier);
            if (steps < 1) {
                throw new IllegalArgumentException("steps must be positive, got " + steps);
            }
        }

        @Override
        public String describe() {
            return "subsampled-gaussian(q=" + Checks.fmt(samplingRate) + ", z=" + Checks.fmt(noiseMultiplier)
                    + ", steps=" + steps + ")";
        }
    }

    /**
     * A mechanism known only to be (ε, δ)-DP, such as partition selection by a noisy threshold. Accountants add
     * these by basic composition.
     */
    record Approximate(double epsilon, double delta) implements PrivacyEvent {
        public Approximate {
            if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
                throw new IllegalArgumentException("epsilon must be finite and non-negative, got " + epsilon);
            }
            if (!(delta >= 0 && delta < 1)) {
                throw new IllegalArgumentException("delta must be in [0, 1), got " + delta);
            }
        }

        @Override
        public String describe() {
            return "approximate(eps=" + Checks.fmt(epsilon) + ", delta=" + Checks.fmt(delta) + ")";
        }
    }
}
