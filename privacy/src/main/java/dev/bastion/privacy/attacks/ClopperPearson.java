package dev.bastion.privacy.attacks;

import dev.bastion.privacy.accounting.Special;

/**
 * Exact binomial confidence intervals (Clopper and Pearson 1934) through the beta distribution: the lower bound for
 * k successes in n trials is the alpha/2 quantile of Beta(k, n - k + 1), the upper the 1 - alpha/2 quantile of
 * Beta(k + 1, n - k). Quantiles by bisection on the regularised incomplete beta function, evaluated by its continued
 * fraction (modified Lentz's method).
 */
public final class ClopperPearson {
    private ClopperPearson() {
    }

    /** The two-sided {@code 1 - alpha} interval {low, high} for k successes in n trials. */
    public static double[] interval(int k, int n, double alpha) {
        return new double[] {lower(k, n, alpha), upper(k, n, alpha)};
    }

    /** The lower end of {@link #interval}, alone: half the work when only one end is needed. */
    public static double lower(int k, int n, double alpha) {
        check(k, n);
        return k == 0 ? 0 : quantile(alpha / 2, k, n - k + 1);
    }

    /** The upper end of {@link #interval}, alone. */
    public static double upper(int k, int n, double alpha) {
        check(k, n);
        return k == n ? 1 : quantile(1 - alpha / 2, k + 1, n - k);
    }

    private static void check(int k, int n) {
        if (n <= 0 || k < 0 || k > n) {
            throw new IllegalArgumentException("need 0 <= k <= n and n > 0");
        }
    }

    /** The x with I_x(a, b) = q. */
    static double quantile(double q, double a, double b) {
        double lo = 0;
        double hi = 1;
        for (int i = 0; i < 64; i++) {
            double mid = (lo + hi) / 2;
            if (regularizedBeta(mid, a, b) < q) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    /** I_x(a, b), the regularised incomplete beta function (the Beta(a, b) distribution function at x). */
    static double regularizedBeta(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        if (x > (a + 1) / (a + b + 2)) {
            return 1 - regularizedBeta(1 - x, b, a);
        }
        double logFront = a * Math.log(x) + b * Math.log1p(-x)
                - (Special.logGamma(a) + Special.logGamma(b) - Special.logGamma(a + b)) - Math.log(a);
        return Math.exp(logFront) * continuedFraction(x, a, b);
    }

    private static double continuedFraction(double x, double a, double b) {
        final double tiny = 1e-300;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.abs(d) < tiny ? tiny : d);
        double f = d;
        for (int m = 1; m <= 10_000; m++) {
            int m2 = 2 * m;
            double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + num * d;
            c = 1 + num / c;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = Math.abs(c) < tiny ? tiny : c;
            f *= d * c;
            num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + num * d;
            c = 1 + num / c;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = Math.abs(c) < tiny ? tiny : c;
            double step = d * c;
            f *= step;
            if (Math.abs(step - 1) < 1e-15) {
                break;
            }
        }
        return f;
    }
}
