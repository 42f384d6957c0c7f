package dev.bastion.inference;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The K-quant int8 kernels as committed at the end of round seven (2026-12-06), kept as test code so that
 * {@link KQuantProbe} can time {@link KQuantInt8} against them in one JVM: the same arithmetic, with the loops over
 * sub-blocks still loops (which C2 splits into pre, main and post loops with range-check limits computed on every
 * super-block; docs/inference-kernels.md, round eight).
 */
final class KQuantRound7 {

    /** Whether the platform's preferred vectors are 512 bits wide: 16 shorts convert to one float vector. */
    static final boolean AVAILABLE = FloatVector.SPECIES_PREFERRED.vectorBitSize() == 512;

    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);

    private KQuantRound7() {
    }

    static float dotQ4_K(MemorySegment w, long off, Q8K x, int cols) {
        short[] xq = x.q();
        float[] xd = x.d();
        int[] xs = x.sums();
        FloatVector acc = FloatVector.zero(F);
        float minimums = 0f;
        for (int b = 0; b < cols / 256; b++) {
            long p = off + 144L * b;
            float d = Float.float16ToFloat(w.get(SHORT_LE, p)) * xd[b];
            float dmin = Float.float16ToFloat(w.get(SHORT_LE, p + 2)) * xd[b];
            long sc = VectorKernels.k4ScaleBytes(w, p);
            long mn = VectorKernels.k4MinBytes(w, p);
            minimums += dmin * minSum(mn, xs, 8 * b);
            // sum_s sc_s * (q_w . q_x of s) in int lanes: |lane| <= 4 * 63 * 2 * 15 * 127, one conversion per block
            IntVector i0 = IntVector.zero(I);
            IntVector i1 = IntVector.zero(I);
            for (int j = 0; j < 4; j++) {
                long q = p + 16 + 32L * j;
                int xb = 256 * b + 64 * j;
                ShortVector q0 = (ShortVector) ByteVector.fromMemorySegment(B, w, q, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                ShortVector q1 = (ShortVector) ByteVector.fromMemorySegment(B, w, q + 16, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                ShortVector lo = q0.and((short) 15).mul(ShortVector.fromArray(S, xq, xb))
                        .add(q1.and((short) 15).mul(ShortVector.fromArray(S, xq, xb + 16)));
                ShortVector hi = q0.lanewise(VectorOperators.LSHR, 4).mul(ShortVector.fromArray(S, xq, xb + 32))
                        .add(q1.lanewise(VectorOperators.LSHR, 4).mul(ShortVector.fromArray(S, xq, xb + 48)));
                i0 = ((IntVector) lo.convertShape(VectorOperators.S2I, I, 0))
                        .mul((int) ((sc >>> (16 * j)) & 0xFF)).add(i0);
                i1 = ((IntVector) hi.convertShape(VectorOperators.S2I, I, 0))
                        .mul((int) ((sc >>> (16 * j + 8)) & 0xFF)).add(i1);
            }
            acc = ((FloatVector) i0.add(i1).convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(F, d), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD) - minimums;
    }

    /** As {@link #dotQ4_K}, with each quant's fifth bit from qh: bit s of qh[l] for value l of sub-block s. */
    static float dotQ5_K(MemorySegment w, long off, Q8K x, int cols) {
        short[] xq = x.q();
        float[] xd = x.d();
        int[] xs = x.sums();
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        float minimums = 0f;
        for (int b = 0; b < cols / 256; b++) {
            long p = off + 176L * b;
            float d = Float.float16ToFloat(w.get(SHORT_LE, p)) * xd[b];
            float dmin = Float.float16ToFloat(w.get(SHORT_LE, p + 2)) * xd[b];
            long sc = VectorKernels.k4ScaleBytes(w, p);
            long mn = VectorKernels.k4MinBytes(w, p);
            minimums += dmin * minSum(mn, xs, 8 * b);
            // the fifth bits of values 0-15 and 16-31 of every sub-block, shifted down by 2 per sub-block pair
            ShortVector h0 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 16, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            ShortVector h1 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 32, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            for (int j = 0; j < 4; j++) {
                long q = p + 48 + 32L * j;
                int xb = 256 * b + 64 * j;
                ShortVector q0 = (ShortVector) ByteVector.fromMemorySegment(B, w, q, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                ShortVector q1 = (ShortVector) ByteVector.fromMemorySegment(B, w, q + 16, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                ShortVector lo0 = q0.and((short) 15).or(h0.and((short) 1).lanewise(VectorOperators.LSHL, 4));
                ShortVector lo1 = q1.and((short) 15).or(h1.and((short) 1).lanewise(VectorOperators.LSHL, 4));
                ShortVector hi0 = q0.lanewise(VectorOperators.LSHR, 4)
                        .or(h0.and((short) 2).lanewise(VectorOperators.LSHL, 3));
                ShortVector hi1 = q1.lanewise(VectorOperators.LSHR, 4)
                        .or(h1.and((short) 2).lanewise(VectorOperators.LSHL, 3));
                ShortVector lo = lo0.mul(ShortVector.fromArray(S, xq, xb))
                        .add(lo1.mul(ShortVector.fromArray(S, xq, xb + 16)));
                ShortVector hi = hi0.mul(ShortVector.fromArray(S, xq, xb + 32))
                        .add(hi1.mul(ShortVector.fromArray(S, xq, xb + 48)));
                float s0 = d * (int) ((sc >>> (16 * j)) & 0xFF);
                float s1 = d * (int) ((sc >>> (16 * j + 8)) & 0xFF);
                acc0 = ((FloatVector) lo.convertShape(VectorOperators.S2F, F, 0))
                        .fma(FloatVector.broadcast(F, s0), acc0);
                acc1 = ((FloatVector) hi.convertShape(VectorOperators.S2F, F, 0))
                        .fma(FloatVector.broadcast(F, s1), acc1);
                h0 = h0.lanewise(VectorOperators.LSHR, 2);
                h1 = h1.lanewise(VectorOperators.LSHR, 2);
            }
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD) - minimums;
    }

    /*
     * Q6_K, per half of 128 values and per 16 bytes g of it: a = ql[g..], c = ql[32+g..], h = qh[g..] give the
     * four quarters' quants (low nibbles of a and c, then high nibbles), each with two bits of h on top, minus 32;
     * each quarter's 16 values share one int8 scale. |(q - 32) * q_x| <= 32 * 127.
     */
    static float dotQ6_K(MemorySegment w, long off, Q8K x, int cols) {
        short[] xq = x.q();
        float[] xd = x.d();
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < cols / 256; b++) {
            long p = off + 210L * b;
            float d = Float.float16ToFloat(w.get(SHORT_LE, p + 208)) * xd[b];
            // sum_s sc_s * (q_w . q_x of s) in int lanes: |lane| <= 8 * 128 * 32 * 127, one conversion per block
            IntVector i0 = IntVector.zero(I);
            IntVector i1 = IntVector.zero(I);
            for (int half = 0; half < 2; half++) {
                long ql = p + 64L * half;
                long qh = p + 128 + 32L * half;
                long sc = p + 192 + 8L * half;
                int xb = 256 * b + 128 * half;
                for (int g = 0; g < 32; g += 16) {
                    ShortVector a = (ShortVector) ByteVector.fromMemorySegment(B, w, ql + g, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                    ShortVector c = (ShortVector) ByteVector.fromMemorySegment(B, w, ql + 32 + g, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                    ShortVector h = (ShortVector) ByteVector.fromMemorySegment(B, w, qh + g, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                    ShortVector p0 = a.and((short) 15).or(h.and((short) 3).lanewise(VectorOperators.LSHL, 4))
                            .sub((short) 32).mul(ShortVector.fromArray(S, xq, xb + g));
                    ShortVector p1 = c.and((short) 15).or(h.and((short) 12).lanewise(VectorOperators.LSHL, 2))
                            .sub((short) 32).mul(ShortVector.fromArray(S, xq, xb + 32 + g));
                    ShortVector p2 = a.lanewise(VectorOperators.LSHR, 4).or(h.and((short) 48))
                            .sub((short) 32).mul(ShortVector.fromArray(S, xq, xb + 64 + g));
                    ShortVector p3 = c.lanewise(VectorOperators.LSHR, 4)
                            .or(h.lanewise(VectorOperators.LSHR, 2).and((short) 48))
                            .sub((short) 32).mul(ShortVector.fromArray(S, xq, xb + 96 + g));
                    int s = g / 16;
                    i0 = ((IntVector) p0.convertShape(VectorOperators.S2I, I, 0))
                            .mul(w.get(ValueLayout.JAVA_BYTE, sc + s)).add(i0);
                    i1 = ((IntVector) p1.convertShape(VectorOperators.S2I, I, 0))
                            .mul(w.get(ValueLayout.JAVA_BYTE, sc + 2 + s)).add(i1);
                    i0 = ((IntVector) p2.convertShape(VectorOperators.S2I, I, 0))
                            .mul(w.get(ValueLayout.JAVA_BYTE, sc + 4 + s)).add(i0);
                    i1 = ((IntVector) p3.convertShape(VectorOperators.S2I, I, 0))
                            .mul(w.get(ValueLayout.JAVA_BYTE, sc + 6 + s)).add(i1);
                }
            }
            acc = ((FloatVector) i0.add(i1).convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(F, d), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** {@code sum_s m_s * sums[from + s]} over the eight sub-blocks, the mins one per byte of {@code mins}. */
    private static int minSum(long mins, int[] sums, int from) {
        int s = 0;
        for (int k = 0; k < 8; k++) {
            s += (int) ((mins >>> (8 * k)) & 0xFF) * sums[from + k];
        }
        return s;
    }
}
