package dev.bastion.privacy.fl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ShamirTest {

    @Test
    void theModulusIsAPrimeAboveTwoToThe256() {
        assertTrue(Shamir.P.isProbablePrime(128));
        assertTrue(Shamir.P.bitLength() == 257);
    }

    @Property(tries = 200)
    void anyTOfNSharesReconstructTheSecret(@ForAll @Size(32) byte[] secret, @ForAll @IntRange(min = 1, max = 12) int t,
            @ForAll @IntRange(min = 0, max = 8) int extra, @ForAll long seed) {
        int n = t + extra;
        Random random = new Random(seed);
        List<Shamir.Share> shares = new ArrayList<>(Shamir.split(secret, t, n, random));
        java.util.Collections.shuffle(shares, random);
        assertArrayEquals(secret, Shamir.reconstruct(shares.subList(0, t)));
        assertArrayEquals(secret, Shamir.reconstruct(shares));
    }

    @Property(tries = 200)
    void everySecretIsConsistentWithTMinusOneShares(@ForAll @Size(32) byte[] secret, @ForAll @Size(32) byte[] other,
            @ForAll @IntRange(min = 2, max = 10) int t, @ForAll long seed) {
        // t-1 shares of `secret` plus the point (0, other) define a polynomial of degree t-1; it passes through
        // every one of the t-1 shares, so an adversary holding them cannot tell `other` from `secret`.
        List<Shamir.Share> seen = Shamir.split(secret, t, t + 2, new Random(seed)).subList(0, t - 1);
        List<BigInteger[]> points = new ArrayList<>();
        points.add(new BigInteger[] {BigInteger.ZERO, new BigInteger(1, other)});
        for (Shamir.Share s : seen) {
            points.add(new BigInteger[] {BigInteger.valueOf(s.x()), s.y()});
        }
        int fresh = t + 1; // a holder whose share the adversary lacks
        Shamir.Share completing = new Shamir.Share(fresh, interpolateAt(points, BigInteger.valueOf(fresh)));
        List<Shamir.Share> forged = new ArrayList<>(seen);
        forged.add(completing);
        assertArrayEquals(other, Shamir.reconstruct(forged));
    }

    @Property(tries = 100)
    void fewerThanTSharesDoNotGiveTheSecretBack(@ForAll @Size(32) byte[] secret,
            @ForAll @IntRange(min = 2, max = 10) int t, @ForAll long seed) {
        List<Shamir.Share> shares = Shamir.split(secret, t, t, new Random(seed));
        byte[] guess;
        try {
            guess = Shamir.reconstruct(shares.subList(0, t - 1));
        } catch (IllegalArgumentException notA256BitValue) {
            return; // the interpolation landed above 2^256: certainly not the secret
        }
        assertFalse(Arrays.equals(secret, guess));
    }

    @Test
    void sharesAtArbitraryClientIdsReconstruct() {
        byte[] secret = new byte[32];
        new Random(7).nextBytes(secret);
        List<Shamir.Share> shares = Shamir.split(secret, 3, new int[] {5, 900, 17, 42}, new Random(1));
        assertArrayEquals(secret, Shamir.reconstruct(List.of(shares.get(3), shares.get(1), shares.get(0))));
    }

    @Test
    void duplicatePointsAndBadThresholdsAreRefused() {
        byte[] secret = new byte[32];
        assertThrows(IllegalArgumentException.class, () -> Shamir.split(secret, 4, 3, new Random(1)));
        assertThrows(IllegalArgumentException.class, () -> Shamir.split(secret, 2, new int[] {3, 3}, new Random(1)));
        Shamir.Share s = Shamir.split(secret, 2, 2, new Random(1)).get(0);
        assertThrows(IllegalArgumentException.class, () -> Shamir.reconstruct(List.of(s, s)));
    }

    @Test
    void aShareNeverPrintsItsValue() {
        Shamir.Share s = new Shamir.Share(3, BigInteger.valueOf(123456789));
        assertFalse(s.toString().contains("123456789"));
    }

    private static BigInteger interpolateAt(List<BigInteger[]> points, BigInteger x) {
        BigInteger p = Shamir.P;
        BigInteger sum = BigInteger.ZERO;
        for (BigInteger[] i : points) {
            BigInteger num = BigInteger.ONE;
            BigInteger den = BigInteger.ONE;
            for (BigInteger[] j : points) {
                if (!j[0].equals(i[0])) {
                    num = num.multiply(x.subtract(j[0])).mod(p);
                    den = den.multiply(i[0].subtract(j[0])).mod(p);
                }
            }
            sum = sum.add(i[1].multiply(num).multiply(den.modInverse(p))).mod(p);
        }
        return sum;
    }
}
