package dev.bastion.privacy.dp;

import java.math.BigInteger;

/**
 * The discrete Gaussian N_Z(0, σ²) on the integers, P[x] ∝ e^(-x²/(2σ²)), sampled exactly by {@link ExactSampler}
 * (Canonne, Kamath and Steinke 2020, Algorithm 3): for noise added to values that are already integers, such as the
 * quantised updates of distributed DP in federated learning. σ² is taken as the exact dyadic rational of the double
 * given. Its variance is at most σ² (and within e^(-2π²σ²)-relative of it for σ ≥ 1).
 *
 * <p>Not thread-safe: it draws from the {@link DpRandom} given.
 */
public final class DiscreteGaussian {
    private final ExactSampler sampler;
    private final double sigmaSquared;
    private final BigInteger num;
    private final BigInteger den;

    public DiscreteGaussian(double sigmaSquared, DpRandom random) {
        if (!(sigmaSquared > 0) || Double.isInfinite(sigmaSquared)) {
            throw new IllegalArgumentException("the variance parameter must be positive and finite, got " + sigmaSquared);
        }
        ExactSampler.Rational r = ExactSampler.Rational.of(sigmaSquared);
        this.sampler = new ExactSampler(random);
        this.sigmaSquared = sigmaSquared;
        this.num = r.num();
        this.den = r.den();
    }

    /** σ², the variance parameter. */
    public double sigmaSquared() {
        return sigmaSquared;
    }

    /** One draw. */
    public long sample() {
        return sampler.discreteGaussian(num, den).longValueExact();
    }
}
