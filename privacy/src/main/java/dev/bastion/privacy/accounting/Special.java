package dev.bastion.privacy.accounting;

/**
 * The special functions the accountants and confidence intervals need, in double precision: log-gamma, the
 * complementary error function and its logarithm (accurate far into the tail, where {@code erfc} itself
 * underflows), the standard normal distribution and its quantile. All methods are pure and thread-safe.
 */
public final class Special {
    private static final double SQRT_PI = Math.sqrt(Math.PI);
    private static final double SQRT2 = Math.sqrt(2);
    /** Below this, erfc = 1 - erf by its Taylor series (relative error under 1e-13); above, a continued fraction. */
    private static final double SERIES_LIMIT = 1.5;
    private static final double[] LANCZOS = {0.99999999999980993, 676.5203681218851, -1259.1392167224028,
        771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
        9.9843695780195716e-6, 1.5056327351493116e-7};

    private Special() {
    }

    /** log Γ(x) for x > 0 (Lanczos approximation, g = 7; relative error about 1e-15). */
    public static double logGamma(double x) {
        if (!(x > 0)) {
            throw new IllegalArgumentException("logGamma needs x > 0, got " + x);
        }
        if (x < 0.5) {
            // Reflection: Γ(x)Γ(1-x) = π / sin(πx).
            return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
        }
        double z = x - 1;
        double a = LANCZOS[0];
        double t = z + 7.5;
        for (int i = 1; i < LANCZOS.length; i++) {
            a += LANCZOS[i] / (z + i);
        }
        return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
    }

    /** log of the binomial coefficient C(n, k) for real n >= k >= 0. */
    public static double logBinomial(double n, double k) {
        return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
    }

    /** erfc(x). */
    public static double erfc(double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x < 0) {
            return 2 - erfc(-x);
        }
        if (x < SERIES_LIMIT) {
            return 1 - erfSeries(x);
        }
        return Math.exp(-x * x) * erfcScaledContinuedFraction(x);
    }

    /** log erfc(x), finite for every finite x (for large x it is about -x²). */
    public static double logErfc(double x) {
        if (x < SERIES_LIMIT) {
            return Math.log(erfc(x));
        }
        return -x * x + Math.log(erfcScaledContinuedFraction(x));
    }

    /** The standard normal distribution function Φ(x). */
    public static double normalCdf(double x) {
        return 0.5 * erfc(-x / SQRT2);
    }

    /** log Φ(x), accurate in the lower tail. */
    public static double logNormalCdf(double x) {
        return Math.log(0.5) + logErfc(-x / SQRT2);
    }

    /**
     * The standard normal quantile Φ⁻¹(p) for 0 < p < 1: Acklam's rational approximation refined by two Halley
     * steps on Φ, good to about 1e-15 relative.
     */
    public static double normalQuantile(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("the normal quantile needs 0 < p < 1, got " + p);
        }
        double x = acklam(p);
        for (int i = 0; i < 2; i++) {
            double e = normalCdf(x) - p;
            double u = e * Math.sqrt(2 * Math.PI) * Math.exp(x * x / 2);
            x = x - u / (1 + x * u / 2);
        }
        return x;
    }

    /** log(e^a + e^b) without overflow. */
    public static double logAddExp(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) {
            return b;
        }
        if (b == Double.NEGATIVE_INFINITY) {
            return a;
        }
        double hi = Math.max(a, b);
        return hi + Math.log1p(Math.exp(Math.min(a, b) - hi));
    }

    private static double erfSeries(double x) {
        // erf(x) = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1)); used for |x| < 1.5.
        double term = x;
        double sum = x;
        double x2 = x * x;
        for (int n = 1; n < 200; n++) {
            term *= -x2 / n;
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                break;
            }
        }
        return 2 / SQRT_PI * sum;
    }

    /**
     * e^(x²) erfc(x) for x >= 1.5 by the continued fraction erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x
     * + ...)))), evaluated with the modified Lentz method.
     */
    private static double erfcScaledContinuedFraction(double x) {
        double tiny = 1e-300;
        double f = x;
        double c = x;
        double d = 0;
        for (int n = 1; n < 10_000; n++) {
            double a = n / 2.0;
            d = x + a * d;
            if (d == 0) {
                d = tiny;
            }
            c = x + a / c;
            if (c == 0) {
                c = tiny;
            }
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return 1 / (SQRT_PI * f);
    }

    private static double acklam(double p) {
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
            -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
            -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
            4.374664141464968e+00, 2.938163982698783e+00};
        double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        double low = 0.02425;
        if (p < low) {
            double q = Math.sqrt(-2 * Math.log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - low) {
            double q = Math.sqrt(-2 * Math.log1p(-p));
            return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        double q = p - 0.5;
        double r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
}
