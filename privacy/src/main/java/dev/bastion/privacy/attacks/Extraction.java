package dev.bastion.privacy.attacks;

import java.util.SplittableRandom;
import dev.bastion.privacy.train.Model;
import java.util.function.Function;

/**
 * Model extraction through a prediction API (Tramer et al. 2016).
 *
 * <p>Equation solving: a softmax regression answers p = softmax(Wx + b), so for every class c,
 * ln(p_c / p_0) = (w_c - w_0) x + (b_c - b_0): linear in the unknowns. With d + 1 queries at random points the
 * (d + 1) x (d + 1) system has a unique solution, and the attacker has the model up to the softmax's shift (which no
 * prediction can reveal): the extracted model answers every query exactly as the target does.
 */
public final class Extraction {
    private Extraction() {
    }

    /**
     * The differences (w_c - w_0, b_c - b_0) of a softmax regression with {@code classes} classes over
     * {@code dimensions} features, from d + 1 queries of {@code oracle} (input to class probabilities): row c of the
     * result holds d weights then the bias; row 0 is zero.
     */
    public static double[][] solveSoftmax(Function<double[], double[]> oracle, int dimensions, int classes,
            SplittableRandom random) {
        int m = dimensions + 1;
        double[][] a = new double[m][m];
        double[][] rhs = new double[m][classes];
        for (int q = 0; q < m; q++) {
            double[] x = new double[dimensions];
            for (int j = 0; j < dimensions; j++) {
                x[j] = random.nextGaussian();
                a[q][j] = x[j];
            }
            a[q][dimensions] = 1;
            double[] p = oracle.apply(x);
            for (int c = 0; c < classes; c++) {
                rhs[q][c] = Math.log(p[c]) - Math.log(p[0]);
            }
        }
        double[][] solution = solve(a, rhs);
        double[][] out = new double[classes][m];
        for (int c = 0; c < classes; c++) {
            for (int j = 0; j < m; j++) {
                out[c][j] = solution[j][c];
            }
        }
        return out;
    }

    /**
     * Extraction by retraining, for any model behind a labels-only API: the attacker labels {@code budget} inputs
     * of its own ({@code pool}, in order) with the target's answers and trains {@code surrogate} on them; returns
     * the share of {@code test} inputs on which the surrogate and the target agree.
     */
    public static double retrainingAgreement(Model target, double[] params, Model surrogate,
            dev.bastion.privacy.train.DpSgd.Settings settings, double[][] pool, int budget, double[][] test,
            java.util.List<String> classes, long seed) {
        int n = Math.min(budget, pool.length);
        double[][] x = java.util.Arrays.copyOf(pool, n);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = target.predict(params, x[i]);
        }
        java.util.List<String> features = java.util.stream.IntStream.range(0, pool[0].length).mapToObj(j -> "f" + j)
                .toList();
        double[] stolen = dev.bastion.privacy.train.DpSgd.train(surrogate,
                new dev.bastion.privacy.train.TrainingData(x, y, classes, features), settings,
                new SplittableRandom(seed), dev.bastion.privacy.dp.DpRandom.insecureSeeded(seed)).parameters();
        int agree = 0;
        for (double[] t : test) {
            agree += surrogate.predict(stolen, t) == target.predict(params, t) ? 1 : 0;
        }
        return (double) agree / test.length;
    }

    /** Solves A X = B by Gaussian elimination with partial pivoting; A is square and must not be singular. */
    static double[][] solve(double[][] a0, double[][] b0) {
        int n = a0.length;
        int k = b0[0].length;
        double[][] a = new double[n][];
        double[][] b = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = a0[i].clone();
            b[i] = b0[i].clone();
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            if (Math.abs(a[pivot][col]) < 1e-300) {
                throw new IllegalArgumentException("the queries gave a singular system");
            }
            double[] t = a[col];
            a[col] = a[pivot];
            a[pivot] = t;
            t = b[col];
            b[col] = b[pivot];
            b[pivot] = t;
            for (int r = col + 1; r < n; r++) {
                double f = a[r][col] / a[col][col];
                if (f == 0) {
                    continue;
                }
                for (int c = col; c < n; c++) {
                    a[r][c] -= f * a[col][c];
                }
                for (int c = 0; c < k; c++) {
                    b[r][c] -= f * b[col][c];
                }
            }
        }
        double[][] x = new double[n][k];
        for (int r = n - 1; r >= 0; r--) {
            for (int c = 0; c < k; c++) {
                double s = b[r][c];
                for (int j = r + 1; j < n; j++) {
                    s -= a[r][j] * x[j][c];
                }
                x[r][c] = s / a[r][r];
            }
        }
        return x;
    }
}
