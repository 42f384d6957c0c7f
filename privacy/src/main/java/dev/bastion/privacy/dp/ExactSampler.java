package dev.bastion.privacy.dp;

import java.math.BigInteger;

/**
 * Exact samplers for the discrete Laplace and discrete Gaussian distributions on the integers, using only uniform
 * integers and rational arithmetic: no floating point touches the noise, so the attacks on textbook floating-point
 * Laplace (Mironov 2012) do not apply.
 *
 * <pre>
 * Canonne, Kamath and Steinke 2020, "The Discrete Gaussian for Differential Privacy", Algorithms 1-3:
 *  Bernoulli(e^-γ), γ in [0,1]: draw A_k ~ Bernoulli(γ/k) for k = 1, 2, ... until one is 0; return 1 iff that k
 *    is odd (P = Σ_k (-γ)^k / k! = e^-γ). For γ > 1: floor(γ) independent Bernoulli(e^-1), then Bernoulli(e^-(γ mod 1)).
 *  Discrete Laplace, P[x] ∝ e^(-|x|/t), t = s/d: U uniform in {0..s-1} accepted with probability e^(-U/s), plus
 *    s·V where V counts Bernoulli(e^-1) successes, gives X geometric with P[X] ∝ e^(-X/s); Y = floor(X/d) has
 *    P[Y] ∝ e^(-Y·d/s); a random sign, rejecting "-0", makes it two-sided.
 *  Discrete Gaussian, P[x] ∝ e^(-x²/(2σ²)): propose Y from the discrete Laplace with t = floor(σ)+1 and accept with
 *    probability e^(-(|Y| - σ²/t)² / (2σ²)).
 * </pre>
 *
 * Not thread-safe (it owns a generator).
 */
final class ExactSampler {
    private final DpRandom random;

    ExactSampler(DpRandom random) {
        this.random = random;
    }

    /** A rational p = num/den with num, den > 0 (den > 0, num >= 0). */
    record Rational(BigInteger num, BigInteger den) {
        Rational {
            if (den.signum() <= 0 || num.signum() < 0) {
                throw new IllegalArgumentException("a non-negative rational with positive denominator is needed");
            }
        }

        /** The exact value of a finite, non-negative double (every double is a dyadic rational). */
        static Rational of(double value) {
            if (!(value >= 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("a finite non-negative number is needed, got " + value);
            }
            if (value == 0) {
                return new Rational(BigInteger.ZERO, BigInteger.ONE);
            }
            long bits = Double.doubleToLongBits(value);
            int exponent = (int) ((bits >> 52) & 0x7ff);
            long mantissa = bits & 0xfffffffffffffL;
            if (exponent == 0) {
                exponent = 1;
            } else {
                mantissa |= 1L << 52;
            }
            int shift = exponent - 1075; // value = mantissa * 2^shift
            BigInteger m = BigInteger.valueOf(mantissa);
            return shift >= 0 ? new Rational(m.shiftLeft(shift), BigInteger.ONE)
                    : new Rational(m, BigInteger.ONE.shiftLeft(-shift));
        }
    }

    boolean bernoulli(BigInteger num, BigInteger den) {
        return uniformBelow(den).compareTo(num) < 0;
    }

    /** Bernoulli(e^(-num/den)). */
    boolean bernoulliExp(BigInteger num, BigInteger den) {
        if (num.compareTo(den) <= 0) {
            BigInteger k = BigInteger.ONE;
            while (bernoulli(num, den.multiply(k))) {
                k = k.add(BigInteger.ONE);
            }
            return k.testBit(0);
        }
        BigInteger[] qr = num.divideAndRemainder(den);
        for (BigInteger i = BigInteger.ZERO; i.compareTo(qr[0]) < 0; i = i.add(BigInteger.ONE)) {
            if (!bernoulliExp(BigInteger.ONE, BigInteger.ONE)) {
                return false;
            }
        }
        return bernoulliExp(qr[1], den);
    }

    /** Discrete Laplace with scale t = s/d: P[x] ∝ e^(-|x|·d/s). */
    BigInteger discreteLaplace(BigInteger s, BigInteger d) {
        while (true) {
            BigInteger u = uniformBelow(s);
            if (!bernoulliExp(u, s)) {
                continue;
            }
            BigInteger v = BigInteger.ZERO;
            while (bernoulliExp(BigInteger.ONE, BigInteger.ONE)) {
                v = v.add(BigInteger.ONE);
            }
            BigInteger y = u.add(s.multiply(v)).divide(d);
            boolean negative = random.generator().nextBoolean();
            if (negative && y.signum() == 0) {
                continue;
            }
            return negative ? y.negate() : y;
        }
    }

    /** Discrete Gaussian with variance parameter σ² = sn/sd. */
    BigInteger discreteGaussian(BigInteger sn, BigInteger sd) {
        BigInteger t = sn.multiply(sd).sqrt().divide(sd).add(BigInteger.ONE);
        BigInteger twoSnT2Sd = BigInteger.TWO.multiply(sn).multiply(t).multiply(t).multiply(sd);
        while (true) {
            BigInteger y = discreteLaplace(t, BigInteger.ONE);
            BigInteger diff = y.abs().multiply(t).multiply(sd).subtract(sn);
            if (bernoulliExp(diff.multiply(diff), twoSnT2Sd)) {
                return y;
            }
        }
    }

    /** A uniform integer in [0, n), by rejection on n's bit length. */
    BigInteger uniformBelow(BigInteger n) {
        if (n.signum() <= 0) {
            throw new IllegalArgumentException("the bound must be positive");
        }
        int bits = n.bitLength();
        if (bits < 63) {
            return BigInteger.valueOf(random.generator().nextLong(n.longValue()));
        }
        while (true) {
            byte[] bytes = new byte[(bits + 7) / 8 + 1];
            random.generator().nextBytes(bytes);
            bytes[0] = 0;
            BigInteger candidate = new BigInteger(bytes).shiftRight(bytes.length * 8 - 8 - bits);
            if (candidate.compareTo(n) < 0) {
                return candidate;
            }
        }
    }
}
