package dev.bastion.privacy.fl;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Shamir secret sharing over the prime field of p = 2^256 + 297, the smallest prime above 2^256, so any 256-bit
 * secret (a seed, an X25519 scalar) is shared whole: nothing is truncated or split into chunks. Share i is the
 * value at x = i of a random polynomial of degree t - 1 whose constant term is the secret; any t shares give the
 * secret back by Lagrange interpolation at 0, and any t - 1 are consistent with every secret (each choice of secret
 * fixes exactly one polynomial through them). Unlike GF(256) schemes, up to p - 1 holders fit.
 *
 * <p>Stateless and thread-safe; randomness is passed in (a {@code SecureRandom} in production).
 */
public final class Shamir {
    /** 2^256 + 297, checked prime by the tests. */
    public static final BigInteger P = BigInteger.ONE.shiftLeft(256).add(BigInteger.valueOf(297));
    /** Bytes of a field element on the wire. */
    public static final int ELEMENT_BYTES = 33;

    /** One share: the polynomial's value {@code y} at {@code x} (x in 1..p-1). */
    public record Share(int x, BigInteger y) {
        public Share {
            if (x < 1 || y.signum() < 0 || y.compareTo(P) >= 0) {
                throw new IllegalArgumentException("a share needs x >= 1 and 0 <= y < p");
            }
        }

        @Override
        public String toString() {
            return "Share[x=" + x + ", y=redacted]";
        }
    }

    private Shamir() {
    }

    /** Shares of {@code secret} (32 bytes, big-endian) for holders 1..n, any {@code t} of which reconstruct it. */
    public static List<Share> split(byte[] secret, int t, int n, RandomGenerator random) {
        int[] xs = new int[n];
        for (int i = 0; i < n; i++) {
            xs[i] = i + 1;
        }
        return split(secret, t, xs, random);
    }

    /** Shares of {@code secret} for the holders at the distinct points {@code xs} (client ids, all >= 1). */
    public static List<Share> split(byte[] secret, int t, int[] xs, RandomGenerator random) {
        if (secret.length != 32) {
            throw new IllegalArgumentException("secrets are 32 bytes");
        }
        int n = xs.length;
        if (t < 1 || t > n) {
            throw new IllegalArgumentException("need 1 <= t <= n, got t=" + t + ", n=" + n);
        }
        if (java.util.Arrays.stream(xs).distinct().count() != n) {
            throw new IllegalArgumentException("holder points must be distinct");
        }
        BigInteger[] coefficients = new BigInteger[t];
        coefficients[0] = new BigInteger(1, secret);
        for (int i = 1; i < t; i++) {
            coefficients[i] = randomElement(random);
        }
        List<Share> shares = new ArrayList<>(n);
        for (int x : xs) {
            BigInteger bx = BigInteger.valueOf(x);
            BigInteger y = BigInteger.ZERO;
            for (int i = t - 1; i >= 0; i--) { // Horner, reduced only when y outgrows twice the field's width
                y = y.multiply(bx).add(coefficients[i]);
                if (y.bitLength() > 2 * 257) {
                    y = y.mod(P);
                }
            }
            y = y.mod(P);
            shares.add(new Share(x, y));
        }
        return shares;
    }

    /**
     * The secret from {@code t} or more shares with distinct x (all are used: with fewer than t the result is some
     * unrelated value, which is why callers count shares against their threshold first).
     *
     * @throws IllegalArgumentException when two shares have the same x or the result is not a 32-byte secret
     */
    public static byte[] reconstruct(List<Share> shares) {
        int[] xs = new int[shares.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = shares.get(i).x();
        }
        return reconstruct(shares, lagrangeAtZero(xs));
    }

    /**
     * The secret from shares at the points whose {@link #lagrangeAtZero} coefficients are given, in the same order:
     * a caller rebuilding many secrets from the same holders computes the coefficients once.
     */
    public static byte[] reconstruct(List<Share> shares, BigInteger[] coefficients) {
        if (shares.size() != coefficients.length) {
            throw new IllegalArgumentException("one coefficient per share");
        }
        BigInteger secret = BigInteger.ZERO;
        for (int i = 0; i < coefficients.length; i++) {
            secret = secret.add(shares.get(i).y().multiply(coefficients[i]));
        }
        secret = secret.mod(P);
        if (secret.bitLength() > 256) {
            throw new IllegalArgumentException("the shares do not interpolate to a 256-bit secret");
        }
        return toBytes(secret, 32);
    }

    /**
     * The Lagrange coefficients at 0 for the distinct points {@code xs}: λ_i = Π_{j≠i} x_j / (x_j − x_i) mod p.
     * Each λ_i is X / d_i with X = Π x_j and d_i = x_i · Π_{j≠i} (x_j − x_i); the d_i are products of small
     * integers, multiplied in longs and reduced rarely, and all t of them are inverted with one modular inversion
     * (Montgomery's trick), instead of t inversions and 2t² full-width products.
     *
     * @throws IllegalArgumentException when the list is empty or two points are equal
     */
    public static BigInteger[] lagrangeAtZero(int[] xs) {
        int t = xs.length;
        if (t == 0) {
            throw new IllegalArgumentException("no shares");
        }
        Set<Integer> seen = new HashSet<>();
        for (int x : xs) {
            if (x < 1 || !seen.add(x)) {
                throw new IllegalArgumentException("two shares at one point, or a point below 1");
            }
        }
        BigInteger all = BigInteger.ONE;
        long acc = 1;
        for (int x : xs) {
            if (acc >= (1L << 31)) {
                all = all.multiply(BigInteger.valueOf(acc)).mod(P);
                acc = 1;
            }
            acc *= x;
        }
        all = all.multiply(BigInteger.valueOf(acc)).mod(P);
        BigInteger[] d = new BigInteger[t];
        for (int i = 0; i < t; i++) {
            // the factors are multiplied in a long until the next one would overflow it, and the product is
            // reduced mod p only when it passes 1,024 bits: a few divisions per d_i instead of one per 3 factors
            BigInteger prod = BigInteger.valueOf(xs[i]);
            acc = 1;
            for (int j = 0; j < t; j++) {
                if (j != i) {
                    long f = (long) xs[j] - xs[i];
                    long low = acc * f;
                    if (Math.multiplyHigh(acc, f) != (low >> 63)) {
                        prod = prod.multiply(BigInteger.valueOf(acc));
                        if (prod.bitLength() > 1024) {
                            prod = prod.mod(P);
                        }
                        low = f;
                    }
                    acc = low;
                }
            }
            d[i] = prod.multiply(BigInteger.valueOf(acc)).mod(P);
        }
        // prefix[i] = d_0 ... d_{i-1}; one inversion of the whole product, then walk back
        BigInteger[] prefix = new BigInteger[t + 1];
        prefix[0] = BigInteger.ONE;
        for (int i = 0; i < t; i++) {
            prefix[i + 1] = prefix[i].multiply(d[i]).mod(P);
        }
        BigInteger inverse = prefix[t].modInverse(P).multiply(all).mod(P); // X / (d_0 ... d_{t-1})
        BigInteger[] out = new BigInteger[t];
        for (int i = t - 1; i >= 0; i--) {
            out[i] = inverse.multiply(prefix[i]).mod(P);
            inverse = inverse.multiply(d[i]).mod(P);
        }
        return out;
    }

    /** A uniform field element. */
    static BigInteger randomElement(RandomGenerator random) {
        byte[] b = new byte[ELEMENT_BYTES + 8];
        random.nextBytes(b);
        return new BigInteger(1, b).mod(P); // 64 extra bits make the modular bias below 2^-64
    }

    /** {@code v} as exactly {@code length} big-endian bytes. */
    static byte[] toBytes(BigInteger v, int length) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        return out;
    }
}
