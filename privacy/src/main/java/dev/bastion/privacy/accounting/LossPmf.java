package dev.bastion.privacy.accounting;

/**
 * A discretised privacy loss distribution: probability {@code mass[i]} at loss {@code (offset + i) * step}, plus a
 * mass at +∞ (outputs that only one of the two datasets can produce, and truncated upper tails). Immutable.
 *
 * <p>Every operation here is pessimistic: losses are rounded up, truncated upper tails go to +∞ and truncated
 * lower tails move up to the lowest kept loss, so δ computed from the result is never below the true δ (up to
 * floating-point error, about 1e-15 per operation).
 */
final class LossPmf {
    /** Tail mass below which entries are truncated after each convolution. */
    static final double TRUNCATION = 1e-15;

    final double step;
    final long offset;
    final double[] mass;
    final double infinity;

    LossPmf(double step, long offset, double[] mass, double infinity) {
        this.step = step;
        this.offset = offset;
        this.mass = mass;
        this.infinity = infinity;
    }

    /** The identity of composition: loss 0 with probability 1. */
    static LossPmf identity(double step) {
        return new LossPmf(step, 0, new double[] {1}, 0);
    }

    /** δ(ε) = P[L = ∞] + Σ_{l > ε} p(l) (1 - e^(ε - l)). */
    double delta(double epsilon) {
        double d = infinity;
        for (int i = mass.length - 1; i >= 0; i--) {
            double loss = (offset + i) * step;
            if (loss <= epsilon) {
                break;
            }
            d += mass[i] * -Math.expm1(epsilon - loss);
        }
        return Math.min(1, Math.max(0, d));
    }

    /** The smallest ε with δ(ε) <= target, by bisection on the monotone δ(ε); +∞ if none. */
    double epsilon(double targetDelta) {
        if (infinity > targetDelta) {
            return Double.POSITIVE_INFINITY;
        }
        double hi = (offset + mass.length) * step;
        double lo = 0;
        if (delta(lo) <= targetDelta) {
            return 0;
        }
        if (delta(hi) > targetDelta) {
            return Double.POSITIVE_INFINITY;
        }
        for (int i = 0; i < 100 && hi - lo > 1e-12; i++) {
            double mid = (lo + hi) / 2;
            if (delta(mid) <= targetDelta) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }

    /** The distribution of the sum of independent losses from this and {@code other}. */
    LossPmf compose(LossPmf other) {
        if (other.step != step) {
            throw new IllegalArgumentException("losses on different grids cannot be composed");
        }
        double[] conv = Fft.convolve(mass, other.mass);
        double finiteA = 1 - infinity;
        double finiteB = 1 - other.infinity;
        double inf = 1 - finiteA * finiteB;
        return truncate(offset + other.offset, conv, inf);
    }

    /** This distribution composed with itself {@code times} times, by repeated squaring. */
    LossPmf selfCompose(long times) {
        LossPmf result = identity(step);
        LossPmf base = this;
        long n = times;
        while (n > 0) {
            if ((n & 1) == 1) {
                result = result.compose(base);
            }
            n >>= 1;
            if (n > 0) {
                base = base.compose(base);
            }
        }
        return result;
    }

    /** Drops negligible tails pessimistically and clamps floating-point noise below zero. */
    static LossPmf truncate(double step, long offset, double[] mass, double infinity) {
        return new LossPmf(step, offset, mass, infinity).truncate(offset, mass, infinity);
    }

    private LossPmf truncate(long newOffset, double[] values, double inf) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0 || Double.isNaN(values[i])) {
                values[i] = 0;
            }
        }
        int lo = 0;
        double lowTail = 0;
        while (lo < values.length - 1 && lowTail + values[lo] < TRUNCATION) {
            lowTail += values[lo];
            lo++;
        }
        int hi = values.length - 1;
        double highTail = 0;
        while (hi > lo && highTail + values[hi] < TRUNCATION) {
            highTail += values[hi];
            hi--;
        }
        double[] kept = java.util.Arrays.copyOfRange(values, lo, hi + 1);
        kept[0] += lowTail;
        return new LossPmf(step, newOffset + lo, kept, Math.min(1, inf + highTail));
    }
}
