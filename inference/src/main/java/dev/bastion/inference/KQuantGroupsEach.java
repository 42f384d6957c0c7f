package dev.bastion.inference;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels of {@link Q4_Kx4}, {@link Q5_Kx4} and {@link Q6_Kx4} for one group of four interleaved rows and
 * several inputs at once, for {@link WeightMatrix#matvecEach} (the decode rows of a batch): each chunk of the
 * group's quants is loaded, widened and unpacked once, and the inputs, taken four or two at a time, are
 * multiplied with it from registers. Each input's four results are the bits the single-input kernel
 * ({@code dot4}) gives that input alone.
 *
 * <p>This class is stateless and thread-safe.
 */
final class KQuantGroupsEach {

    private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    private static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Integer> I128 = IntVector.SPECIES_128;
    private static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;
    private static final VectorSpecies<Long> L512 = LongVector.SPECIES_512;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);
    /** Where the quants start in a super-block of a group (see each layout). */
    private static final int Q4_QUANTS = 80;
    private static final int Q5_HIGH = 80;
    private static final int Q5_QUANTS = 208;
    private static final int Q6_QUANTS = 72;

    private KQuantGroupsEach() {
    }

    /*
     * Why the bits are those of dot4. Everything up to a super-block's int sums is integer arithmetic (short and
     * int lanes, bounded as in each layout's comment), so its order is free; these kernels form the same int
     * vectors as dot4 (a: scaled quant sums, m: minimum sums) and then run dot4's float operations in dot4's
     * order, per input: d of the rows converted from f16 by the same bit trick, multiplied by the input's block
     * scale, one FMA per super-block (Q6_K: per half), and the same fixed-order sum of each row's four lanes.
     *
     * What is shared: the 32-byte loads and their widening, the masks and shifts that unpack the quants, the
     * rows' scales and minimums widened to ints and their f16 d and dmin converted. What is not: per input, the
     * activation loads, the 16-bit multiplies and adds, the widening of the short sums to ints, the int multiply by
     * the scales, the conversion and the FMAs. Inputs go four at a time (then a pair, then dot4 for a last one):
     * with four, the unpacked chunk (8 vectors for Q4_K), its two scale vectors and the four accumulators stay in
     * the 32 vector registers.
     */

    /**
     * Group {@code w} (rows {@code r .. r + 3}) times every input of {@code x}: {@code out[i * rows + r + k]}
     * receives row {@code r + k} times input i.
     */
    static void q4K(MemorySegment w, Q4_Kx4.Activations[] x, int cols, float[] out, int r, int rows) {
        int n = x.length;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            q4KFour(w, x[i], x[i + 1], x[i + 2], x[i + 3], cols, out, i * rows + r, rows);
        }
        if (i + 2 <= n) {
            q4KPair(w, x[i], x[i + 1], cols, out, i * rows + r, rows);
            i += 2;
        }
        if (i < n) {
            Q4_Kx4.dot4(w, x[i], cols, out, i * rows + r);
        }
    }

    /** As {@link #q4K} for a Q5_K group ({@link Q5_Kx4}). */
    static void q5K(MemorySegment w, Q4_Kx4.Activations[] x, int cols, float[] out, int r, int rows) {
        int n = x.length;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            q5KFour(w, x[i], x[i + 1], x[i + 2], x[i + 3], cols, out, i * rows + r, rows);
        }
        if (i + 2 <= n) {
            q5KPair(w, x[i], x[i + 1], cols, out, i * rows + r, rows);
            i += 2;
        }
        if (i < n) {
            Q5_Kx4.dot4(w, x[i], cols, out, i * rows + r);
        }
    }

    /** As {@link #q4K} for a Q6_K group ({@link Q6_Kx4}). */
    static void q6K(MemorySegment w, Q4_Kx4.Activations[] x, int cols, float[] out, int r, int rows) {
        int n = x.length;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            q6KFour(w, x[i], x[i + 1], x[i + 2], x[i + 3], cols, out, i * rows + r, rows);
        }
        if (i + 2 <= n) {
            q6KPair(w, x[i], x[i + 1], cols, out, i * rows + r, rows);
            i += 2;
        }
        if (i < n) {
            Q6_Kx4.dot4(w, x[i], cols, out, i * rows + r);
        }
    }

    /** Four inputs of a Q4_K group; input k's four results to {@code out[o + k * rows ..]}. */
    static void q4KFour(MemorySegment w, Q4_Kx4.Activations x0, Q4_Kx4.Activations x1, Q4_Kx4.Activations x2,
            Q4_Kx4.Activations x3, int cols, float[] out, int o, int rows) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        FloatVector min0 = acc0;
        FloatVector min1 = acc0;
        FloatVector min2 = acc0;
        FloatVector min3 = acc0;
        for (int b = 0; b < cols / 256; b++) {
            long p = (long) Q4_Kx4.BLOCK * b;
            int xb = 1024 * b;
            IntVector a0 = IntVector.zero(I512);
            IntVector a1 = a0;
            IntVector a2 = a0;
            IntVector a3 = a0;
            for (int j = 0; j < 4; j++) { // sub-blocks 2 j (low nibbles) and 2 j + 1 (high)
                long q = p + Q4_QUANTS + 128L * j;
                int xj = xb + 256 * j;
                ShortVector c0 = widen(w, q);
                ShortVector c1 = widen(w, q + 32);
                ShortVector c2 = widen(w, q + 64);
                ShortVector c3 = widen(w, q + 96);
                ShortVector u0 = c0.and((short) 15);
                ShortVector u1 = c1.and((short) 15);
                ShortVector u2 = c2.and((short) 15);
                ShortVector u3 = c3.and((short) 15);
                IntVector s = scales(w, p + 16 + 8L * j);
                a0 = part(u0, u1, u2, u3, x0.q(), xj, s, a0);
                a1 = part(u0, u1, u2, u3, x1.q(), xj, s, a1);
                a2 = part(u0, u1, u2, u3, x2.q(), xj, s, a2);
                a3 = part(u0, u1, u2, u3, x3.q(), xj, s, a3);
                u0 = c0.lanewise(VectorOperators.LSHR, 4);
                u1 = c1.lanewise(VectorOperators.LSHR, 4);
                u2 = c2.lanewise(VectorOperators.LSHR, 4);
                u3 = c3.lanewise(VectorOperators.LSHR, 4);
                s = scales(w, p + 20 + 8L * j);
                a0 = part(u0, u1, u2, u3, x0.q(), xj + 128, s, a0);
                a1 = part(u0, u1, u2, u3, x1.q(), xj + 128, s, a1);
                a2 = part(u0, u1, u2, u3, x2.q(), xj + 128, s, a2);
                a3 = part(u0, u1, u2, u3, x3.q(), xj + 128, s, a3);
            }
            IntVector m0 = scales128(w, p + 48);
            IntVector m1 = scales128(w, p + 64);
            FloatVector d = halves(w, p);
            FloatVector dmin = halves(w, p + 8);
            acc0 = ((FloatVector) a0.convert(VectorOperators.I2F, 0)).fma(d.mul(x0.d()[b]), acc0);
            acc1 = ((FloatVector) a1.convert(VectorOperators.I2F, 0)).fma(d.mul(x1.d()[b]), acc1);
            acc2 = ((FloatVector) a2.convert(VectorOperators.I2F, 0)).fma(d.mul(x2.d()[b]), acc2);
            acc3 = ((FloatVector) a3.convert(VectorOperators.I2F, 0)).fma(d.mul(x3.d()[b]), acc3);
            min0 = mins(m0, m1, x0.sums(), b).fma(dmin.mul(x0.d()[b]), min0);
            min1 = mins(m0, m1, x1.sums(), b).fma(dmin.mul(x1.d()[b]), min1);
            min2 = mins(m0, m1, x2.sums(), b).fma(dmin.mul(x2.d()[b]), min2);
            min3 = mins(m0, m1, x3.sums(), b).fma(dmin.mul(x3.d()[b]), min3);
        }
        store(acc0.sub(min0), out, o);
        store(acc1.sub(min1), out, o + rows);
        store(acc2.sub(min2), out, o + 2 * rows);
        store(acc3.sub(min3), out, o + 3 * rows);
    }

    /** Two inputs of a Q4_K group; input k's four results to {@code out[o + k * rows ..]}. */
    static void q4KPair(MemorySegment w, Q4_Kx4.Activations x0, Q4_Kx4.Activations x1, int cols, float[] out, int o,
            int rows) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = acc0;
        FloatVector min0 = acc0;
        FloatVector min1 = acc0;
        for (int b = 0; b < cols / 256; b++) {
            long p = (long) Q4_Kx4.BLOCK * b;
            int xb = 1024 * b;
            IntVector a0 = IntVector.zero(I512);
            IntVector a1 = a0;
            for (int j = 0; j < 4; j++) {
                long q = p + Q4_QUANTS + 128L * j;
                int xj = xb + 256 * j;
                ShortVector c0 = widen(w, q);
                ShortVector c1 = widen(w, q + 32);
                ShortVector c2 = widen(w, q + 64);
                ShortVector c3 = widen(w, q + 96);
                ShortVector u0 = c0.and((short) 15);
                ShortVector u1 = c1.and((short) 15);
                ShortVector u2 = c2.and((short) 15);
                ShortVector u3 = c3.and((short) 15);
                IntVector s = scales(w, p + 16 + 8L * j);
                a0 = part(u0, u1, u2, u3, x0.q(), xj, s, a0);
                a1 = part(u0, u1, u2, u3, x1.q(), xj, s, a1);
                u0 = c0.lanewise(VectorOperators.LSHR, 4);
                u1 = c1.lanewise(VectorOperators.LSHR, 4);
                u2 = c2.lanewise(VectorOperators.LSHR, 4);
                u3 = c3.lanewise(VectorOperators.LSHR, 4);
                s = scales(w, p + 20 + 8L * j);
                a0 = part(u0, u1, u2, u3, x0.q(), xj + 128, s, a0);
                a1 = part(u0, u1, u2, u3, x1.q(), xj + 128, s, a1);
            }
            IntVector m0 = scales128(w, p + 48);
            IntVector m1 = scales128(w, p + 64);
            FloatVector d = halves(w, p);
            FloatVector dmin = halves(w, p + 8);
            acc0 = ((FloatVector) a0.convert(VectorOperators.I2F, 0)).fma(d.mul(x0.d()[b]), acc0);
            acc1 = ((FloatVector) a1.convert(VectorOperators.I2F, 0)).fma(d.mul(x1.d()[b]), acc1);
            min0 = mins(m0, m1, x0.sums(), b).fma(dmin.mul(x0.d()[b]), min0);
            min1 = mins(m0, m1, x1.sums(), b).fma(dmin.mul(x1.d()[b]), min1);
        }
        store(acc0.sub(min0), out, o);
        store(acc1.sub(min1), out, o + rows);
    }

    /** Four inputs of a Q5_K group: {@link #q4KFour} with each quant's fifth bit from qh. */
    static void q5KFour(MemorySegment w, Q4_Kx4.Activations x0, Q4_Kx4.Activations x1, Q4_Kx4.Activations x2,
            Q4_Kx4.Activations x3, int cols, float[] out, int o, int rows) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        FloatVector min0 = acc0;
        FloatVector min1 = acc0;
        FloatVector min2 = acc0;
        FloatVector min3 = acc0;
        for (int b = 0; b < cols / 256; b++) {
            long p = (long) Q5_Kx4.BLOCK * b;
            int xb = 1024 * b;
            IntVector a0 = IntVector.zero(I512);
            IntVector a1 = a0;
            IntVector a2 = a0;
            IntVector a3 = a0;
            ShortVector h0 = widen(w, p + Q5_HIGH);
            ShortVector h1 = widen(w, p + Q5_HIGH + 32);
            ShortVector h2 = widen(w, p + Q5_HIGH + 64);
            ShortVector h3 = widen(w, p + Q5_HIGH + 96);
            for (int j = 0; j < 4; j++) {
                long q = p + Q5_QUANTS + 128L * j;
                int xj = xb + 256 * j;
                ShortVector c0 = widen(w, q);
                ShortVector c1 = widen(w, q + 32);
                ShortVector c2 = widen(w, q + 64);
                ShortVector c3 = widen(w, q + 96);
                ShortVector u0 = c0.and((short) 15).or(h0.and((short) 1).lanewise(VectorOperators.LSHL, 4));
                ShortVector u1 = c1.and((short) 15).or(h1.and((short) 1).lanewise(VectorOperators.LSHL, 4));
                ShortVector u2 = c2.and((short) 15).or(h2.and((short) 1).lanewise(VectorOperators.LSHL, 4));
                ShortVector u3 = c3.and((short) 15).or(h3.and((short) 1).lanewise(VectorOperators.LSHL, 4));
                IntVector s = scales(w, p + 16 + 8L * j);
                a0 = part(u0, u1, u2, u3, x0.q(), xj, s, a0);
                a1 = part(u0, u1, u2, u3, x1.q(), xj, s, a1);
                a2 = part(u0, u1, u2, u3, x2.q(), xj, s, a2);
                a3 = part(u0, u1, u2, u3, x3.q(), xj, s, a3);
                u0 = c0.lanewise(VectorOperators.LSHR, 4).or(h0.and((short) 2).lanewise(VectorOperators.LSHL, 3));
                u1 = c1.lanewise(VectorOperators.LSHR, 4).or(h1.and((short) 2).lanewise(VectorOperators.LSHL, 3));
                u2 = c2.lanewise(VectorOperators.LSHR, 4).or(h2.and((short) 2).lanewise(VectorOperators.LSHL, 3));
                u3 = c3.lanewise(VectorOperators.LSHR, 4).or(h3.and((short) 2).lanewise(VectorOperators.LSHL, 3));
                s = scales(w, p + 20 + 8L * j);
                a0 = part(u0, u1, u2, u3, x0.q(), xj + 128, s, a0);
                a1 = part(u0, u1, u2, u3, x1.q(), xj + 128, s, a1);
                a2 = part(u0, u1, u2, u3, x2.q(), xj + 128, s, a2);
                a3 = part(u0, u1, u2, u3, x3.q(), xj + 128, s, a3);
                h0 = h0.lanewise(VectorOperators.LSHR, 2);
                h1 = h1.lanewise(VectorOperators.LSHR, 2);
                h2 = h2.lanewise(VectorOperators.LSHR, 2);
                h3 = h3.lanewise(VectorOperators.LSHR, 2);
            }
            IntVector m0 = scales128(w, p + 48);
            IntVector m1 = scales128(w, p + 64);
            FloatVector d = halves(w, p);
            FloatVector dmin = halves(w, p + 8);
            acc0 = ((FloatVector) a0.convert(VectorOperators.I2F, 0)).fma(d.mul(x0.d()[b]), acc0);
            acc1 = ((FloatVector) a1.convert(VectorOperators.I2F, 0)).fma(d.mul(x1.d()[b]), acc1);
            acc2 = ((FloatVector) a2.convert(VectorOperators.I2F, 0)).fma(d.mul(x2.d()[b]), acc2);
            acc3 = ((FloatVector) a3.convert(VectorOperators.I2F, 0)).fma(d.mul(x3.d()[b]), acc3);
            min0 = mins(m0, m1, x0.sums(), b).fma(dmin.mul(x0.d()[b]), min0);
            min1 = mins(m0, m1, x1.sums(), b).fma(dmin.mul(x1.d()[b]), min1);
            min2 = mins(m0, m1, x2.sums(), b).fma(dmin.mul(x2.d()[b]), min2);
            min3 = mins(m0, m1, x3.sums(), b).fma(dmin.mul(x3.d()[b]), min3);
        }
        store(acc0.sub(min0), out, o);
        store(acc1.sub(min1), out, o + rows);
        store(acc2.sub(min2), out, o + 2 * rows);
        store(acc3.sub(min3), out, o + 3 * rows);
    }

    /** Two inputs of a Q5_K group. */
    static void q5KPair(MemorySegment w, Q4_Kx4.Activations x0, Q4_Kx4.Activations x1, int cols, float[] out, int o,
            int rows) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = acc0;
        FloatVector min0 = acc0;
        FloatVector min1 = acc0;
        for (int b = 0; b < cols / 256; b++) {
            long p = (long) Q5_Kx4.BLOCK * b;
            int xb = 1024 * b;
            IntVector a0 = IntVector.zero(I512);
            IntVector a1 = a0;
            ShortVector h0 = widen(w, p + Q5_HIGH);
            ShortVector h1 = widen(w, p + Q5_HIGH + 32);
            ShortVector h2 = widen(w, p + Q5_HIGH + 64);
            ShortVector h3 = widen(w, p + Q5_HIGH + 96);
            for (int j = 0; j < 4; j++) {
                long q = p + Q5_QUANTS + 128L * j;
                int xj = xb + 256 * j;
                ShortVector c0 = widen(w, q);
                ShortVector c1 = widen(w, q + 32);
                ShortVector c2 = widen(w, q + 64);
                ShortVector c3 = widen(w, q + 96);
                ShortVector u0 = c0.and((short) 15).or(h0.and((short) 1).lanewise(VectorOperators.LSHL, 4));
                ShortVector u1 = c1.and((short) 15).or(h1.and((short) 1).lanewise(VectorOperators.LSHL, 4));
                ShortVector u2 = c2.and((short) 15).or(h2.and((short) 1).lanewise(VectorOperators.LSHL, 4));
                ShortVector u3 = c3.and((short) 15).or(h3.and((short) 1).lanewise(VectorOperators.LSHL, 4));
                IntVector s = scales(w, p + 16 + 8L * j);
                a0 = part(u0, u1, u2, u3, x0.q(), xj, s, a0);
                a1 = part(u0, u1, u2, u3, x1.q(), xj, s, a1);
                u0 = c0.lanewise(VectorOperators.LSHR, 4).or(h0.and((short) 2).lanewise(VectorOperators.LSHL, 3));
                u1 = c1.lanewise(VectorOperators.LSHR, 4).or(h1.and((short) 2).lanewise(VectorOperators.LSHL, 3));
                u2 = c2.lanewise(VectorOperators.LSHR, 4).or(h2.and((short) 2).lanewise(VectorOperators.LSHL, 3));
                u3 = c3.lanewise(VectorOperators.LSHR, 4).or(h3.and((short) 2).lanewise(VectorOperators.LSHL, 3));
                s = scales(w, p + 20 + 8L * j);
                a0 = part(u0, u1, u2, u3, x0.q(), xj + 128, s, a0);
                a1 = part(u0, u1, u2, u3, x1.q(), xj + 128, s, a1);
                h0 = h0.lanewise(VectorOperators.LSHR, 2);
                h1 = h1.lanewise(VectorOperators.LSHR, 2);
                h2 = h2.lanewise(VectorOperators.LSHR, 2);
                h3 = h3.lanewise(VectorOperators.LSHR, 2);
            }
            IntVector m0 = scales128(w, p + 48);
            IntVector m1 = scales128(w, p + 64);
            FloatVector d = halves(w, p);
            FloatVector dmin = halves(w, p + 8);
            acc0 = ((FloatVector) a0.convert(VectorOperators.I2F, 0)).fma(d.mul(x0.d()[b]), acc0);
            acc1 = ((FloatVector) a1.convert(VectorOperators.I2F, 0)).fma(d.mul(x1.d()[b]), acc1);
            min0 = mins(m0, m1, x0.sums(), b).fma(dmin.mul(x0.d()[b]), min0);
            min1 = mins(m0, m1, x1.sums(), b).fma(dmin.mul(x1.d()[b]), min1);
        }
        store(acc0.sub(min0), out, o);
        store(acc1.sub(min1), out, o + rows);
    }

    /**
     * Four inputs of a Q6_K group: per half of a super-block and pair of 32-byte runs, the six-bit quants of its
     * four quarters unpacked once (eight vectors) and multiplied by each input.
     */
    static void q6KFour(MemorySegment w, Q4_Kx4.Activations x0, Q4_Kx4.Activations x1, Q4_Kx4.Activations x2,
            Q4_Kx4.Activations x3, int cols, float[] out, int o, int rows) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        for (int b = 0; b < cols / 256; b++) {
            long p = (long) Q6_Kx4.BLOCK * b;
            FloatVector d = halves(w, p);
            for (int n = 0; n < 2; n++) {
                IntVector a0 = IntVector.zero(I512);
                IntVector a1 = a0;
                IntVector a2 = a0;
                IntVector a3 = a0;
                for (int h = 0; h < 2; h++) {
                    long q = p + Q6_QUANTS + 384L * n + 64L * h;
                    long sc = p + 8 + 32L * n + 4L * h;
                    int xs = 1024 * b + 512 * n + 64 * h;
                    ShortVector l0 = widen(w, q);
                    ShortVector l1 = widen(w, q + 32);
                    ShortVector c0 = widen(w, q + 128);
                    ShortVector c1 = widen(w, q + 160);
                    ShortVector h0 = widen(w, q + 256);
                    ShortVector h1 = widen(w, q + 288);
                    // quarter 0: l & 15 | (h & 3) << 4
                    ShortVector u0 = l0.and((short) 15).or(h0.and((short) 3).lanewise(VectorOperators.LSHL, 4))
                            .sub((short) 32);
                    ShortVector u1 = l1.and((short) 15).or(h1.and((short) 3).lanewise(VectorOperators.LSHL, 4))
                            .sub((short) 32);
                    IntVector s = signedScales(w, sc);
                    a0 = part(u0, u1, x0.q(), xs, s, a0);
                    a1 = part(u0, u1, x1.q(), xs, s, a1);
                    a2 = part(u0, u1, x2.q(), xs, s, a2);
                    a3 = part(u0, u1, x3.q(), xs, s, a3);
                    // quarter 1: c & 15 | (h & 12) << 2
                    u0 = c0.and((short) 15).or(h0.and((short) 12).lanewise(VectorOperators.LSHL, 2)).sub((short) 32);
                    u1 = c1.and((short) 15).or(h1.and((short) 12).lanewise(VectorOperators.LSHL, 2)).sub((short) 32);
                    s = signedScales(w, sc + 8);
                    a0 = part(u0, u1, x0.q(), xs + 128, s, a0);
                    a1 = part(u0, u1, x1.q(), xs + 128, s, a1);
                    a2 = part(u0, u1, x2.q(), xs + 128, s, a2);
                    a3 = part(u0, u1, x3.q(), xs + 128, s, a3);
                    // quarter 2: l >> 4 | h & 48
                    u0 = l0.lanewise(VectorOperators.LSHR, 4).or(h0.and((short) 48)).sub((short) 32);
                    u1 = l1.lanewise(VectorOperators.LSHR, 4).or(h1.and((short) 48)).sub((short) 32);
                    s = signedScales(w, sc + 16);
                    a0 = part(u0, u1, x0.q(), xs + 256, s, a0);
                    a1 = part(u0, u1, x1.q(), xs + 256, s, a1);
                    a2 = part(u0, u1, x2.q(), xs + 256, s, a2);
                    a3 = part(u0, u1, x3.q(), xs + 256, s, a3);
                    // quarter 3: c >> 4 | (h >> 2) & 48
                    u0 = c0.lanewise(VectorOperators.LSHR, 4)
                            .or(h0.lanewise(VectorOperators.LSHR, 2).and((short) 48)).sub((short) 32);
                    u1 = c1.lanewise(VectorOperators.LSHR, 4)
                            .or(h1.lanewise(VectorOperators.LSHR, 2).and((short) 48)).sub((short) 32);
                    s = signedScales(w, sc + 24);
                    a0 = part(u0, u1, x0.q(), xs + 384, s, a0);
                    a1 = part(u0, u1, x1.q(), xs + 384, s, a1);
                    a2 = part(u0, u1, x2.q(), xs + 384, s, a2);
                    a3 = part(u0, u1, x3.q(), xs + 384, s, a3);
                }
                acc0 = ((FloatVector) a0.convert(VectorOperators.I2F, 0)).fma(d.mul(x0.d()[b]), acc0);
                acc1 = ((FloatVector) a1.convert(VectorOperators.I2F, 0)).fma(d.mul(x1.d()[b]), acc1);
                acc2 = ((FloatVector) a2.convert(VectorOperators.I2F, 0)).fma(d.mul(x2.d()[b]), acc2);
                acc3 = ((FloatVector) a3.convert(VectorOperators.I2F, 0)).fma(d.mul(x3.d()[b]), acc3);
            }
        }
        store(acc0, out, o);
        store(acc1, out, o + rows);
        store(acc2, out, o + 2 * rows);
        store(acc3, out, o + 3 * rows);
    }

    /** Two inputs of a Q6_K group. */
    static void q6KPair(MemorySegment w, Q4_Kx4.Activations x0, Q4_Kx4.Activations x1, int cols, float[] out, int o,
            int rows) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = acc0;
        for (int b = 0; b < cols / 256; b++) {
            long p = (long) Q6_Kx4.BLOCK * b;
            FloatVector d = halves(w, p);
            for (int n = 0; n < 2; n++) {
                IntVector a0 = IntVector.zero(I512);
                IntVector a1 = a0;
                for (int h = 0; h < 2; h++) {
                    long q = p + Q6_QUANTS + 384L * n + 64L * h;
                    long sc = p + 8 + 32L * n + 4L * h;
                    int xs = 1024 * b + 512 * n + 64 * h;
                    ShortVector l0 = widen(w, q);
                    ShortVector l1 = widen(w, q + 32);
                    ShortVector c0 = widen(w, q + 128);
                    ShortVector c1 = widen(w, q + 160);
                    ShortVector h0 = widen(w, q + 256);
                    ShortVector h1 = widen(w, q + 288);
                    ShortVector u0 = l0.and((short) 15).or(h0.and((short) 3).lanewise(VectorOperators.LSHL, 4))
                            .sub((short) 32);
                    ShortVector u1 = l1.and((short) 15).or(h1.and((short) 3).lanewise(VectorOperators.LSHL, 4))
                            .sub((short) 32);
                    IntVector s = signedScales(w, sc);
                    a0 = part(u0, u1, x0.q(), xs, s, a0);
                    a1 = part(u0, u1, x1.q(), xs, s, a1);
                    u0 = c0.and((short) 15).or(h0.and((short) 12).lanewise(VectorOperators.LSHL, 2)).sub((short) 32);
                    u1 = c1.and((short) 15).or(h1.and((short) 12).lanewise(VectorOperators.LSHL, 2)).sub((short) 32);
                    s = signedScales(w, sc + 8);
                    a0 = part(u0, u1, x0.q(), xs + 128, s, a0);
                    a1 = part(u0, u1, x1.q(), xs + 128, s, a1);
                    u0 = l0.lanewise(VectorOperators.LSHR, 4).or(h0.and((short) 48)).sub((short) 32);
                    u1 = l1.lanewise(VectorOperators.LSHR, 4).or(h1.and((short) 48)).sub((short) 32);
                    s = signedScales(w, sc + 16);
                    a0 = part(u0, u1, x0.q(), xs + 256, s, a0);
                    a1 = part(u0, u1, x1.q(), xs + 256, s, a1);
                    u0 = c0.lanewise(VectorOperators.LSHR, 4)
                            .or(h0.lanewise(VectorOperators.LSHR, 2).and((short) 48)).sub((short) 32);
                    u1 = c1.lanewise(VectorOperators.LSHR, 4)
                            .or(h1.lanewise(VectorOperators.LSHR, 2).and((short) 48)).sub((short) 32);
                    s = signedScales(w, sc + 24);
                    a0 = part(u0, u1, x0.q(), xs + 384, s, a0);
                    a1 = part(u0, u1, x1.q(), xs + 384, s, a1);
                }
                acc0 = ((FloatVector) a0.convert(VectorOperators.I2F, 0)).fma(d.mul(x0.d()[b]), acc0);
                acc1 = ((FloatVector) a1.convert(VectorOperators.I2F, 0)).fma(d.mul(x1.d()[b]), acc1);
            }
        }
        store(acc0, out, o);
        store(acc1, out, o + rows);
    }

    /** The 32 bytes at {@code q} widened to 32 shorts. */
    private static ShortVector widen(MemorySegment w, long q) {
        return (ShortVector) ByteVector.fromMemorySegment(B256, w, q, LE)
                .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
    }

    /** Four unsigned scale bytes at {@code at} (one per row), repeated: lane 4 i + r holds row r's. */
    private static IntVector scales(MemorySegment w, long at) {
        return (IntVector) IntVector.broadcast(I128, w.get(INT, at)).reinterpretAsBytes()
                .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0);
    }

    /** As {@link #scales} for Q6_K's signed scales. */
    private static IntVector signedScales(MemorySegment w, long at) {
        return (IntVector) IntVector.broadcast(I128, w.get(INT, at)).reinterpretAsBytes()
                .convertShape(VectorOperators.B2I, I512, 0);
    }

    /** The 16 unsigned bytes at {@code at} widened to ints (the minimums of four sub-blocks, lane 4 s + r). */
    private static IntVector scales128(MemorySegment w, long at) {
        return (IntVector) ByteVector.fromMemorySegment(B128, w, at, LE)
                .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0);
    }

    /** Four chunks of quants times one input's activations from {@code xj}, added in shorts, scaled, onto a. */
    private static IntVector part(ShortVector u0, ShortVector u1, ShortVector u2, ShortVector u3, short[] xq, int xj,
            IntVector scale, IntVector a) {
        ShortVector t = u0.mul(ShortVector.fromArray(S512, xq, xj))
                .add(u1.mul(ShortVector.fromArray(S512, xq, xj + 32)))
                .add(u2.mul(ShortVector.fromArray(S512, xq, xj + 64)))
                .add(u3.mul(ShortVector.fromArray(S512, xq, xj + 96)));
        return ((IntVector) t.convertShape(VectorOperators.S2I, I512, 0))
                .add((IntVector) t.convertShape(VectorOperators.S2I, I512, 1)).mul(scale).add(a);
    }

    /** Two chunks (Q6_K). */
    private static IntVector part(ShortVector u0, ShortVector u1, short[] xq, int xj, IntVector scale, IntVector a) {
        ShortVector t = u0.mul(ShortVector.fromArray(S512, xq, xj))
                .add(u1.mul(ShortVector.fromArray(S512, xq, xj + 32)));
        return ((IntVector) t.convertShape(VectorOperators.S2I, I512, 0))
                .add((IntVector) t.convertShape(VectorOperators.S2I, I512, 1)).mul(scale).add(a);
    }

    /** One input's minimum sums of a super-block (lanes 4 s + r), converted to floats. */
    private static FloatVector mins(IntVector m0, IntVector m1, int[] sums, int b) {
        return (FloatVector) m0.mul(IntVector.fromArray(I512, sums, 32 * b))
                .add(m1.mul(IntVector.fromArray(I512, sums, 32 * b + 16))).convert(VectorOperators.I2F, 0);
    }

    /** The four f16 values at {@code at}, each four times over (lane 4 i + r: row r), exactly (as dot4). */
    private static FloatVector halves(MemorySegment w, long at) {
        IntVector h = (IntVector) LongVector.broadcast(L512, w.get(LONG, at)).reinterpretAsShorts()
                .convertShape(VectorOperators.S2I, I512, 0);
        IntVector mag = h.and(0x7fff);
        IntVector bits = mag.lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f)
                .reinterpretAsInts();
        return bits.blend(bits.or(0x7f800000), mag.compare(VectorOperators.GE, 0x7c00))
                .or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }

    /** Each row's four lanes added in dot4's fixed order; rows 0-3 to {@code out[o .. o + 3]}. */
    private static void store(FloatVector s, float[] out, int o) {
        s = s.add(s.rearrange(KQuantInt8.PLUS_8));
        s = s.add(s.rearrange(KQuantInt8.PLUS_4));
        out[o] = s.lane(0);
        out[o + 1] = s.lane(1);
        out[o + 2] = s.lane(2);
        out[o + 3] = s.lane(3);
    }
}
