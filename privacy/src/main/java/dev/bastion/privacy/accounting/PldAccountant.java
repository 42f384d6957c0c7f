package dev.bastion.privacy.accounting;

import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * Privacy loss distribution accounting (Meiser and Mohammadi 2018; Koskela, Jälkö and Honkela 2020; Google's
 * dp_accounting): each event's privacy loss distribution is discretised on a grid, distributions are composed by
 * convolution (FFT, repeated squaring for repeated steps), and δ(ε) is read off the composed distribution. It is
 * the tightest accountant for the subsampled Gaussian with few to moderate steps. Immutable and thread-safe.
 *
 * <pre>
 * Adjacency is add-or-remove-one, so two pairs are composed and δ is the larger of the two:
 *   remove: P = (1-q)·N(0,z²) + q·N(1,z²) against Q = N(0,z²); loss L(x) = log(1 - q + q·e^((2x-1)/(2z²))), x ~ P
 *   add:    P = N(0,z²) against Q = the mixture; loss -L(x), x ~ N(0,z²)
 * L is monotone in x, so P[L <= l] is a normal (mixture) distribution function at x(l) = z²·log((e^l - 1 + q)/q) + 1/2.
 * Pure ε-DP events are replaced by randomised response, which dominates every ε-DP mechanism (Kairouz, Oh and
 * Viswanath 2015): loss +ε with probability e^ε/(1+e^ε), else -ε. A plain Gaussian event is the case q = 1;
 * discrete Gaussians are accounted as continuous ones, which holds for Bastion's mechanisms (σ of at least 2^20 grid
 * units, see the Noise class in the dp package).
 * Discretisation rounds each loss up to the grid and sends tails beyond 8.9 standard deviations to +∞ (upper) or to the lowest grid
 * point (lower), so every step is pessimistic; the price is a shift of at most (grid step) per composed step,
 * i.e. ε may be overstated by up to steps × 1e-4. For thousands of steps RDP is then tighter, and
 * {@link Accounting} picks it.
 * </pre>
 */
public final class PldAccountant implements Accountant {
    /** Default grid step of the privacy loss. */
    public static final double DEFAULT_STEP = 1e-4;
    private static final long MAX_POINTS = 1L << 21;
    private static final double TAIL_SIGMAS = 8.9; // Φc(8.9) ≈ 2.8e-19

    private final double step;

    public PldAccountant() {
        this(DEFAULT_STEP);
    }

    public PldAccountant(double step) {
        Checks.positiveFinite("grid step", step);
        this.step = step;
    }

    @Override
    public String name() {
        return "pld";
    }

    @Override
    public boolean supports(PrivacyEvent event) {
        return !(event instanceof PrivacyEvent.Approximate);
    }

    /**
     * {@inheritDoc} Infinite when a single event's loss distribution would need more than 2^21 grid points (very
     * little noise); the other accountants then give the bound.
     */
    @Override
    public double epsilon(List<PrivacyEvent> events, double delta) {
        Accounting.checkDelta(delta);
        if (events.isEmpty()) {
            return 0;
        }
        try {
            LossPmf[] composed = compose(events);
            return Math.max(composed[0].epsilon(delta), composed[1].epsilon(delta));
        } catch (TooWide e) {
            return Double.POSITIVE_INFINITY;
        }
    }

    /** A loss distribution too wide for the grid. */
    private static final class TooWide extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooWide() {
            super(null, null, false, false);
        }
    }

    /** δ at each of {@code epsilons} for the composition of {@code events}. */
    public double[] deltas(List<PrivacyEvent> events, double... epsilons) {
        LossPmf[] composed = compose(events);
        double[] out = new double[epsilons.length];
        for (int i = 0; i < epsilons.length; i++) {
            out[i] = Math.max(composed[0].delta(epsilons[i]), composed[1].delta(epsilons[i]));
        }
        return out;
    }

    private LossPmf[] compose(List<PrivacyEvent> events) {
        LossPmf remove = LossPmf.identity(step);
        LossPmf add = LossPmf.identity(step);
        for (PrivacyEvent e : events) {
            switch (e) {
                case PrivacyEvent.PureDp p -> {
                    LossPmf rr = randomisedResponse(p.epsilon());
                    remove = remove.compose(rr);
                    add = add.compose(rr);
                }
                case PrivacyEvent.Gaussian g -> {
                    remove = remove.compose(subsampledGaussian(1, g.noiseMultiplier(), true));
                    add = add.compose(subsampledGaussian(1, g.noiseMultiplier(), false));
                }
                case PrivacyEvent.SubsampledGaussian s -> {
                    remove = remove.compose(subsampledGaussian(s.samplingRate(), s.noiseMultiplier(), true)
                            .selfCompose(s.steps()));
                    add = add.compose(subsampledGaussian(s.samplingRate(), s.noiseMultiplier(), false)
                            .selfCompose(s.steps()));
                }
                default -> throw new IllegalArgumentException("PLD accounting cannot bound " + e.describe());
            }
        }
        return new LossPmf[] {remove, add};
    }

    private LossPmf randomisedResponse(double eps) {
        long up = (long) Math.ceil(eps / step);
        long down = (long) Math.ceil(-eps / step);
        double[] mass = new double[(int) (up - down + 1)];
        double pHigh = 1 / (1 + Math.exp(-eps));
        mass[0] = 1 - pHigh;
        mass[mass.length - 1] += pHigh;
        return new LossPmf(step, down, mass, 0);
    }

    /**
     * One step of the (subsampled) Gaussian: mass of each loss interval ((k-1)·step, k·step] placed at k·step,
     * computed from the distribution function of x (lower half) or its survival function (upper half) so that
     * small tail masses keep their precision.
     */
    LossPmf subsampledGaussian(double q, double z, boolean remove) {
        double log1mq = q == 1 ? Double.NEGATIVE_INFINITY : Math.log1p(-q);
        DoubleUnaryOperator loss = x -> {
            double g = (2 * x - 1) / (2 * z * z);
            double l = q == 1 ? g : Special.logAddExp(log1mq, Math.log(q) + g);
            return remove ? l : -l;
        };
        // x -> position where the loss equals l (monotone inverse), for l above log(1-q) (remove form).
        DoubleUnaryOperator xOfRemoveLoss = l -> {
            double inner = q == 1 ? l : Math.log((Math.exp(l) - (1 - q)) / q);
            return z * z * inner + 0.5;
        };
        double xLo = -TAIL_SIGMAS * z;
        double xHi = remove ? 1 + TAIL_SIGMAS * z : TAIL_SIGMAS * z;
        double lossA = loss.applyAsDouble(xLo);
        double lossB = loss.applyAsDouble(xHi);
        double lMin = Math.min(lossA, lossB);
        double lMax = Math.max(lossA, lossB);
        long kMin = (long) Math.floor(lMin / step);
        long kMax = (long) Math.ceil(lMax / step);
        if (kMax - kMin > MAX_POINTS) {
            throw new TooWide();
        }
        int n = (int) (kMax - kMin + 1);
        // cdf(l) = P[L <= l]; sf(l) = P[L > l]
        DoubleUnaryOperator cdf;
        DoubleUnaryOperator sf;
        if (remove) {
            cdf = l -> {
                if (q < 1 && l <= log1mq) {
                    return 0;
                }
                double x = xOfRemoveLoss.applyAsDouble(l);
                return (1 - q) * Special.normalCdf(x / z) + q * Special.normalCdf((x - 1) / z);
            };
            sf = l -> {
                if (q < 1 && l <= log1mq) {
                    return 1;
                }
                double x = xOfRemoveLoss.applyAsDouble(l);
                return (1 - q) * Special.normalCdf(-x / z) + q * Special.normalCdf((1 - x) / z);
            };
        } else {
            // L = -Lr(x) <= l  <=>  Lr(x) >= -l  <=>  x >= x(-l), x ~ N(0, z²)
            cdf = l -> {
                if (q < 1 && -l <= log1mq) {
                    return 1;
                }
                return Special.normalCdf(-xOfRemoveLoss.applyAsDouble(-l) / z);
            };
            sf = l -> {
                if (q < 1 && -l <= log1mq) {
                    return 0;
                }
                return Special.normalCdf(xOfRemoveLoss.applyAsDouble(-l) / z);
            };
        }
        double[] below = new double[n]; // P[L <= grid point i]
        double[] above = new double[n]; // P[L > grid point i]
        for (int i = 0; i < n; i++) {
            double l = (kMin + i) * step;
            below[i] = cdf.applyAsDouble(l);
            above[i] = sf.applyAsDouble(l);
        }
        double[] mass = new double[n];
        mass[0] = below[0]; // the lower tail joins the first grid point: pessimistic
        for (int i = 1; i < n; i++) {
            double m = below[i] < 0.5 ? below[i] - below[i - 1] : above[i - 1] - above[i];
            mass[i] = Math.max(0, m);
        }
        return LossPmf.truncate(step, kMin, mass, Math.max(0, above[n - 1]));
    }
}
