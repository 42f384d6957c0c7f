package dev.bastion.privacy.fl;

import java.util.Locale;

/**
 * Chooses SecAgg+'s neighbourhood size k and threshold t for n clients, a corrupt fraction γ (clients colluding with
 * the server) and a dropout rate δ, following the three conditions of Bell et al. 2020 (section 3.2) with union
 * bounds over the n clients:
 *
 * <ol>
 *   <li>Privacy of sums: the honest survivors stay connected. In a Harary graph H(n, k) removing nodes disconnects it
 *       only if some k/2 ring-consecutive nodes are all removed, so P ≤ n (γ + δ)^(k/2) ≤ 2^-σ.</li>
 *   <li>Privacy of secrets: no client's self-mask seed and mask key are both rebuilt. A server that splits the honest
 *       holders gets both only if corrupt holders c satisfy c ≥ 2t - (k + 1); we require
 *       n · P[Bin(k + 1, γ) ≥ 2t - k - 1] ≤ 2^-σ. (This does not lean on the consistency check.)</li>
 *   <li>Correctness: every client keeps t live holders: n · P[Bin(k + 1, 1 - δ) < t] ≤ 2^-η.</li>
 * </ol>
 * Binomials stand in for the hypergeometric draws of a fixed corrupt set (close for k ≪ n). σ = 40, η = 20 by
 * default, as in the paper's tables. Stateless.
 */
public final class SecAggPlusBounds {
    /**
     * A choice. {@code complete} means no k below n - 1 (or {@link #MAX_K}) meets the bounds: use full SecAgg, whose
     * t then follows the dropout rate and whose secrets are safe only while corrupt clients stay below 2t - n.
     */
    public record Choice(int clients, double corrupt, double dropout, int k, int threshold, boolean complete) {
    }

    private SecAggPlusBounds() {
    }

    /** The smallest even k, and for it the smallest t, meeting all three conditions. */
    public static Choice choose(int n, double corrupt, double dropout, int sigma, int eta) {
        if (n < 3 || corrupt < 0 || dropout < 0 || corrupt + dropout >= 1) {
            throw new IllegalArgumentException("need n >= 3 and corrupt + dropout < 1");
        }
        double secure = Math.log(2) * -sigma;
        double correct = Math.log(2) * -eta;
        double logN = Math.log(n);
        // secrets need 2t - m > γm and liveness t < (1 - δ)m: no k works unless γ + 2δ < 1
        int maxK = corrupt + 2 * dropout < 1 ? Math.min(n - 2, MAX_K) : 0;
        for (int k = 2; k <= maxK; k += 2) {
            if (logN + (k / 2.0) * Math.log(corrupt + dropout) > secure) {
                continue;
            }
            int m = k + 1;
            int lo = (m + 2) / 2;
            int hi = m + 1; // the smallest t in [lo, m] with safe secrets, or m + 1 for none (safety grows with t)
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (logN + logUpperTail(m, corrupt, 2 * mid - m) <= secure) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            if (lo <= m && logN + logLowerTail(m, 1 - dropout, lo) <= correct) {
                return new Choice(n, corrupt, dropout, k, lo, false);
            }
        }
        return new Choice(n, corrupt, dropout, n - 1, n - (int) Math.floor(n * dropout), true);
    }

    /** The table for the docs and {@code bastion fl bounds}. */
    public static String table(int[] sizes, double[] corrupt, double[] dropout) {
        StringBuilder out = new StringBuilder("clients  corrupt  dropout     k     t  note\n");
        for (int n : sizes) {
            for (double g : corrupt) {
                for (double d : dropout) {
                    if (g + d >= 1) {
                        continue;
                    }
                    Choice c = choose(n, g, d, 40, 20);
                    out.append(String.format(Locale.ROOT, "%7d  %7.3f  %7.3f  %4d  %4d  %s%n", n, g, d, c.k(),
                            c.threshold(), c.complete() ? "no sparse graph meets the bounds: full SecAgg" : ""));
                }
            }
        }
        return out.toString();
    }

    /** log P[Bin(m, p) >= x]. */
    static double logUpperTail(int m, double p, int x) {
        if (x <= 0) {
            return 0;
        }
        if (x > m) {
            return Double.NEGATIVE_INFINITY;
        }
        double acc = Double.NEGATIVE_INFINITY;
        for (int i = x; i <= m; i++) {
            acc = logAdd(acc, logPmf(m, p, i));
        }
        return acc;
    }

    /** log P[Bin(m, p) < x]. */
    static double logLowerTail(int m, double p, int x) {
        double acc = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < Math.min(x, m + 1); i++) {
            acc = logAdd(acc, logPmf(m, p, i));
        }
        return acc;
    }

    private static double logPmf(int m, double p, int i) {
        if (p <= 0) {
            return i == 0 ? 0 : Double.NEGATIVE_INFINITY;
        }
        if (p >= 1) {
            return i == m ? 0 : Double.NEGATIVE_INFINITY;
        }
        return logChoose(m, i) + i * Math.log(p) + (m - i) * Math.log1p(-p);
    }

    /** The largest neighbourhood searched; beyond it the complete graph is no worse in practice. */
    static final int MAX_K = 4096;
    private static final double[] LOG_FACTORIAL = logFactorials(MAX_K + 2);

    private static double[] logFactorials(int size) {
        double[] f = new double[size];
        for (int i = 1; i < size; i++) {
            f[i] = f[i - 1] + Math.log(i);
        }
        return f;
    }

    private static double logChoose(int m, int i) {
        return LOG_FACTORIAL[m] - LOG_FACTORIAL[i] - LOG_FACTORIAL[m - i];
    }

    private static double logAdd(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) {
            return b;
        }
        if (b == Double.NEGATIVE_INFINITY) {
            return a;
        }
        double hi = Math.max(a, b);
        return hi + Math.log1p(Math.exp(Math.min(a, b) - hi));
    }
}
