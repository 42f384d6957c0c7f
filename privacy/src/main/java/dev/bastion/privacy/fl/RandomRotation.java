package dev.bastion.privacy.fl;

import java.util.SplittableRandom;

/**
 * The randomised Hadamard rotation x -> H·D·x / sqrt(d') of distributed DP (Kairouz, Liu and Steinke 2021, section
 * 4): x is padded with zeros to d' = the next power of two, D is a diagonal of random signs drawn from a public seed
 * and H the Walsh-Hadamard matrix. H/sqrt(d') is orthonormal and symmetric and D is its own inverse, so the inverse
 * is D·H·y / sqrt(d') and the L2 norm is kept exactly (up to rounding of doubles). After the rotation every
 * coordinate of a vector of norm c is about c/sqrt(d') (with high probability at most c·sqrt(2 ln(2d'/β)/d')),
 * which is what lets stochastic rounding and a small modulus work on updates that are spiky in the original basis.
 *
 * <p>The seed is public (every site and the server use the same one in a round); the rotation hides nothing.
 * Immutable and thread-safe.
 */
public final class RandomRotation {
    private final int dimensions;
    private final int padded;
    private final byte[] signs; // +1 or -1

    public RandomRotation(int dimensions, long publicSeed) {
        if (dimensions < 1 || dimensions > (1 << 29)) {
            throw new IllegalArgumentException("dimensions must be in 1..2^29, got " + dimensions);
        }
        this.dimensions = dimensions;
        this.padded = Integer.highestOneBit(dimensions) == dimensions ? dimensions : Integer.highestOneBit(dimensions) * 2;
        SplittableRandom random = new SplittableRandom(publicSeed);
        this.signs = new byte[padded];
        for (int i = 0; i < padded; i++) {
            signs[i] = (byte) (random.nextBoolean() ? 1 : -1);
        }
    }

    /** d: the length of the vectors rotated. */
    public int dimensions() {
        return dimensions;
    }

    /** d': the length after padding, a power of two. */
    public int paddedDimensions() {
        return padded;
    }

    /** H·D·pad(x) / sqrt(d'), of length d'. */
    public double[] rotate(double[] x) {
        if (x.length != dimensions) {
            throw new IllegalArgumentException("expected " + dimensions + " values, got " + x.length);
        }
        double[] y = new double[padded];
        for (int i = 0; i < dimensions; i++) {
            y[i] = signs[i] * x[i];
        }
        hadamard(y);
        return y;
    }

    /** D·H·y / sqrt(d'), cut back to d values: the inverse of {@link #rotate}. */
    public double[] inverse(double[] y) {
        if (y.length != padded) {
            throw new IllegalArgumentException("expected " + padded + " values, got " + y.length);
        }
        double[] x = y.clone();
        hadamard(x);
        double[] out = new double[dimensions];
        for (int i = 0; i < dimensions; i++) {
            out[i] = signs[i] * x[i];
        }
        return out;
    }

    /** In-place fast Walsh-Hadamard transform, scaled by 1/sqrt(n): O(n log n). */
    static void hadamard(double[] v) {
        int n = v.length;
        for (int h = 1; h < n; h <<= 1) {
            for (int i = 0; i < n; i += h << 1) {
                for (int j = i; j < i + h; j++) {
                    double a = v[j];
                    double b = v[j + h];
                    v[j] = a + b;
                    v[j + h] = a - b;
                }
            }
        }
        double scale = 1 / Math.sqrt(n);
        for (int i = 0; i < n; i++) {
            v[i] *= scale;
        }
    }
}
