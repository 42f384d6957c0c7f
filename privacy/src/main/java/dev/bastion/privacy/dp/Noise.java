package dev.bastion.privacy.dp;

import dev.bastion.privacy.accounting.PrivacyEvent;
import dev.bastion.privacy.accounting.Special;
import java.math.BigInteger;

/**
 * Additive noise calibrated to a sensitivity and a privacy parameter, sampled exactly on a grid: a real value is
 * rounded to a multiple of a power-of-two granularity g, discrete noise in units of g is added, and the result is
 * scaled back. Rounding can move two neighbouring values one more unit apart, so the sensitivity in units is
 * floor(Δ/g) + 1. The granularity is chosen so that Δ/g is about 2^20 (Laplace) or σ/g about 2^20 (Gaussian): the
 * rounding costs about one part in a million of privacy, and the discrete Gaussian is then indistinguishable from
 * the continuous one for accounting (its hockey-stick divergence is a rectangle-rule sum of the continuous
 * integrand on a grid 2^20 times finer than σ; the relative difference is of order 2^-40). Integer queries with an
 * integer sensitivity (counts) use g = 1 for Laplace.
 *
 * <p>Not thread-safe: owns a sampler.
 */
public sealed interface Noise {

    /** {@code value} plus noise. */
    double addTo(double value);

    /** The half-width h with P[|noise| > h] <= 1 - confidence. */
    double halfWidth(double confidence);

    /** What this noise costs, for the ledger. */
    PrivacyEvent event();

    /** Laplace noise for ε-DP at L1 sensitivity {@code sensitivity}; {@code integral} for integer queries. */
    static Noise laplace(double sensitivity, double epsilon, boolean integral, DpRandom random) {
        return new Laplace(sensitivity, epsilon, integral, new ExactSampler(random));
    }

    /** Gaussian noise for (ε, δ)-DP at L2 sensitivity {@code sensitivity} (analytic calibration). */
    static Noise gaussian(double sensitivity, double epsilon, double delta, DpRandom random) {
        return new Gaussian(sensitivity, epsilon, delta, new ExactSampler(random));
    }

    /**
     * Gaussian noise with σ = {@code noiseMultiplier} · {@code sensitivity} (L2): (1/(2z²))-zCDP, for mechanisms
     * that split a zCDP budget themselves (DP synthetic data). The event reports z, so any accountant can bound it.
     */
    static Noise gaussianWithMultiplier(double sensitivity, double noiseMultiplier, DpRandom random) {
        return new Gaussian(sensitivity, noiseMultiplier, new ExactSampler(random));
    }

    /** The discrete Laplace mechanism. */
    final class Laplace implements Noise {
        private final double epsilon;
        private final double granularity;
        private final long sensitivityUnits;
        private final ExactSampler sampler;
        private final ExactSampler.Rational scaleUnits;

        Laplace(double sensitivity, double epsilon, boolean integral, ExactSampler sampler) {
            checkPositive("sensitivity", sensitivity);
            checkPositive("epsilon", epsilon);
            this.epsilon = epsilon;
            this.sampler = sampler;
            if (integral && sensitivity == Math.rint(sensitivity) && sensitivity < 1L << 40) {
                this.granularity = 1;
                this.sensitivityUnits = (long) sensitivity;
            } else {
                this.granularity = Math.scalb(1.0, Math.getExponent(sensitivity) - 20);
                this.sensitivityUnits = (long) Math.floor(sensitivity / granularity) + 1;
            }
            ExactSampler.Rational eps = ExactSampler.Rational.of(epsilon);
            // scale = Δu / ε = Δu · den / num
            this.scaleUnits = new ExactSampler.Rational(BigInteger.valueOf(sensitivityUnits).multiply(eps.den()),
                    eps.num());
        }

        @Override
        public double addTo(double value) {
            long units = toUnits(value, granularity);
            BigInteger noise = sampler.discreteLaplace(scaleUnits.num(), scaleUnits.den());
            return BigInteger.valueOf(units).add(noise).doubleValue() * granularity;
        }

        @Override
        public double halfWidth(double confidence) {
            // P[|X| >= m] = 2 e^(-m/t) / (1 + e^(-1/t)) for m >= 1; the half-width is m - 1 units.
            double t = sensitivityUnits / epsilon;
            double alpha = 1 - confidence;
            double m = Math.ceil(t * Math.log(2 / (alpha * (1 + Math.exp(-1 / t)))));
            return Math.max(0, m - 1) * granularity;
        }

        @Override
        public PrivacyEvent event() {
            return new PrivacyEvent.PureDp(epsilon);
        }

        double granularity() {
            return granularity;
        }
    }

    /** The discrete Gaussian mechanism. */
    final class Gaussian implements Noise {
        private final double sigma;
        private final double granularity;
        private final double noiseMultiplier;
        private final ExactSampler sampler;
        private final ExactSampler.Rational varianceUnits;

        Gaussian(double sensitivity, double epsilon, double delta, ExactSampler sampler) {
            this(sensitivity, checkedCalibration(epsilon, delta), sampler);
        }

        Gaussian(double sensitivity, double z, ExactSampler sampler) {
            checkPositive("sensitivity", sensitivity);
            checkPositive("noise multiplier", z);
            this.sampler = sampler;
            // Calibrate on the unit grid: the granularity follows σ, and σ follows the sensitivity in units.
            double g = Math.scalb(1.0, Math.getExponent(z * sensitivity) - 20);
            long sensitivityUnits = (long) Math.floor(sensitivity / g) + 1;
            double sigmaUnits = z * sensitivityUnits;
            this.granularity = g;
            this.sigma = sigmaUnits * g;
            this.noiseMultiplier = z;
            ExactSampler.Rational s = ExactSampler.Rational.of(sigmaUnits);
            this.varianceUnits = new ExactSampler.Rational(s.num().multiply(s.num()), s.den().multiply(s.den()));
        }

        private static double checkedCalibration(double epsilon, double delta) {
            checkPositive("epsilon", epsilon);
            if (!(delta > 0 && delta < 1)) {
                throw new IllegalArgumentException("the Gaussian mechanism needs delta in (0, 1), got " + delta);
            }
            return calibrate(epsilon, delta);
        }

        /**
         * The smallest noise multiplier z = σ/Δ with δ(ε) <= delta for the Gaussian mechanism, where δ(ε) =
         * Φ(1/(2z) - εz) - e^ε Φ(-1/(2z) - εz) (Balle and Wang 2018, Theorem 8), by bisection.
         */
        static double calibrate(double epsilon, double delta) {
            double lo = 1e-3;
            double hi = 1e6;
            for (int i = 0; i < 200; i++) {
                double mid = Math.sqrt(lo * hi);
                if (gaussianDelta(epsilon, mid) <= delta) {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            return hi;
        }

        static double gaussianDelta(double epsilon, double z) {
            return Special.normalCdf(1 / (2 * z) - epsilon * z)
                    - Math.exp(epsilon) * Special.normalCdf(-1 / (2 * z) - epsilon * z);
        }

        @Override
        public double addTo(double value) {
            long units = toUnits(value, granularity);
            BigInteger noise = sampler.discreteGaussian(varianceUnits.num(), varianceUnits.den());
            return BigInteger.valueOf(units).add(noise).doubleValue() * granularity;
        }

        @Override
        public double halfWidth(double confidence) {
            return Special.normalQuantile(1 - (1 - confidence) / 2) * sigma + granularity;
        }

        @Override
        public PrivacyEvent event() {
            return new PrivacyEvent.Gaussian(noiseMultiplier, true);
        }

        double sigma() {
            return sigma;
        }
    }

    private static long toUnits(double value, double granularity) {
        double units = Math.rint(value / granularity);
        if (Double.isNaN(units) || Math.abs(units) > 0x1p62) {
            throw new IllegalArgumentException("value out of range for the noise grid");
        }
        return (long) units;
    }

    private static void checkPositive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be a positive finite number, got " + v);
        }
    }
}
