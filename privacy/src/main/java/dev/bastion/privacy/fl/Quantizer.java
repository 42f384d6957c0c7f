package dev.bastion.privacy.fl;

import java.util.random.RandomGenerator;

/**
 * Stochastic quantisation of a weighted model update into Z_2^b, with the example count riding as the last
 * coordinate, so one secure sum yields both the weighted sum of updates and the total count.
 *
 * <p>A client with n_k examples (capped at {@code maxCount}, a public bound) and update Δ sends, for each coordinate
 * j, the integer round_s(n_k · clip(Δ_j, ±clip) · s) with s = (2^(levelBits-1) - 1) / clip and round_s the
 * unbiased stochastic rounding (up with probability equal to the fractional part), and n_k itself last. Each
 * coordinate lies in [-maxCount·2^(levelBits-1), maxCount·2^(levelBits-1)], so the sum over at most {@code clients}
 * lies strictly inside ±2^(b-1) with b = levelBits + ceil(log2(maxCount + 1)) + ceil(log2(clients + 1)) + 1: the sum
 * in Z_2^b never wraps and decodes exactly as a signed integer. Values are stored as two's complement mod 2^b.
 *
 * <p>Immutable and thread-safe; randomness is passed in.
 */
public record Quantizer(double clip, int levelBits, long maxCount, int clients) {
    public Quantizer {
        if (!(clip > 0) || levelBits < 2 || levelBits > 30 || maxCount < 1 || clients < 1) {
            throw new IllegalArgumentException("need clip > 0, levelBits in 2..30, maxCount >= 1 and clients >= 1");
        }
        if (bitsFor(levelBits, maxCount, clients) > 62) {
            throw new IllegalArgumentException("the sum needs more than 62 bits; lower levelBits or maxCount");
        }
    }

    private static int bitsFor(int levelBits, long maxCount, int clients) {
        return levelBits + ceilLog2(maxCount + 1) + ceilLog2(clients + 1L) + 1;
    }

    private static int ceilLog2(long v) {
        return 64 - Long.numberOfLeadingZeros(v - 1);
    }

    /** b: the modulus is 2^b. */
    public int bits() {
        return bitsFor(levelBits, maxCount, clients);
    }

    /** Bytes of one packed vector of {@code length} coordinates of b bits. */
    public long packedBytes(int length) {
        return ((long) length * bits() + 7) / 8;
    }

    private double scale() {
        return ((1L << (levelBits - 1)) - 1) / clip;
    }

    /** The vector of {@code update.length + 1} coordinates in [0, 2^b) for {@code count} examples. */
    public long[] encode(double[] update, long count, RandomGenerator random) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0");
        }
        long weight = Math.min(count, maxCount);
        long modMask = (1L << bits()) - 1;
        double s = scale();
        long[] out = new long[update.length + 1];
        for (int j = 0; j < update.length; j++) {
            double v = Double.isNaN(update[j]) ? 0 : Math.max(-clip, Math.min(clip, update[j]));
            double scaled = weight * v * s;
            double floor = Math.floor(scaled);
            long q = (long) floor + (random.nextDouble() < scaled - floor ? 1 : 0);
            out[j] = q & modMask;
        }
        out[update.length] = weight;
        return out;
    }

    /** Adds {@code b} into {@code a} in Z_2^b. */
    public void addInto(long[] a, long[] b) {
        long modMask = (1L << bits()) - 1;
        for (int i = 0; i < a.length; i++) {
            a[i] = (a[i] + b[i]) & modMask;
        }
    }

    /** The decoded sum: the weighted sum of updates (length - 1 values) and, last, the total count. */
    public double[] decode(long[] sum) {
        int b = bits();
        double s = scale();
        double[] out = new double[sum.length];
        for (int j = 0; j < sum.length; j++) {
            long v = sum[j] >= (1L << (b - 1)) ? sum[j] - (1L << b) : sum[j];
            out[j] = j == sum.length - 1 ? v : v / s;
        }
        return out;
    }
}
