package dev.bastion.privacy.fl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fast paths of the scale work give exactly what the straightforward code gave. */
class SecAggFastPathTest {

    /**
     * The mask made the straightforward way: the whole key stream at once, then little-endian words (4 bytes for
     * b up to 32, else 8) cut to b bits.
     */
    private static long[] referenceMask(byte[] seed, String domain, int length, int bits) {
        int width = bits <= 32 ? 4 : 8;
        ByteBuffer words = ByteBuffer.wrap(Prg.keystream(seed, Prg.initialCounter(domain), length * width))
                .order(ByteOrder.LITTLE_ENDIAN);
        long[] out = new long[length];
        for (int i = 0; i < length; i++) {
            long word = width == 4 ? Integer.toUnsignedLong(words.getInt()) : words.getLong();
            out[i] = word & ((1L << bits) - 1);
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource({"1, 1, 1", "7, 20, -1", "8192, 37, 1", "8193, 62, -1", "20000, 25, 1", "20000, 25, -1",
            "16384, 32, 1", "16385, 32, -1", "40000, 28, -1", "8191, 33, -1"})
    void maskingInPlaceAddsTheSameMaskAsMaterialisingItAndAddingIt(int length, int bits, int sign) {
        Random random = new Random(length * 31L + bits);
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        long[] vector = new long[length];
        for (int i = 0; i < length; i++) {
            vector[i] = random.nextLong() & ((1L << bits) - 1);
        }
        long[] expected = vector.clone();
        SecAggClient.addInto(expected, referenceMask(seed, "fed/3/pair-mask", length, bits), sign, (1L << bits) - 1);
        Prg.maskInto(vector, seed, "fed/3/pair-mask", sign, bits);
        assertArrayEquals(expected, vector);
        assertArrayEquals(referenceMask(seed, "fed/3/pair-mask", length, bits), Prg.mask(seed, "fed/3/pair-mask", length, bits));
    }

    @ParameterizedTest
    @CsvSource({"1, 1", "7, 20", "16384, 32", "16385, 28", "40000, 25", "40000, 32", "3, 2"})
    void accumulatingWholeWordsThenCuttingToBBitsGivesTheSameSumAsFoldingEachMaskInZ2b(int length, int bits) {
        Random random = new Random(length * 17L + bits);
        long keep = (1L << bits) - 1;
        long[] expected = new long[length];
        int[] words = new int[length];
        for (int m = 0; m < 5; m++) { // masks of both signs, so the words wrap below zero and past 2^32
            byte[] seed = new byte[32];
            random.nextBytes(seed);
            int sign = m % 2 == 0 ? -1 : 1;
            String domain = "fed/" + m + "/pair-mask";
            SecAggClient.addInto(expected, referenceMask(seed, domain, length, bits), sign, keep);
            Prg.accumulateWords(words, seed, domain, sign);
        }
        long[] got = new long[length];
        for (int i = 0; i < length; i++) {
            got[i] = words[i] & keep;
        }
        assertArrayEquals(expected, got);
    }

    @org.junit.jupiter.api.Test
    void accumulatingWordsRefusesABadSignOrSeed() {
        assertThrows(IllegalArgumentException.class, () -> Prg.accumulateWords(new int[4], new byte[32], "d", 0));
        assertThrows(IllegalArgumentException.class, () -> Prg.accumulateWords(new int[4], new byte[16], "d", 1));
    }

    /** Lagrange interpolation at 0 as the first version did it: t inversions and 2t² full-width products. */
    private static BigInteger referenceSecret(List<Shamir.Share> shares) {
        BigInteger secret = BigInteger.ZERO;
        for (Shamir.Share i : shares) {
            BigInteger num = BigInteger.ONE;
            BigInteger den = BigInteger.ONE;
            for (Shamir.Share j : shares) {
                if (j.x() != i.x()) {
                    num = num.multiply(BigInteger.valueOf(-j.x())).mod(Shamir.P);
                    den = den.multiply(BigInteger.valueOf(i.x() - j.x())).mod(Shamir.P);
                }
            }
            secret = secret.add(i.y().multiply(num).multiply(den.modInverse(Shamir.P))).mod(Shamir.P);
        }
        return secret;
    }

    @ParameterizedTest
    @CsvSource({"2, 3, 1", "5, 9, 1000", "70, 100, 1", "104, 207, 65536", "40, 60, 2000000000", "300, 400, 3"})
    void batchedLagrangeCoefficientsRebuildTheSecretTheReferenceInterpolationRebuilds(int t, int n, int spread) {
        Random random = new Random(t * 7L + n);
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        int bound = (int) Math.min(Integer.MAX_VALUE - 1L, (long) n * spread);
        java.util.Set<Integer> points = new java.util.LinkedHashSet<>();
        while (points.size() < n) {
            points.add(1 + random.nextInt(bound));
        }
        int[] xs = points.stream().mapToInt(Integer::intValue).toArray();
        List<Shamir.Share> shares = Shamir.split(secret, t, xs, random);
        List<Shamir.Share> some = new ArrayList<>(shares);
        java.util.Collections.shuffle(some, random);
        some = some.subList(0, t);
        assertEquals(new BigInteger(1, secret), referenceSecret(some));
        assertArrayEquals(secret, Shamir.reconstruct(some));
    }

    @ParameterizedTest
    @CsvSource({"3, 3", "1, 0"})
    void coefficientsRefuseRepeatedOrNonPositivePoints(int a, int b) {
        assertThrows(IllegalArgumentException.class, () -> Shamir.lagrangeAtZero(new int[] {a, b}));
    }
}
