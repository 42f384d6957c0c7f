package dev.bastion.privacy.fl;

import dev.bastion.privacy.dp.DiscreteGaussian;
import java.util.random.RandomGenerator;

/**
 * The distributed discrete Gaussian mechanism (Kairouz, Liu and Steinke 2021) for one round: each site clips its
 * update to L2 norm {@code clip}, rotates it ({@link RandomRotation}, public seed), scales it onto the integer grid,
 * rounds it stochastically with the norm bound (conditional rounding), adds discrete Gaussian noise of variance
 * σ²/m (m = {@code minSurvivors}, the survivors the budget assumed) and reduces it mod 2^bits; the secure sum adds the
 * sites' vectors in Z_2^bits, so only the noisy sum exists, and the server decodes it and inverts the rotation.
 *
 * <pre>
 * Notation (grid units, one unit = γ in model units):
 *   a   = clip / γ, the clipped norm on the grid; d' the padded dimension
 *   Δ₂  = min(a + √d', √(a² + d'/4 + √(2 ln(1/β)) (a + √d'/2))), β = e^(-1/2): the bound conditional rounding
 *         enforces by redrawing (the paper's Theorem 1, eq. 2; each draw passes with probability at least 1 - β)
 *   σ²  = (z·Δ₂)², the total noise the budget assumes; each site adds N_Z(0, σ²/m)
 * Privacy with s >= m survivors (each site's variance v = σ²/m): the sum is ½ε²-concentrated DP with
 *   ε = min(√(Δ₂²/(s·v) + 2τd'), Δ₂/√(s·v) + τ√d'),  τ = 10 Σ_{k=1}^{s-1} e^(-2π² v k/(k+1))
 *   (Theorem 1 of the paper; we take 2τd' where the paper has a smaller multiple of τd', which only makes ε larger,
 *   and τ is below 1e-15 once v >= 4.) ½ε²-zCDP is what the Gaussian mechanism with noise multiplier 1/ε gives, so
 *   the accountants charge a Gaussian event with z_eff = 1/ε.
 * Scaling: the sum of s sites' vectors must stay inside ±2^(bits-1) or it wraps (modular clipping). After the
 *   rotation a coordinate of a vector of norm a is at most a·L, L = √(2 ln(2d'/10⁻⁹)/d'), except with probability
 *   10⁻⁹; the noise coordinate is at most 6σ_total. So a is the largest value with
 *   cohort·a·L + 6·z·Δ₂(a)·√(cohort/m) <= 2^(bits-1) - 1, for the cohort (the sites asked to take part).
 * </pre>
 *
 * Immutable and thread-safe; randomness is passed in.
 */
public record DistributedDp(RandomRotation rotation, double clip, int bits, double noiseMultiplier, int minSurvivors,
        double gamma, double delta2, double siteVariance) {

    static final double BETA = Math.exp(-0.5);

    public DistributedDp {
        if (!(clip > 0) || bits < 4 || bits > 62 || !(noiseMultiplier > 0) || minSurvivors < 1 || !(gamma > 0)
                || !(delta2 > 0) || !(siteVariance > 0)) {
            throw new IllegalArgumentException("clip, noise multiplier, granularity and variance must be positive, "
                    + "bits in 4..62 and at least one survivor");
        }
    }

    /**
     * The round's parameters.
     *
     * @param cohort the sites asked to take part (at least {@code minSurvivors})
     * @param publicSeed the rotation's seed, public
     */
    public static DistributedDp plan(int dimensions, double clip, int bits, double noiseMultiplier, int minSurvivors,
            int cohort, long publicSeed) {
        if (cohort < minSurvivors) {
            throw new IllegalArgumentException("the cohort is smaller than the survivors the budget assumes");
        }
        RandomRotation rotation = new RandomRotation(dimensions, publicSeed);
        int d = rotation.paddedDimensions();
        double limit = Math.pow(2, bits - 1) - 1;
        double spread = Math.sqrt(2 * Math.log(2 * d / 1e-9) / d);
        double noiseFactor = 6 * noiseMultiplier * Math.sqrt((double) cohort / minSurvivors);
        // the bound grows with a; bisect for the largest a that fits
        double lo = 0;
        double hi = limit;
        for (int i = 0; i < 200; i++) {
            double mid = (lo + hi) / 2;
            if (cohort * mid * spread + noiseFactor * delta2(mid, d) <= limit) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        if (lo < 1) {
            throw new IllegalArgumentException(bits + " bits cannot hold the noisy sum of " + cohort
                    + " sites at noise multiplier " + noiseMultiplier + "; use more bits");
        }
        double delta2 = delta2(lo, d);
        double variance = Math.pow(noiseMultiplier * delta2, 2) / minSurvivors;
        return new DistributedDp(rotation, clip, bits, noiseMultiplier, minSurvivors, clip / lo, delta2, variance);
    }

    static double delta2(double a, int d) {
        double loose = a + Math.sqrt(d);
        double tight = Math.sqrt(a * a + d / 4.0 + Math.sqrt(2 * Math.log(1 / BETA)) * (a + Math.sqrt(d) / 2));
        return Math.min(loose, tight);
    }

    /**
     * One site's vector in Z_2^bits: its update clipped to L2 norm {@code clip}, rotated, scaled by 1/γ, rounded
     * stochastically until its norm is at most Δ₂, plus its share of the noise.
     */
    public long[] encode(double[] update, RandomGenerator rounding, DiscreteGaussian noise) {
        if (noise.sigmaSquared() != siteVariance) {
            throw new IllegalArgumentException("the noise sampler's variance is not this round's");
        }
        double[] y = rotation.rotate(clipToNorm(update, clip));
        int d = y.length;
        long[] q = new long[d];
        for (int tries = 0; ; tries++) {
            double norm2 = 0;
            for (int j = 0; j < d; j++) {
                double v = y[j] / gamma;
                double f = Math.floor(v);
                q[j] = (long) f + (rounding.nextDouble() < v - f ? 1 : 0);
                norm2 += (double) q[j] * q[j];
            }
            if (norm2 <= delta2 * delta2) {
                break;
            }
            if (tries > 1000) {
                throw new IllegalStateException("conditional rounding did not meet its norm bound in 1000 draws");
            }
        }
        long mask = (1L << bits) - 1;
        for (int j = 0; j < d; j++) {
            q[j] = (q[j] + noise.sample()) & mask;
        }
        return q;
    }

    /** The server's side: the modular sum read as signed integers, scaled back by γ and rotated back. */
    public double[] decode(long[] sum) {
        double[] y = new double[sum.length];
        long half = 1L << (bits - 1);
        for (int j = 0; j < sum.length; j++) {
            long v = sum[j] >= half ? sum[j] - (1L << bits) : sum[j];
            y[j] = v * gamma;
        }
        return rotation.inverse(y);
    }

    /** Adds {@code b} into {@code a} in Z_2^bits, as the secure sum does. */
    public void addInto(long[] a, long[] b) {
        long mask = (1L << bits) - 1;
        for (int j = 0; j < a.length; j++) {
            a[j] = (a[j] + b[j]) & mask;
        }
    }

    /**
     * The noise multiplier 1/ε of the Gaussian mechanism with the same concentrated-DP guarantee as the sum of
     * {@code survivors} sites' vectors (see the class comment); zero survivors or fewer than assumed is refused.
     */
    public double effectiveNoiseMultiplier(int survivors) {
        if (survivors < minSurvivors) {
            throw new IllegalArgumentException("fewer survivors than the budget assumed");
        }
        int d = rotation.paddedDimensions();
        double tau = 0;
        for (int k = 1; k < survivors; k++) {
            tau += Math.exp(-2 * Math.PI * Math.PI * siteVariance * k / (k + 1.0));
        }
        tau *= 10;
        double total = survivors * siteVariance;
        double eps = Math.min(Math.sqrt(delta2 * delta2 / total + 2 * tau * d),
                delta2 / Math.sqrt(total) + tau * Math.sqrt(d));
        return 1 / eps;
    }

    /** {@code update} scaled down to L2 norm at most {@code bound} (a copy). */
    public static double[] clipToNorm(double[] update, double bound) {
        double norm = norm(update);
        double scale = norm > bound ? bound / norm : 1;
        double[] out = new double[update.length];
        for (int j = 0; j < update.length; j++) {
            out[j] = Double.isNaN(update[j]) ? 0 : update[j] * scale;
        }
        return out;
    }

    static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += Double.isNaN(x) ? 0 : x * x;
        }
        return Math.sqrt(s);
    }
}
