package dev.bastion.privacy.dp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ExactSamplerTest {
    private final ExactSampler sampler = new ExactSampler(DpRandom.forTesting(new SplittableRandom(7)));

    @Test
    void bernoulliOfExpMinusGammaHasThatFrequency() {
        for (double gamma : new double[] {0.3, 1.0, 2.5}) {
            ExactSampler.Rational g = ExactSampler.Rational.of(gamma);
            int hits = 0;
            int n = 200_000;
            for (int i = 0; i < n; i++) {
                if (sampler.bernoulliExp(g.num(), g.den())) {
                    hits++;
                }
            }
            // 5 standard errors
            double p = Math.exp(-gamma);
            assertThat((double) hits / n).as("gamma %s", gamma).isCloseTo(p, within(5 * Math.sqrt(p * (1 - p) / n)));
        }
    }

    @Test
    void discreteLaplaceMatchesItsProbabilityMassFunction() {
        double t = 2.5; // scale
        ExactSampler.Rational s = ExactSampler.Rational.of(t);
        int n = 200_000;
        int[] counts = new int[41];
        for (int i = 0; i < n; i++) {
            long x = sampler.discreteLaplace(s.num(), s.den()).longValueExact();
            if (Math.abs(x) <= 20) {
                counts[(int) x + 20]++;
            }
        }
        double norm = (1 - Math.exp(-1 / t)) / (1 + Math.exp(-1 / t));
        for (int x = -6; x <= 6; x++) {
            double p = norm * Math.exp(-Math.abs(x) / t);
            assertThat((double) counts[x + 20] / n).as("x=%s", x).isCloseTo(p, within(5 * Math.sqrt(p / n)));
        }
    }

    @Test
    void discreteGaussianHasTheRequestedVariance() {
        for (double sigma : new double[] {0.8, 3.0, 1000.0}) {
            ExactSampler.Rational s = ExactSampler.Rational.of(sigma * sigma);
            int n = 40_000;
            double sum = 0;
            double sumSq = 0;
            for (int i = 0; i < n; i++) {
                double x = sampler.discreteGaussian(s.num(), s.den()).doubleValue();
                sum += x;
                sumSq += x * x;
            }
            double mean = sum / n;
            double var = sumSq / n - mean * mean;
            // For σ >= 1 the discrete Gaussian's variance is σ² to within 1e-10 relative; for σ = 0.8 it is a bit
            // below (Canonne et al. 2020, Corollary 18: variance < σ²).
            assertThat(var).as("sigma %s", sigma).isLessThan(sigma * sigma * 1.05);
            if (sigma >= 1) {
                assertThat(var).isCloseTo(sigma * sigma, within(sigma * sigma * 0.05));
            }
            assertThat(mean).isCloseTo(0, within(5 * sigma / Math.sqrt(n)));
        }
    }

    @Test
    void uniformBelowLargeBoundsStaysInRangeAndCoversIt() {
        BigInteger bound = BigInteger.ONE.shiftLeft(80).add(BigInteger.valueOf(12345));
        boolean highHalf = false;
        for (int i = 0; i < 1000; i++) {
            BigInteger u = sampler.uniformBelow(bound);
            assertThat(u.signum()).isGreaterThanOrEqualTo(0);
            assertThat(u).isLessThan(bound);
            highHalf |= u.compareTo(bound.shiftRight(1)) > 0;
        }
        assertThat(highHalf).isTrue();
    }

    @Test
    void rationalOfADoubleIsExact() {
        ExactSampler.Rational r = ExactSampler.Rational.of(0.1);
        assertThat(new java.math.BigDecimal(r.num()).divide(new java.math.BigDecimal(r.den())))
                .isEqualByComparingTo(new java.math.BigDecimal(0.1));
        ExactSampler.Rational three = ExactSampler.Rational.of(3.0);
        assertThat(three.num()).isEqualTo(three.den().multiply(BigInteger.valueOf(3)));
    }
}
