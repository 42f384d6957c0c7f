package dev.bastion.privacy.accounting;

import java.util.List;

/**
 * Rényi-DP accounting (Mironov 2017) over a fixed grid of orders α, for pure-DP, Gaussian and Poisson-subsampled
 * Gaussian events. Immutable and thread-safe.
 *
 * <pre>
 * Per event, at order α > 1:
 *  - pure ε-DP: the worst case is randomised response, D_α = log((sinh(αε) - sinh((α-1)ε)) / sinh ε) / (α-1)
 *    (Bun and Steinke 2016, Proposition 3.3; checked in our tests against the randomised-response divergence).
 *  - Gaussian, noise multiplier z: α / (2z²) (Mironov 2017, Proposition 7). The discrete Gaussian satisfies the same
 *    bound (Canonne, Kamath and Steinke 2020, Theorem 4).
 *  - Poisson-subsampled Gaussian, rate q: log(A_α) / (α-1) with A_α = E_{x~N(0,z²)}[((1-q) + q·e^((2x-1)/(2z²)))^α]
 *    (Mironov, Talwar and Zhang 2019): for integer α the binomial expansion
 *    A_α = Σ_k C(α,k) (1-q)^(α-k) q^k e^((k²-k)/(2z²)); for fractional α their Section 3.3 series split at
 *    z0 = z² log(1/q - 1) + 1/2, with erfc tails, summed until the terms are negligible.
 *  RDP at one order composes by addition.
 * To (ε, δ): IMPROVED uses ε = r + log(1 - 1/α) - log(δα)/(α-1) (Balle et al. 2020, Proposition 12; Asoodeh et
 * al. 2021); CLASSIC uses ε = r - log(δ)/(α-1) (Mironov 2017, Proposition 3), which older published figures used.
 * The reported ε is the minimum over the grid.
 * </pre>
 */
public final class RdpAccountant implements Accountant {

    /** How RDP converts to (ε, δ). */
    public enum Conversion { IMPROVED, CLASSIC }

    /** Orders 1.1 to 10.9 in steps of 0.1, 1.25 to 4.75 in quarters, 11 to 64, and 128, 256, 512. */
    public static final double[] DEFAULT_ORDERS = defaultOrders();

    private final double[] orders;
    private final Conversion conversion;

    public RdpAccountant() {
        this(DEFAULT_ORDERS, Conversion.IMPROVED);
    }

    public RdpAccountant(double[] orders, Conversion conversion) {
        if (orders.length == 0) {
            throw new IllegalArgumentException("at least one order is needed");
        }
        for (double a : orders) {
            if (!(a > 1) || Double.isInfinite(a)) {
                throw new IllegalArgumentException("RDP orders must be finite and above 1, got " + a);
            }
        }
        this.orders = orders.clone();
        this.conversion = conversion;
    }

    @Override
    public String name() {
        return "rdp";
    }

    @Override
    public boolean supports(PrivacyEvent event) {
        return !(event instanceof PrivacyEvent.Approximate);
    }

    /** The composed RDP at each of this accountant's orders. */
    public double[] rdp(List<PrivacyEvent> events) {
        double[] total = new double[orders.length];
        for (PrivacyEvent e : events) {
            for (int i = 0; i < orders.length; i++) {
                total[i] += rdp(e, orders[i]);
            }
        }
        return total;
    }

    @Override
    public double epsilon(List<PrivacyEvent> events, double delta) {
        return epsilonAndOrder(events, delta)[0];
    }

    /** The ε at {@code delta} and the order that achieved it, as {ε, α}. */
    public double[] epsilonAndOrder(List<PrivacyEvent> events, double delta) {
        Accounting.checkDelta(delta);
        return epsilonFromRdp(orders, rdp(events), delta, conversion);
    }

    /** Converts RDP values {@code rdp[i]} at {@code orders[i]} to the best ε at {@code delta}, as {ε, α}. */
    public static double[] epsilonFromRdp(double[] orders, double[] rdp, double delta, Conversion conversion) {
        if (orders.length != rdp.length || orders.length == 0) {
            throw new IllegalArgumentException("orders and RDP values must be non-empty and of equal length");
        }
        if (delta == 0) {
            return new double[] {Double.POSITIVE_INFINITY, orders[0]};
        }
        double best = Double.POSITIVE_INFINITY;
        double bestOrder = orders[0];
        for (int i = 0; i < orders.length; i++) {
            double eps = toEpsilon(rdp[i], orders[i], delta, conversion);
            if (eps < best) {
                best = eps;
                bestOrder = orders[i];
            }
        }
        return new double[] {Math.max(0, best), bestOrder};
    }

    private static double toEpsilon(double r, double a, double delta, Conversion conversion) {
        if (Double.isInfinite(r) || Double.isNaN(r)) {
            return Double.POSITIVE_INFINITY;
        }
        return switch (conversion) {
            case CLASSIC -> r - Math.log(delta) / (a - 1);
            case IMPROVED -> r + Math.log1p(-1 / a) - Math.log(delta * a) / (a - 1);
        };
    }

    /** The RDP of one event at order α. */
    public static double rdp(PrivacyEvent event, double alpha) {
        return switch (event) {
            case PrivacyEvent.PureDp p -> pureDp(p.epsilon(), alpha);
            case PrivacyEvent.Gaussian g -> alpha / (2 * g.noiseMultiplier() * g.noiseMultiplier());
            case PrivacyEvent.SubsampledGaussian s -> s.steps() * subsampledGaussian(s.samplingRate(),
                    s.noiseMultiplier(), alpha);
            case PrivacyEvent.Approximate a -> throw new IllegalArgumentException("RDP cannot bound " + a.describe());
        };
    }

    static double pureDp(double eps, double alpha) {
        // log((sinh(αε) - sinh((α-1)ε)) / sinh ε) written as log((e^(αε) + e^((1-α)ε)) / (1 + e^ε)) in log space.
        double num = Special.logAddExp(alpha * eps, (1 - alpha) * eps);
        double den = Special.logAddExp(0, eps);
        return Math.min(eps, (num - den) / (alpha - 1));
    }

    static double subsampledGaussian(double q, double z, double alpha) {
        if (q == 1) {
            return alpha / (2 * z * z);
        }
        double logA = alpha == Math.rint(alpha) && alpha < 1e6 ? logAInteger(q, z, (long) alpha) : logAFractional(q, z, alpha);
        return logA / (alpha - 1);
    }

    private static double logAInteger(double q, double z, long alpha) {
        double logA = Double.NEGATIVE_INFINITY;
        double logQ = Math.log(q);
        double log1mq = Math.log1p(-q);
        for (long k = 0; k <= alpha; k++) {
            double term = Special.logBinomial(alpha, k) + k * logQ + (alpha - k) * log1mq + (k * k - k) / (2 * z * z);
            logA = Special.logAddExp(logA, term);
        }
        return logA;
    }

    private static double logAFractional(double q, double z, double alpha) {
        double logA0 = Double.NEGATIVE_INFINITY;
        double logA1 = Double.NEGATIVE_INFINITY;
        double z0 = z * z * Math.log(1 / q - 1) + 0.5;
        double logQ = Math.log(q);
        double log1mq = Math.log1p(-q);
        double lastS0 = Double.NEGATIVE_INFINITY;
        double lastS1 = Double.NEGATIVE_INFINITY;
        double sqrt2z = Math.sqrt(2) * z;
        for (int i = 0; i < 10_000; i++) {
            double coef = logBinomialGeneral(alpha, i);
            double j = alpha - i;
            double t0 = coef + i * logQ + j * log1mq;
            double t1 = coef + j * logQ + i * log1mq;
            double e0 = Math.log(0.5) + Special.logErfc((i - z0) / sqrt2z);
            double e1 = Math.log(0.5) + Special.logErfc((z0 - j) / sqrt2z);
            double s0 = t0 + (i * (double) i - i) / (2 * z * z) + e0;
            double s1 = t1 + (j * j - j) / (2 * z * z) + e1;
            logA0 = Special.logAddExp(logA0, s0);
            logA1 = Special.logAddExp(logA1, s1);
            double total = Special.logAddExp(logA0, logA1);
            if (s0 < lastS0 && s1 < lastS1 && Math.max(s0, s1) < total - 30) {
                return total;
            }
            lastS0 = s0;
            lastS1 = s1;
        }
        return Double.POSITIVE_INFINITY;
    }

    /** log |C(α, i)| for real α and integer i, where α - i may be negative (generalised binomial). */
    private static double logBinomialGeneral(double alpha, int i) {
        // |C(α, i)| = |Γ(α+1) / (Γ(i+1) Γ(α-i+1))|; for α-i+1 <= 0 use the product form.
        if (alpha - i + 1 > 0) {
            return Special.logBinomial(alpha, i);
        }
        double log = 0;
        for (int k = 0; k < i; k++) {
            log += Math.log(Math.abs(alpha - k)) - Math.log(k + 1);
        }
        return log;
    }

    private static double[] defaultOrders() {
        java.util.TreeSet<Double> set = new java.util.TreeSet<>();
        for (int x = 1; x < 100; x++) {
            set.add(1 + x / 10.0);
        }
        for (int x = 5; x < 20; x++) {
            set.add(x / 4.0);
        }
        for (int a = 11; a <= 64; a++) {
            set.add((double) a);
        }
        set.add(128.0);
        set.add(256.0);
        set.add(512.0);
        return set.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
