package dev.bastion.privacy.synth;

import java.util.Arrays;

/**
 * Turning noisy measurements into a consistent model (post-processing, no privacy cost).
 *
 * <pre>
 * 1. Simplex projection: the non-negative vector with a given total closest in L2 to a noisy one (Duchi et al.
 *    2008): sort descending, find the largest k with u_k - (Σ_{i<=k} u_i - T)/k > 0, subtract that threshold and
 *    clip. Unlike clipping at 0 it also pulls the many small positive noise values of empty cells back to 0.
 * 2. Combining estimates of one 1-way marginal (its own measurement and the sums of every measured 2-way marginal
 *    that contains it) by inverse-variance weighting, cell by cell: a sum over s cells of noise σ² has variance s·σ².
 * 3. Iterative proportional fitting (Deming and Stephan 1940) of a 2-way table to given row and column sums: scale
 *    rows, then columns, until both agree. On a tree every edge shares exactly its two 1-way marginals with the
 *    rest, so fitting every edge to the same combined 1-way marginals makes the whole tree consistent; the tree is
 *    its own junction tree and the model is P(root) Π P(child | parent).
 * </pre>
 */
final class Consistency {
    private Consistency() {
    }

    /** The Euclidean projection of {@code v} onto {x >= 0, Σ x = total}. */
    static double[] simplex(double[] v, double total) {
        if (!(total > 0)) {
            return new double[v.length];
        }
        double[] u = v.clone();
        Arrays.sort(u);
        double sum = 0;
        double theta = 0;
        for (int k = 1; k <= u.length; k++) {
            double x = u[u.length - k];
            sum += x;
            double t = (sum - total) / k;
            if (x - t > 0) {
                theta = t;
            }
        }
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.max(0, v[i] - theta);
        }
        return out;
    }

    /** The inverse-variance weighted mean, cell by cell, of estimates with the given per-cell variances. */
    static double[] combine(double[][] estimates, double[] variances) {
        double[] out = new double[estimates[0].length];
        double weight = 0;
        for (int e = 0; e < estimates.length; e++) {
            double w = 1 / variances[e];
            weight += w;
            for (int i = 0; i < out.length; i++) {
                out[i] += w * estimates[e][i];
            }
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= weight;
        }
        return out;
    }

    /**
     * Fits a non-negative (rows × cols) table to row and column sums of equal total by IPF. A small share of the
     * independent table rows·cols/total is mixed in first, so no row or column the targets need is all zero.
     */
    static double[] fit(double[] table, int rows, int cols, double[] rowTarget, double[] colTarget) {
        double total = Arrays.stream(rowTarget).sum();
        double[] t = new double[table.length];
        double mass = Arrays.stream(table).sum();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double independent = total > 0 ? rowTarget[i] * colTarget[j] / total : 0;
                t[i * cols + j] = (mass > 0 ? 0.999 * table[i * cols + j] * total / mass : 0) + 0.001 * independent;
            }
        }
        for (int round = 0; round < 200; round++) {
            double worst = 0;
            for (int i = 0; i < rows; i++) {
                double s = 0;
                for (int j = 0; j < cols; j++) {
                    s += t[i * cols + j];
                }
                double f = s > 0 ? rowTarget[i] / s : 0;
                for (int j = 0; j < cols; j++) {
                    t[i * cols + j] *= f;
                }
            }
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int i = 0; i < rows; i++) {
                    s += t[i * cols + j];
                }
                worst = Math.max(worst, Math.abs(s - colTarget[j]));
                double f = s > 0 ? colTarget[j] / s : 0;
                for (int i = 0; i < rows; i++) {
                    t[i * cols + j] *= f;
                }
            }
            if (worst < 1e-9 * Math.max(1, total)) {
                break;
            }
        }
        return t;
    }
}
