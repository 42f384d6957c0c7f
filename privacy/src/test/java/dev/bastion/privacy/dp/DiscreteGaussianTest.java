package dev.bastion.privacy.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DiscreteGaussianTest {

    /*
     * Tolerances follow from the sample size, not from tuning: for N draws of a distribution with variance σ² (the
     * discrete Gaussian's variance is σ² to within e^(-2π²σ²) relative for σ >= 1), the sample mean has standard
     * error σ/√N and the sample variance σ²·√(2/(N-1)) (kurtosis 3, which the discrete Gaussian matches to the same
     * precision). Five standard errors fail a correct sampler with probability below 1e-6.
     */
    @ParameterizedTest
    @ValueSource(doubles = {1.0, 9.0, 2500.0, 1.0e6})
    void samplesHaveMeanZeroAndVarianceSigmaSquaredWithinFiveStandardErrors(double sigmaSquared) {
        DiscreteGaussian g = new DiscreteGaussian(sigmaSquared, DpRandom.forTesting(new Random(17)));
        int n = 40_000;
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
            long x = g.sample();
            sum += x;
            sumSq += (double) x * x;
        }
        double mean = sum / n;
        double variance = (sumSq - n * mean * mean) / (n - 1);
        double sigma = Math.sqrt(sigmaSquared);
        assertTrue(Math.abs(mean) <= 5 * sigma / Math.sqrt(n), "mean " + mean);
        assertEquals(sigmaSquared, variance, 5 * sigmaSquared * Math.sqrt(2.0 / (n - 1)), "variance");
    }

    @Test
    void samplesAreIntegersSpreadOnBothSides() {
        DiscreteGaussian g = new DiscreteGaussian(4, DpRandom.forTesting(new Random(3)));
        int negative = 0;
        int zero = 0;
        for (int i = 0; i < 10_000; i++) {
            long x = g.sample();
            negative += x < 0 ? 1 : 0;
            zero += x == 0 ? 1 : 0;
        }
        // P[0] = 1/Σ_k e^(-k²/8) ≈ 0.1995; P[x<0] ≈ 0.40
        assertEquals(0.1995, zero / 10_000.0, 5 * Math.sqrt(0.2 * 0.8 / 10_000));
        assertEquals(0.40, negative / 10_000.0, 5 * Math.sqrt(0.4 * 0.6 / 10_000));
    }

    @Test
    void aNonPositiveVarianceIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new DiscreteGaussian(0, DpRandom.secure()));
        assertThrows(IllegalArgumentException.class, () -> new DiscreteGaussian(Double.NaN, DpRandom.secure()));
    }
}
