package dev.bastion.inference;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link KQuantInt8} kernels for one weight row and several inputs at once, for {@link WeightMatrix#matvecEach}
 * (the decode rows of a continuous batch): each super-block is unpacked once (quants cut out of their nibbles and
 * high bits into short lanes, sub-block scales and mins into ints) and then multiplied by every input.
 *
 * <p>Each input's result is bit for bit what {@link KQuantInt8} returns for it alone, so that a sequence's
 * greedy text does not depend on who else is in the batch. That holds because every input goes through the same
 * operations in the same order: the same short products, the same integer sums per lane (integer addition is
 * exact, so only the float steps need the same order), the same conversion of one 16-lane int vector per
 * super-block to floats, the same fused multiply-add with the same {@code d_w * d_x} into a 16-lane float
 * accumulator, and the same fixed-order lane sum at the end (not {@code reduceLanes}, whose order depends on
 * whether C2 has compiled the method: see {@link KQuantInt8#PLUS_8}); the sub-block minimums are added over the
 * super-blocks in the same order. The accumulators of the inputs live in the caller's scratch arrays between
 * super-blocks (a float stored and loaded back is unchanged). {@code KQuantInt8EachTest} checks the bits.
 *
 * <p>What is shared: the weight loads and their unpacking (Q4_K: 8 loads and 16 lane operations per super-block
 * of 256 weights, Q5_K and Q6_K more), the scale and minimum decoding and the loop overhead. What is not: per
 * input the short products, their widening to ints and the multiply by the sub-block scale, which are most of the
 * work (docs/inference-kernels.md, "Continuous batching, round nine").
 *
 * <p>As in {@link KQuantInt8}, each super-block is written out and only Vector API and memory segment calls appear
 * inside the loops. Needs 512-bit vectors ({@link KQuantInt8#AVAILABLE}). Stateless and thread-safe; the scratch
 * arrays belong to the calling thread.
 */
final class KQuantInt8Each {

    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);

    /** Floats of accumulator scratch each input needs: two 16-lane float vectors. */
    static final int SCRATCH_PER_INPUT = 32;

    private KQuantInt8Each() {
    }

    /**
     * {@code out[at + i * stride] = KQuantInt8.dotQ4_K(w, off, x[i], cols)} for {@code i < n}.
     *
     * @param acc scratch of at least {@code n * SCRATCH_PER_INPUT} floats, overwritten
     * @param mins scratch of at least {@code n} floats, overwritten
     */
    static void dotQ4_K(MemorySegment w, long off, Q8K[] x, int n, int cols, float[] acc, float[] mins,
            float[] out, int at, int stride) {
        Arrays.fill(acc, 0, 16 * n, 0f);
        Arrays.fill(mins, 0, n, 0f);
        for (int b = 0; b < cols / 256; b++) {
            long p = off + 144L * b;
            int xb = 256 * b;
            float dw = Float.float16ToFloat(w.get(SHORT_LE, p));
            float dminw = Float.float16ToFloat(w.get(SHORT_LE, p + 2));
            long sc = VectorKernels.k4ScaleBytes(w, p);
            long mn = VectorKernels.k4MinBytes(w, p);
            int m0 = (int) (mn & 0xFF);
            int m1 = (int) ((mn >>> 8) & 0xFF);
            int m2 = (int) ((mn >>> 16) & 0xFF);
            int m3 = (int) ((mn >>> 24) & 0xFF);
            int m4 = (int) ((mn >>> 32) & 0xFF);
            int m5 = (int) ((mn >>> 40) & 0xFF);
            int m6 = (int) ((mn >>> 48) & 0xFF);
            int m7 = (int) ((mn >>> 56) & 0xFF);
            int s0 = (int) (sc & 0xFF);
            int s1 = (int) ((sc >>> 8) & 0xFF);
            int s2 = (int) ((sc >>> 16) & 0xFF);
            int s3 = (int) ((sc >>> 24) & 0xFF);
            int s4 = (int) ((sc >>> 32) & 0xFF);
            int s5 = (int) ((sc >>> 40) & 0xFF);
            int s6 = (int) ((sc >>> 48) & 0xFF);
            int s7 = (int) ((sc >>> 56) & 0xFF);
            // sub-block s: its 32 quants as two short vectors, values 0-15 (sSa) and 16-31 (sSb)
            ShortVector q0 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 16, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            ShortVector q1 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 32, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            ShortVector u0a = q0.and((short) 15);
            ShortVector u0b = q1.and((short) 15);
            ShortVector u1a = q0.lanewise(VectorOperators.LSHR, 4);
            ShortVector u1b = q1.lanewise(VectorOperators.LSHR, 4);
            q0 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 48, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            q1 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 64, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            ShortVector u2a = q0.and((short) 15);
            ShortVector u2b = q1.and((short) 15);
            ShortVector u3a = q0.lanewise(VectorOperators.LSHR, 4);
            ShortVector u3b = q1.lanewise(VectorOperators.LSHR, 4);
            q0 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 80, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            q1 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 96, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            ShortVector u4a = q0.and((short) 15);
            ShortVector u4b = q1.and((short) 15);
            ShortVector u5a = q0.lanewise(VectorOperators.LSHR, 4);
            ShortVector u5b = q1.lanewise(VectorOperators.LSHR, 4);
            q0 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 112, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            q1 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 128, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            ShortVector u6a = q0.and((short) 15);
            ShortVector u6b = q1.and((short) 15);
            ShortVector u7a = q0.lanewise(VectorOperators.LSHR, 4);
            ShortVector u7b = q1.lanewise(VectorOperators.LSHR, 4);
            for (int i = 0; i < n; i++) {
                Q8K xi = x[i];
                short[] xq = xi.q();
                float xd = xi.d()[b];
                // sum_s m_s * sums_s written out: C2 did not inline a call here, and around a call it
                // spills every unpacked vector to the stack and loads it back, for every input
                int[] su = xi.sums();
                int sb = 8 * b;
                mins[i] += dminw * xd * (m0 * su[sb] + m1 * su[sb + 1] + m2 * su[sb + 2] + m3 * su[sb + 3]
                        + m4 * su[sb + 4] + m5 * su[sb + 5] + m6 * su[sb + 6] + m7 * su[sb + 7]);
                IntVector i0 = ((IntVector) u0a.mul(ShortVector.fromArray(S, xq, xb))
                        .add(u0b.mul(ShortVector.fromArray(S, xq, xb + 16)))
                        .convertShape(VectorOperators.S2I, I, 0)).mul(s0);
                IntVector i1 = ((IntVector) u1a.mul(ShortVector.fromArray(S, xq, xb + 32))
                        .add(u1b.mul(ShortVector.fromArray(S, xq, xb + 48)))
                        .convertShape(VectorOperators.S2I, I, 0)).mul(s1);
                i0 = ((IntVector) u2a.mul(ShortVector.fromArray(S, xq, xb + 64))
                        .add(u2b.mul(ShortVector.fromArray(S, xq, xb + 80)))
                        .convertShape(VectorOperators.S2I, I, 0)).mul(s2).add(i0);
                i1 = ((IntVector) u3a.mul(ShortVector.fromArray(S, xq, xb + 96))
                        .add(u3b.mul(ShortVector.fromArray(S, xq, xb + 112)))
                        .convertShape(VectorOperators.S2I, I, 0)).mul(s3).add(i1);
                i0 = ((IntVector) u4a.mul(ShortVector.fromArray(S, xq, xb + 128))
                        .add(u4b.mul(ShortVector.fromArray(S, xq, xb + 144)))
                        .convertShape(VectorOperators.S2I, I, 0)).mul(s4).add(i0);
                i1 = ((IntVector) u5a.mul(ShortVector.fromArray(S, xq, xb + 160))
                        .add(u5b.mul(ShortVector.fromArray(S, xq, xb + 176)))
                        .convertShape(VectorOperators.S2I, I, 0)).mul(s5).add(i1);
                i0 = ((IntVector) u6a.mul(ShortVector.fromArray(S, xq, xb + 192))
                        .add(u6b.mul(ShortVector.fromArray(S, xq, xb + 208)))
                        .convertShape(VectorOperators.S2I, I, 0)).mul(s6).add(i0);
                i1 = ((IntVector) u7a.mul(ShortVector.fromArray(S, xq, xb + 224))
                        .add(u7b.mul(ShortVector.fromArray(S, xq, xb + 240)))
                        .convertShape(VectorOperators.S2I, I, 0)).mul(s7).add(i1);
                ((FloatVector) i0.add(i1).convertShape(VectorOperators.I2F, F, 0))
                        .fma(FloatVector.broadcast(F, dw * xd), FloatVector.fromArray(F, acc, 16 * i))
                        .intoArray(acc, 16 * i);
            }
        }
        for (int i = 0; i < n; i++) {
            out[at + i * stride] = KQuantInt8.sum16(FloatVector.fromArray(F, acc, 16 * i)) - mins[i];
        }
    }

    /**
     * {@code out[at + i * stride] = KQuantInt8.dotQ5_K(w, off, x[i], cols)} for {@code i < n}: as that kernel, two
     * float accumulators per input (sub-blocks of even and of odd index), each sub-block converted and scaled
     * on its own.
     *
     * @param acc scratch of at least {@code n * SCRATCH_PER_INPUT} floats, overwritten
     * @param mins scratch of at least {@code n} floats, overwritten
     */
    static void dotQ5_K(MemorySegment w, long off, Q8K[] x, int n, int cols, float[] acc, float[] mins,
            float[] out, int at, int stride) {
        Arrays.fill(acc, 0, 32 * n, 0f);
        Arrays.fill(mins, 0, n, 0f);
        for (int b = 0; b < cols / 256; b++) {
            long p = off + 176L * b;
            int xb = 256 * b;
            float dw = Float.float16ToFloat(w.get(SHORT_LE, p));
            float dminw = Float.float16ToFloat(w.get(SHORT_LE, p + 2));
            long sc = VectorKernels.k4ScaleBytes(w, p);
            long mn = VectorKernels.k4MinBytes(w, p);
            int m0 = (int) (mn & 0xFF);
            int m1 = (int) ((mn >>> 8) & 0xFF);
            int m2 = (int) ((mn >>> 16) & 0xFF);
            int m3 = (int) ((mn >>> 24) & 0xFF);
            int m4 = (int) ((mn >>> 32) & 0xFF);
            int m5 = (int) ((mn >>> 40) & 0xFF);
            int m6 = (int) ((mn >>> 48) & 0xFF);
            int m7 = (int) ((mn >>> 56) & 0xFF);
            int s0 = (int) (sc & 0xFF);
            int s1 = (int) ((sc >>> 8) & 0xFF);
            int s2 = (int) ((sc >>> 16) & 0xFF);
            int s3 = (int) ((sc >>> 24) & 0xFF);
            int s4 = (int) ((sc >>> 32) & 0xFF);
            int s5 = (int) ((sc >>> 40) & 0xFF);
            int s6 = (int) ((sc >>> 48) & 0xFF);
            int s7 = (int) ((sc >>> 56) & 0xFF);
            // the fifth bits of values 0-15 and 16-31 of every sub-block: bits 2j and 2j + 1 for sub-blocks 2j, 2j + 1
            ShortVector h0 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 16, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            ShortVector h1 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 32, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            ShortVector q0;
            ShortVector q1;
            // sub-blocks 0 (low nibbles, fifth bit 0 of qh) and 1 (high nibbles, bit 1)
            q0 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 48, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            q1 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 64, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            ShortVector u0a = q0.and((short) 15).or(h0.and((short) 1).lanewise(VectorOperators.LSHL, 4));
            ShortVector u0b = q1.and((short) 15).or(h1.and((short) 1).lanewise(VectorOperators.LSHL, 4));
            ShortVector u1a = q0.lanewise(VectorOperators.LSHR, 4)
                    .or(h0.and((short) 2).lanewise(VectorOperators.LSHL, 3));
            ShortVector u1b = q1.lanewise(VectorOperators.LSHR, 4)
                    .or(h1.and((short) 2).lanewise(VectorOperators.LSHL, 3));
            // sub-blocks 2 (low nibbles, fifth bit 2 of qh) and 3 (high nibbles, bit 3)
            q0 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 80, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            q1 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 96, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            ShortVector u2a = q0.and((short) 15).or(h0.and((short) 4).lanewise(VectorOperators.LSHL, 2));
            ShortVector u2b = q1.and((short) 15).or(h1.and((short) 4).lanewise(VectorOperators.LSHL, 2));
            ShortVector u3a = q0.lanewise(VectorOperators.LSHR, 4)
                    .or(h0.and((short) 8).lanewise(VectorOperators.LSHL, 1));
            ShortVector u3b = q1.lanewise(VectorOperators.LSHR, 4)
                    .or(h1.and((short) 8).lanewise(VectorOperators.LSHL, 1));
            // sub-blocks 4 (low nibbles, fifth bit 4 of qh) and 5 (high nibbles, bit 5)
            q0 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 112, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            q1 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 128, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            ShortVector u4a = q0.and((short) 15).or(h0.and((short) 16));
            ShortVector u4b = q1.and((short) 15).or(h1.and((short) 16));
            ShortVector u5a = q0.lanewise(VectorOperators.LSHR, 4)
                    .or(h0.and((short) 32).lanewise(VectorOperators.LSHR, 1));
            ShortVector u5b = q1.lanewise(VectorOperators.LSHR, 4)
                    .or(h1.and((short) 32).lanewise(VectorOperators.LSHR, 1));
            // sub-blocks 6 (low nibbles, fifth bit 6 of qh) and 7 (high nibbles, bit 7)
            q0 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 144, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            q1 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 160, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            ShortVector u6a = q0.and((short) 15).or(h0.and((short) 64).lanewise(VectorOperators.LSHR, 2));
            ShortVector u6b = q1.and((short) 15).or(h1.and((short) 64).lanewise(VectorOperators.LSHR, 2));
            ShortVector u7a = q0.lanewise(VectorOperators.LSHR, 4)
                    .or(h0.and((short) 128).lanewise(VectorOperators.LSHR, 3));
            ShortVector u7b = q1.lanewise(VectorOperators.LSHR, 4)
                    .or(h1.and((short) 128).lanewise(VectorOperators.LSHR, 3));
            for (int i = 0; i < n; i++) {
                Q8K xi = x[i];
                short[] xq = xi.q();
                float xd = xi.d()[b];
                float d = dw * xd;
                // sum_s m_s * sums_s written out: C2 did not inline a call here, and around a call it
                // spills every unpacked vector to the stack and loads it back, for every input
                int[] su = xi.sums();
                int sb = 8 * b;
                mins[i] += dminw * xd * (m0 * su[sb] + m1 * su[sb + 1] + m2 * su[sb + 2] + m3 * su[sb + 3]
                        + m4 * su[sb + 4] + m5 * su[sb + 5] + m6 * su[sb + 6] + m7 * su[sb + 7]);
                FloatVector acc0 = FloatVector.fromArray(F, acc, 32 * i);
                FloatVector acc1 = FloatVector.fromArray(F, acc, 32 * i + 16);
                acc0 = ((FloatVector) u0a.mul(ShortVector.fromArray(S, xq, xb + 0))
                        .add(u0b.mul(ShortVector.fromArray(S, xq, xb + 16)))
                        .convertShape(VectorOperators.S2F, F, 0)).fma(FloatVector.broadcast(F, d * s0), acc0);
                acc1 = ((FloatVector) u1a.mul(ShortVector.fromArray(S, xq, xb + 32))
                        .add(u1b.mul(ShortVector.fromArray(S, xq, xb + 48)))
                        .convertShape(VectorOperators.S2F, F, 0)).fma(FloatVector.broadcast(F, d * s1), acc1);
                acc0 = ((FloatVector) u2a.mul(ShortVector.fromArray(S, xq, xb + 64))
                        .add(u2b.mul(ShortVector.fromArray(S, xq, xb + 80)))
                        .convertShape(VectorOperators.S2F, F, 0)).fma(FloatVector.broadcast(F, d * s2), acc0);
                acc1 = ((FloatVector) u3a.mul(ShortVector.fromArray(S, xq, xb + 96))
                        .add(u3b.mul(ShortVector.fromArray(S, xq, xb + 112)))
                        .convertShape(VectorOperators.S2F, F, 0)).fma(FloatVector.broadcast(F, d * s3), acc1);
                acc0 = ((FloatVector) u4a.mul(ShortVector.fromArray(S, xq, xb + 128))
                        .add(u4b.mul(ShortVector.fromArray(S, xq, xb + 144)))
                        .convertShape(VectorOperators.S2F, F, 0)).fma(FloatVector.broadcast(F, d * s4), acc0);
                acc1 = ((FloatVector) u5a.mul(ShortVector.fromArray(S, xq, xb + 160))
                        .add(u5b.mul(ShortVector.fromArray(S, xq, xb + 176)))
                        .convertShape(VectorOperators.S2F, F, 0)).fma(FloatVector.broadcast(F, d * s5), acc1);
                acc0 = ((FloatVector) u6a.mul(ShortVector.fromArray(S, xq, xb + 192))
                        .add(u6b.mul(ShortVector.fromArray(S, xq, xb + 208)))
                        .convertShape(VectorOperators.S2F, F, 0)).fma(FloatVector.broadcast(F, d * s6), acc0);
                acc1 = ((FloatVector) u7a.mul(ShortVector.fromArray(S, xq, xb + 224))
                        .add(u7b.mul(ShortVector.fromArray(S, xq, xb + 240)))
                        .convertShape(VectorOperators.S2F, F, 0)).fma(FloatVector.broadcast(F, d * s7), acc1);
                acc0.intoArray(acc, 32 * i);
                acc1.intoArray(acc, 32 * i + 16);
            }
        }
        for (int i = 0; i < n; i++) {
            out[at + i * stride] = KQuantInt8.sum16(FloatVector.fromArray(F, acc, 32 * i)
                    .add(FloatVector.fromArray(F, acc, 32 * i + 16))) - mins[i];
        }
    }

    /**
     * {@code out[at + i * stride] = KQuantInt8.dotQ6_K(w, off, x[i], cols)} for {@code i < n}.
     *
     * @param acc scratch of at least {@code n * SCRATCH_PER_INPUT} floats, overwritten
     * @param mins not used (the signature is that of the other kernels)
     */
    static void dotQ6_K(MemorySegment w, long off, Q8K[] x, int n, int cols, float[] acc, float[] mins,
            float[] out, int at, int stride) {
        Arrays.fill(acc, 0, 16 * n, 0f);
        for (int b = 0; b < cols / 256; b++) {
            long p = off + 210L * b;
            int xb = 256 * b;
            float dw = Float.float16ToFloat(w.get(SHORT_LE, p + 208));
            // the 16 signed sub-block scales, eight to a long, sub-block 0 lowest
            long sl0 = w.get(LONG_LE, p + 192);
            long sl1 = w.get(LONG_LE, p + 200);
            int s0 = (int) (byte) sl0;
            int s1 = (int) (byte) (sl0 >>> 8);
            int s2 = (int) (byte) (sl0 >>> 16);
            int s3 = (int) (byte) (sl0 >>> 24);
            int s4 = (int) (byte) (sl0 >>> 32);
            int s5 = (int) (byte) (sl0 >>> 40);
            int s6 = (int) (byte) (sl0 >>> 48);
            int s7 = (int) (byte) (sl0 >>> 56);
            int s8 = (int) (byte) sl1;
            int s9 = (int) (byte) (sl1 >>> 8);
            int s10 = (int) (byte) (sl1 >>> 16);
            int s11 = (int) (byte) (sl1 >>> 24);
            int s12 = (int) (byte) (sl1 >>> 32);
            int s13 = (int) (byte) (sl1 >>> 40);
            int s14 = (int) (byte) (sl1 >>> 48);
            int s15 = (int) (byte) (sl1 >>> 56);
            ShortVector a;
            ShortVector c;
            ShortVector h;
            // half 0, values 0 to 15 of each of its four quarters, minus 32
            a = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 0, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            c = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 32, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            h = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 128, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            ShortVector u0 = a.and((short) 15).or(h.and((short) 3).lanewise(VectorOperators.LSHL, 4)).sub((short) 32);
            ShortVector u2 = c.and((short) 15).or(h.and((short) 12).lanewise(VectorOperators.LSHL, 2)).sub((short) 32);
            ShortVector u4 = a.lanewise(VectorOperators.LSHR, 4).or(h.and((short) 48)).sub((short) 32);
            ShortVector u6 = c.lanewise(VectorOperators.LSHR, 4)
                    .or(h.lanewise(VectorOperators.LSHR, 2).and((short) 48)).sub((short) 32);
            // half 0, values 16 to 31 of each of its four quarters, minus 32
            a = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 16, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            c = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 48, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            h = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 144, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            ShortVector u1 = a.and((short) 15).or(h.and((short) 3).lanewise(VectorOperators.LSHL, 4)).sub((short) 32);
            ShortVector u3 = c.and((short) 15).or(h.and((short) 12).lanewise(VectorOperators.LSHL, 2)).sub((short) 32);
            ShortVector u5 = a.lanewise(VectorOperators.LSHR, 4).or(h.and((short) 48)).sub((short) 32);
            ShortVector u7 = c.lanewise(VectorOperators.LSHR, 4)
                    .or(h.lanewise(VectorOperators.LSHR, 2).and((short) 48)).sub((short) 32);
            // half 1, values 0 to 15 of each of its four quarters, minus 32
            a = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 64, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            c = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 96, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            h = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 160, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            ShortVector u8 = a.and((short) 15).or(h.and((short) 3).lanewise(VectorOperators.LSHL, 4)).sub((short) 32);
            ShortVector u10 = c.and((short) 15).or(h.and((short) 12).lanewise(VectorOperators.LSHL, 2)).sub((short) 32);
            ShortVector u12 = a.lanewise(VectorOperators.LSHR, 4).or(h.and((short) 48)).sub((short) 32);
            ShortVector u14 = c.lanewise(VectorOperators.LSHR, 4)
                    .or(h.lanewise(VectorOperators.LSHR, 2).and((short) 48)).sub((short) 32);
            // half 1, values 16 to 31 of each of its four quarters, minus 32
            a = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 80, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            c = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 112, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            h = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 176, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            ShortVector u9 = a.and((short) 15).or(h.and((short) 3).lanewise(VectorOperators.LSHL, 4)).sub((short) 32);
            ShortVector u11 = c.and((short) 15).or(h.and((short) 12).lanewise(VectorOperators.LSHL, 2)).sub((short) 32);
            ShortVector u13 = a.lanewise(VectorOperators.LSHR, 4).or(h.and((short) 48)).sub((short) 32);
            ShortVector u15 = c.lanewise(VectorOperators.LSHR, 4)
                    .or(h.lanewise(VectorOperators.LSHR, 2).and((short) 48)).sub((short) 32);
            for (int i = 0; i < n; i++) {
                short[] xq = x[i].q();
                float xd = x[i].d()[b];
                IntVector i0 = ((IntVector) u0.mul(ShortVector.fromArray(S, xq, xb + 0))
                        .convertShape(VectorOperators.S2I, I, 0)).mul(s0);
                IntVector i1 = ((IntVector) u1.mul(ShortVector.fromArray(S, xq, xb + 16))
                        .convertShape(VectorOperators.S2I, I, 0)).mul(s1);
                i0 = ((IntVector) u2.mul(ShortVector.fromArray(S, xq, xb + 32))
                        .convertShape(VectorOperators.S2I, I, 0)).mul(s2).add(i0);
                i1 = ((IntVector) u3.mul(ShortVector.fromArray(S, xq, xb + 48))
                        .convertShape(VectorOperators.S2I, I, 0)).mul(s3).add(i1);
                i0 = ((IntVector) u4.mul(ShortVector.fromArray(S, xq, xb + 64))
                        .convertShape(VectorOperators.S2I, I, 0)).mul(s4).add(i0);
                i1 = ((IntVector) u5.mul(ShortVector.fromArray(S, xq, xb + 80))
                        .convertShape(VectorOperators.S2I, I, 0)).mul(s5).add(i1);
                i0 = ((IntVector) u6.mul(ShortVector.fromArray(S, xq, xb + 96))
                        .convertShape(VectorOperators.S2I, I, 0)).mul(s6).add(i0);
                i1 = ((IntVector) u7.mul(ShortVector.fromArray(S, xq, xb + 112))
                        .convertShape(VectorOperators.S2I, I, 0)).mul(s7).add(i1);
                i0 = ((IntVector) u8.mul(ShortVector.fromArray(S, xq, xb + 128))
                        .convertShape(VectorOperators.S2I, I, 0)).mul(s8).add(i0);
                i1 = ((IntVector) u9.mul(ShortVector.fromArray(S, xq, xb + 144))
                        .convertShape(VectorOperators.S2I, I, 0)).mul(s9).add(i1);
                i0 = ((IntVector) u10.mul(ShortVector.fromArray(S, xq, xb + 160))
                        .convertShape(VectorOperators.S2I, I, 0)).mul(s10).add(i0);
                i1 = ((IntVector) u11.mul(ShortVector.fromArray(S, xq, xb + 176))
                        .convertShape(VectorOperators.S2I, I, 0)).mul(s11).add(i1);
                i0 = ((IntVector) u12.mul(ShortVector.fromArray(S, xq, xb + 192))
                        .convertShape(VectorOperators.S2I, I, 0)).mul(s12).add(i0);
                i1 = ((IntVector) u13.mul(ShortVector.fromArray(S, xq, xb + 208))
                        .convertShape(VectorOperators.S2I, I, 0)).mul(s13).add(i1);
                i0 = ((IntVector) u14.mul(ShortVector.fromArray(S, xq, xb + 224))
                        .convertShape(VectorOperators.S2I, I, 0)).mul(s14).add(i0);
                i1 = ((IntVector) u15.mul(ShortVector.fromArray(S, xq, xb + 240))
                        .convertShape(VectorOperators.S2I, I, 0)).mul(s15).add(i1);
                ((FloatVector) i0.add(i1).convertShape(VectorOperators.I2F, F, 0))
                        .fma(FloatVector.broadcast(F, dw * xd), FloatVector.fromArray(F, acc, 16 * i))
                        .intoArray(acc, 16 * i);
            }
        }
        for (int i = 0; i < n; i++) {
            out[at + i * stride] = KQuantInt8.sum16(FloatVector.fromArray(F, acc, 16 * i));
        }
    }
}
