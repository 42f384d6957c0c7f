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
            for (int i = t - 1; i >= 0; i--) { // Horner
                y = y.multiply(bx).add(coefficients[i]).mod(P);
            }
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
        if (shares.isEmpty()) {
            throw new IllegalArgumentException("no shares");
        }
        Set<Integer> xs = new HashSet<>();
        for (Share s : shares) {
            if (!xs.add(s.x())) {
                throw new IllegalArgumentException("two shares at x=" + s.x());
            }
        }
        BigInteger secret = BigInteger.ZERO;
        for (Share i : shares) {
            BigInteger num = BigInteger.ONE;
            BigInteger den = BigInteger.ONE;
            for (Share j : shares) {
                if (j.x() != i.x()) {
                    num = num.multiply(BigInteger.valueOf(-j.x())).mod(P);
                    den = den.multiply(BigInteger.valueOf(i.x() - j.x())).mod(P);
                }
            }
            secret = secret.add(i.y().multiply(num).multiply(den.modInverse(P))).mod(P);
        }
        if (secret.bitLength() > 256) {
            throw new IllegalArgumentException("the shares do not interpolate to a 256-bit secret");
        }
        return toBytes(secret, 32);
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
