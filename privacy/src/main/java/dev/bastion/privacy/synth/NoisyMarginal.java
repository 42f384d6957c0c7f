package dev.bastion.privacy.synth;

import java.util.Arrays;

/**
 * One noisy measurement of the marginal over {@code attributes} (increasing columns), cells in {@link Marginal}'s
 * order, Gaussian noise of standard deviation {@code sigma} per cell (sensitivity 1). Holds a copy of the columns;
 * the counts array is not copied (callers in this package never change it).
 */
record NoisyMarginal(int[] attributes, double[] counts, double sigma) {
    NoisyMarginal {
        attributes = attributes.clone();
        if (attributes.length == 0 || !(sigma > 0)) {
            throw new IllegalArgumentException("a measurement needs columns and sigma > 0");
        }
        for (int i = 1; i < attributes.length; i++) {
            if (attributes[i] <= attributes[i - 1]) {
                throw new IllegalArgumentException("measured columns must increase: " + Arrays.toString(attributes));
            }
        }
    }

    /**
     * The row count estimated from measurements: the inverse-variance weighted mean of their noisy totals (a total
     * over s cells of noise σ² has variance s·σ²), at least 1.
     */
    static double total(Iterable<NoisyMarginal> measurements) {
        double sum = 0;
        double weight = 0;
        for (NoisyMarginal m : measurements) {
            double w = 1 / (m.counts().length * m.sigma() * m.sigma());
            sum += w * Arrays.stream(m.counts()).sum();
            weight += w;
        }
        return weight > 0 ? Math.max(1, sum / weight) : 1;
    }
}
