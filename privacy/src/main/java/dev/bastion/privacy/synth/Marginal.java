package dev.bastion.privacy.synth;

import java.util.Arrays;

/**
 * Counts of every combination of values of some columns (a contingency table), row-major over {@code attributes}
 * in the order given: cell index = ((v0 · s1) + v1) · s2 + v2 ... Counts may be noisy (negative, fractional).
 */
public record Marginal(int[] attributes, int[] sizes, double[] counts) {
    public Marginal {
        attributes = attributes.clone();
        sizes = sizes.clone();
        if (attributes.length == 0 || attributes.length != sizes.length) {
            throw new IllegalArgumentException("a marginal needs one size per attribute");
        }
        long cells = 1;
        for (int s : sizes) {
            cells *= s;
        }
        if (cells != counts.length) {
            throw new IllegalArgumentException("a marginal over " + Arrays.toString(sizes) + " has " + cells
                    + " cells, not " + counts.length);
        }
    }

    /** The exact counts of {@code attributes} in coded data ({@code codes[column][row]}). */
    public static Marginal count(int[][] codes, int[] domainSizes, int... attributes) {
        int[] sizes = new int[attributes.length];
        int cells = 1;
        for (int i = 0; i < attributes.length; i++) {
            sizes[i] = domainSizes[attributes[i]];
            cells = Math.multiplyExact(cells, sizes[i]);
        }
        double[] counts = new double[cells];
        int rows = codes.length == 0 ? 0 : codes[0].length;
        for (int r = 0; r < rows; r++) {
            int cell = 0;
            for (int i = 0; i < attributes.length; i++) {
                cell = cell * sizes[i] + codes[attributes[i]][r];
            }
            counts[cell]++;
        }
        return new Marginal(attributes, sizes, counts);
    }

    public double total() {
        double t = 0;
        for (double c : counts) {
            t += c;
        }
        return t;
    }

    /** The cells as probabilities: counts clipped at 0, divided by their sum (uniform when all are 0). */
    public double[] distribution() {
        double[] p = new double[counts.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.max(0, counts[i]);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] = sum > 0 ? p[i] / sum : 1.0 / p.length;
        }
        return p;
    }

    /** For a 2-way marginal, the sums over the second attribute (rows, {@code axis} 0) or the first (axis 1). */
    double[] sums(int axis) {
        if (attributes.length != 2) {
            throw new IllegalStateException("sums are for 2-way marginals");
        }
        double[] out = new double[sizes[axis]];
        for (int i = 0; i < sizes[0]; i++) {
            for (int j = 0; j < sizes[1]; j++) {
                out[axis == 0 ? i : j] += counts[i * sizes[1] + j];
            }
        }
        return out;
    }

    /** Total variation distance between the two marginals' distributions: half the L1 distance. */
    public static double totalVariation(Marginal a, Marginal b) {
        double[] p = a.distribution();
        double[] q = b.distribution();
        if (p.length != q.length) {
            throw new IllegalArgumentException("marginals over different domains");
        }
        double d = 0;
        for (int i = 0; i < p.length; i++) {
            d += Math.abs(p[i] - q[i]);
        }
        return d / 2;
    }
}
