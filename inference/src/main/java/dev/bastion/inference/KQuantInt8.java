package dev.bastion.inference;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q4_K, Q5_K and Q6_K matvec kernels with int8 activations ({@link Q8K}), after llama.cpp's x86 path: the
 * activation vector is rounded once per matvec, and each weight is multiplied as a small integer.
 *
 * <p>How it maps to the Vector API (JDK 25), which has no int8 dot-product instruction: 16 weight bytes are
 * zero-extended to 16 shorts (one {@code vpmovzxbw}), the 4-, 5- or 6-bit quants are cut out with masks and
 * shifts in short lanes, and multiplied by 16 activations already stored as shorts. Products fit a short
 * ({@code |q_w * q_x| <= 63 * 127}), and so do two of them added ({@code <= 8064}), so the two halves of a
 * sub-block of 32 (Q4_K, Q5_K) are added in shorts. Q5_K then converts each sub-block's 16 shorts to floats and
 * scales them by {@code d_w * d_x * sc} into a float accumulator; Q4_K and Q6_K instead widen them to ints,
 * multiply by the integer sub-block scale and add over the whole super-block, with one conversion to floats and
 * one multiply by {@code d_w * d_x} per super-block (measured 5-9% faster for Q4_K, up to 5% for Q6_K, and no
 * faster for Q5_K: docs/inference-kernels.md, round seven). The sub-block minimums of Q4_K and Q5_K are applied once per
 * super-block from the activation sums ({@code dmin * sum_s m_s * sum_s(q_x)}, in integers), as llama.cpp does
 * with Q8_K's bsums. Q6_K's sub-blocks are 16 values, one short vector each.
 *
 * <p>Each super-block is written out in full: the only loop is the one over super-blocks. With a loop over the
 * four sub-block pairs (Q6_K: two halves times two groups) C2 split that short inner loop into pre, main and post
 * loops and computed range-check limits for it (chains of {@code cmov}) on every super-block, about a hundred
 * scalar instructions per 256 weights; written out, Q4_K measured 23% and Q5_K 25% faster, Q6_K 12%
 * (docs/inference-kernels.md, round eight). Inside the loop only Vector API and memory segment calls appear (see
 * {@link VectorKernels#dotQ4_0} on C2's inlining cutoff); the scale unpacking returns plain longs (Q6_K's sixteen
 * signed scales are two long reads). Needs 512-bit float vectors ({@link #AVAILABLE}).
 * Results agree with {@link KQuantInt8Scalar} up to the order of float additions. Stateless and thread-safe.
 */
final class KQuantInt8 {

    /** Whether the platform's preferred vectors are 512 bits wide: 16 shorts convert to one float vector. */
    static final boolean AVAILABLE = FloatVector.SPECIES_PREFERRED.vectorBitSize() == 512;

    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);

    /*
     * The sum of the 16 lanes of an accumulator, in a fixed order: lane i plus lane i + 8, then + 4, + 2, + 1
     * (a tree), written as four rearranges and adds. Not reduceLanes(ADD): its Java fallback (interpreter, C1)
     * adds the lanes one after another, while C2's compiled kernel adds them as this tree, so the same kernel gave
     * results one ulp apart before and after C2 compiled it, and two kernels compiled at different moments (the
     * single-input ones here and the multi-input ones of KQuantInt8Each) gave different bits during warm-up. The
     * tree is the order C2 used in the compiled Q4_K kernel (checked on one row against a scalar model), so
     * compiled results stay as they were (docs/inference-kernels.md, round nine).
     */
    static final VectorShuffle<Float> PLUS_8 = VectorShuffle.iota(FloatVector.SPECIES_512, 8, 1, true);
    static final VectorShuffle<Float> PLUS_4 = VectorShuffle.iota(FloatVector.SPECIES_512, 4, 1, true);
    static final VectorShuffle<Float> PLUS_2 = VectorShuffle.iota(FloatVector.SPECIES_512, 2, 1, true);
    /**
     * For the decode kernels that read int8 activations as they come ({@link Q8K}) and spread them over four
     * interleaved rows in registers ({@code Q4_Kx4Folded}, {@code Q5_Kx4Folded}, {@code Q6_Kx4Bytes}): lane
     * 4 i + r of the result takes lane k + i of 32 activations (r = 0-3), eight activations spread over four rows,
     * for k = 0, 8, 16 and 24.
     */
    static final VectorShuffle<Short> SPREAD_0 = spread(0);
    static final VectorShuffle<Short> SPREAD_8 = spread(8);
    static final VectorShuffle<Short> SPREAD_16 = spread(16);
    static final VectorShuffle<Short> SPREAD_24 = spread(24);
    /** Lane 4 s + r takes lane s: four sub-block sums of the activations spread over four rows. */
    static final VectorShuffle<Integer> QUARTERS = VectorShuffle.fromOp(IntVector.SPECIES_512, i -> i / 4);

    private static VectorShuffle<Short> spread(int k) {
        return VectorShuffle.fromOp(ShortVector.SPECIES_512, j -> k + j / 4);
    }
    static final VectorShuffle<Float> PLUS_1 = VectorShuffle.iota(FloatVector.SPECIES_512, 1, 1, true);

    private KQuantInt8() {
    }

    /**
     * The 16 lanes of {@code a} summed in the fixed tree order above (lane i + 8, then + 4, + 2, + 1): the same
     * order {@link VectorKernels#sum} uses on 16 lanes, for the fixed 512-bit species these kernels use.
     */
    static float sum16(FloatVector a) {
        FloatVector t = a.add(a.rearrange(PLUS_8));
        t = t.add(t.rearrange(PLUS_4));
        t = t.add(t.rearrange(PLUS_2));
        return t.add(t.rearrange(PLUS_1)).lane(0);
    }

    static float dotQ4_K(MemorySegment w, long off, Q8K x, int cols) {
        short[] xq = x.q();
        float[] xd = x.d();
        int[] xs = x.sums();
        FloatVector acc = FloatVector.zero(F);
        float minimums = 0f;
        for (int b = 0; b < cols / 256; b++) {
            long p = off + 144L * b;
            int xb = 256 * b;
            float d = Float.float16ToFloat(w.get(SHORT_LE, p)) * xd[b];
            float dmin = Float.float16ToFloat(w.get(SHORT_LE, p + 2)) * xd[b];
            long sc = VectorKernels.k4ScaleBytes(w, p);
            long mn = VectorKernels.k4MinBytes(w, p);
            minimums += dmin * minSum(mn, xs, 8 * b);
            // sum_s sc_s * (q_w . q_x of s) in int lanes: |lane| <= 4 * 63 * 2 * 15 * 127, one conversion per block
            IntVector i0 = IntVector.zero(I);
            IntVector i1 = IntVector.zero(I);
            ShortVector q0;
            ShortVector q1;
            ShortVector lo;
            ShortVector hi;
            // sub-blocks 0 (low nibbles) and 1 (high nibbles)
            q0 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 16, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            q1 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 32, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            lo = q0.and((short) 15).mul(ShortVector.fromArray(S, xq, xb))
                    .add(q1.and((short) 15).mul(ShortVector.fromArray(S, xq, xb + 16)));
            hi = q0.lanewise(VectorOperators.LSHR, 4).mul(ShortVector.fromArray(S, xq, xb + 32))
                    .add(q1.lanewise(VectorOperators.LSHR, 4).mul(ShortVector.fromArray(S, xq, xb + 48)));
            i0 = ((IntVector) lo.convertShape(VectorOperators.S2I, I, 0)).mul((int) (sc & 0xFF)).add(i0);
            i1 = ((IntVector) hi.convertShape(VectorOperators.S2I, I, 0)).mul((int) ((sc >>> 8) & 0xFF)).add(i1);
            // sub-blocks 2 (low nibbles) and 3 (high nibbles)
            q0 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 48, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            q1 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 64, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            lo = q0.and((short) 15).mul(ShortVector.fromArray(S, xq, xb + 64))
                    .add(q1.and((short) 15).mul(ShortVector.fromArray(S, xq, xb + 80)));
            hi = q0.lanewise(VectorOperators.LSHR, 4).mul(ShortVector.fromArray(S, xq, xb + 96))
                    .add(q1.lanewise(VectorOperators.LSHR, 4).mul(ShortVector.fromArray(S, xq, xb + 112)));
            i0 = ((IntVector) lo.convertShape(VectorOperators.S2I, I, 0)).mul((int) ((sc >>> 16) & 0xFF)).add(i0);
            i1 = ((IntVector) hi.convertShape(VectorOperators.S2I, I, 0)).mul((int) ((sc >>> 24) & 0xFF)).add(i1);
            // sub-blocks 4 (low nibbles) and 5 (high nibbles)
            q0 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 80, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            q1 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 96, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            lo = q0.and((short) 15).mul(ShortVector.fromArray(S, xq, xb + 128))
                    .add(q1.and((short) 15).mul(ShortVector.fromArray(S, xq, xb + 144)));
            hi = q0.lanewise(VectorOperators.LSHR, 4).mul(ShortVector.fromArray(S, xq, xb + 160))
                    .add(q1.lanewise(VectorOperators.LSHR, 4).mul(ShortVector.fromArray(S, xq, xb + 176)));
            i0 = ((IntVector) lo.convertShape(VectorOperators.S2I, I, 0)).mul((int) ((sc >>> 32) & 0xFF)).add(i0);
            i1 = ((IntVector) hi.convertShape(VectorOperators.S2I, I, 0)).mul((int) ((sc >>> 40) & 0xFF)).add(i1);
            // sub-blocks 6 (low nibbles) and 7 (high nibbles)
            q0 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 112, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            q1 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 128, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            lo = q0.and((short) 15).mul(ShortVector.fromArray(S, xq, xb + 192))
                    .add(q1.and((short) 15).mul(ShortVector.fromArray(S, xq, xb + 208)));
            hi = q0.lanewise(VectorOperators.LSHR, 4).mul(ShortVector.fromArray(S, xq, xb + 224))
                    .add(q1.lanewise(VectorOperators.LSHR, 4).mul(ShortVector.fromArray(S, xq, xb + 240)));
            i0 = ((IntVector) lo.convertShape(VectorOperators.S2I, I, 0)).mul((int) ((sc >>> 48) & 0xFF)).add(i0);
            i1 = ((IntVector) hi.convertShape(VectorOperators.S2I, I, 0)).mul((int) ((sc >>> 56) & 0xFF)).add(i1);
            acc = ((FloatVector) i0.add(i1).convertShape(VectorOperators.I2F, F, 0)).fma(FloatVector.broadcast(F, d), acc);
        }
        return sum16(acc) - minimums;
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
            int xb = 256 * b;
            float d = Float.float16ToFloat(w.get(SHORT_LE, p)) * xd[b];
            float dmin = Float.float16ToFloat(w.get(SHORT_LE, p + 2)) * xd[b];
            long sc = VectorKernels.k4ScaleBytes(w, p);
            long mn = VectorKernels.k4MinBytes(w, p);
            minimums += dmin * minSum(mn, xs, 8 * b);
            // the fifth bits of values 0-15 and 16-31 of every sub-block: bits 2j and 2j + 1 for sub-blocks 2j, 2j + 1
            ShortVector h0 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 16, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            ShortVector h1 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 32, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            ShortVector q0;
            ShortVector q1;
            ShortVector lo;
            ShortVector hi;
            // sub-blocks 0 (low nibbles, fifth bit 0 of qh) and 1 (high nibbles, bit 1)
            q0 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 48, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            q1 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 64, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            lo = q0.and((short) 15).or(h0.and((short) 1).lanewise(VectorOperators.LSHL, 4))
                    .mul(ShortVector.fromArray(S, xq, xb))
                    .add(q1.and((short) 15).or(h1.and((short) 1).lanewise(VectorOperators.LSHL, 4))
                            .mul(ShortVector.fromArray(S, xq, xb + 16)));
            hi = q0.lanewise(VectorOperators.LSHR, 4).or(h0.and((short) 2).lanewise(VectorOperators.LSHL, 3))
                    .mul(ShortVector.fromArray(S, xq, xb + 32))
                    .add(q1.lanewise(VectorOperators.LSHR, 4).or(h1.and((short) 2).lanewise(VectorOperators.LSHL, 3))
                            .mul(ShortVector.fromArray(S, xq, xb + 48)));
            acc0 = ((FloatVector) lo.convertShape(VectorOperators.S2F, F, 0))
                    .fma(FloatVector.broadcast(F, d * (int) (sc & 0xFF)), acc0);
            acc1 = ((FloatVector) hi.convertShape(VectorOperators.S2F, F, 0))
                    .fma(FloatVector.broadcast(F, d * (int) ((sc >>> 8) & 0xFF)), acc1);
            // sub-blocks 2 (low nibbles, fifth bit 2 of qh) and 3 (high nibbles, bit 3)
            q0 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 80, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            q1 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 96, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            lo = q0.and((short) 15).or(h0.and((short) 4).lanewise(VectorOperators.LSHL, 2))
                    .mul(ShortVector.fromArray(S, xq, xb + 64))
                    .add(q1.and((short) 15).or(h1.and((short) 4).lanewise(VectorOperators.LSHL, 2))
                            .mul(ShortVector.fromArray(S, xq, xb + 80)));
            hi = q0.lanewise(VectorOperators.LSHR, 4).or(h0.and((short) 8).lanewise(VectorOperators.LSHL, 1))
                    .mul(ShortVector.fromArray(S, xq, xb + 96))
                    .add(q1.lanewise(VectorOperators.LSHR, 4).or(h1.and((short) 8).lanewise(VectorOperators.LSHL, 1))
                            .mul(ShortVector.fromArray(S, xq, xb + 112)));
            acc0 = ((FloatVector) lo.convertShape(VectorOperators.S2F, F, 0))
                    .fma(FloatVector.broadcast(F, d * (int) ((sc >>> 16) & 0xFF)), acc0);
            acc1 = ((FloatVector) hi.convertShape(VectorOperators.S2F, F, 0))
                    .fma(FloatVector.broadcast(F, d * (int) ((sc >>> 24) & 0xFF)), acc1);
            // sub-blocks 4 (low nibbles, fifth bit 4 of qh) and 5 (high nibbles, bit 5)
            q0 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 112, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            q1 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 128, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            lo = q0.and((short) 15).or(h0.and((short) 16))
                    .mul(ShortVector.fromArray(S, xq, xb + 128))
                    .add(q1.and((short) 15).or(h1.and((short) 16))
                            .mul(ShortVector.fromArray(S, xq, xb + 144)));
            hi = q0.lanewise(VectorOperators.LSHR, 4).or(h0.and((short) 32).lanewise(VectorOperators.LSHR, 1))
                    .mul(ShortVector.fromArray(S, xq, xb + 160))
                    .add(q1.lanewise(VectorOperators.LSHR, 4).or(h1.and((short) 32).lanewise(VectorOperators.LSHR, 1))
                            .mul(ShortVector.fromArray(S, xq, xb + 176)));
            acc0 = ((FloatVector) lo.convertShape(VectorOperators.S2F, F, 0))
                    .fma(FloatVector.broadcast(F, d * (int) ((sc >>> 32) & 0xFF)), acc0);
            acc1 = ((FloatVector) hi.convertShape(VectorOperators.S2F, F, 0))
                    .fma(FloatVector.broadcast(F, d * (int) ((sc >>> 40) & 0xFF)), acc1);
            // sub-blocks 6 (low nibbles, fifth bit 6 of qh) and 7 (high nibbles, bit 7)
            q0 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 144, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            q1 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 160, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            lo = q0.and((short) 15).or(h0.and((short) 64).lanewise(VectorOperators.LSHR, 2))
                    .mul(ShortVector.fromArray(S, xq, xb + 192))
                    .add(q1.and((short) 15).or(h1.and((short) 64).lanewise(VectorOperators.LSHR, 2))
                            .mul(ShortVector.fromArray(S, xq, xb + 208)));
            hi = q0.lanewise(VectorOperators.LSHR, 4).or(h0.and((short) 128).lanewise(VectorOperators.LSHR, 3))
                    .mul(ShortVector.fromArray(S, xq, xb + 224))
                    .add(q1.lanewise(VectorOperators.LSHR, 4).or(h1.and((short) 128).lanewise(VectorOperators.LSHR, 3))
                            .mul(ShortVector.fromArray(S, xq, xb + 240)));
            acc0 = ((FloatVector) lo.convertShape(VectorOperators.S2F, F, 0))
                    .fma(FloatVector.broadcast(F, d * (int) ((sc >>> 48) & 0xFF)), acc0);
            acc1 = ((FloatVector) hi.convertShape(VectorOperators.S2F, F, 0))
                    .fma(FloatVector.broadcast(F, d * (int) ((sc >>> 56) & 0xFF)), acc1);
        }
        return sum16(acc0.add(acc1)) - minimums;
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
            int xb = 256 * b;
            float d = Float.float16ToFloat(w.get(SHORT_LE, p + 208)) * xd[b];
            // the 16 signed sub-block scales, eight to a long, sub-block 0 lowest
            long s0 = w.get(LONG_LE, p + 192);
            long s1 = w.get(LONG_LE, p + 200);
            // sum_s sc_s * (q_w . q_x of s) in int lanes: |lane| <= 8 * 128 * 32 * 127, one conversion per block
            IntVector i0 = IntVector.zero(I);
            IntVector i1 = IntVector.zero(I);
            ShortVector a;
            ShortVector c;
            ShortVector h;
            // half 0, values 0 to 15 of each of its four quarters
            a = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 0, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            c = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 32, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            h = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 128, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            i0 = ((IntVector) a.and((short) 15).or(h.and((short) 3).lanewise(VectorOperators.LSHL, 4))
                    .sub((short) 32).mul(ShortVector.fromArray(S, xq, xb))
                    .convertShape(VectorOperators.S2I, I, 0)).mul((int) (byte) s0).add(i0);
            i1 = ((IntVector) c.and((short) 15).or(h.and((short) 12).lanewise(VectorOperators.LSHL, 2))
                    .sub((short) 32).mul(ShortVector.fromArray(S, xq, xb + 32))
                    .convertShape(VectorOperators.S2I, I, 0)).mul((int) (byte) (s0 >>> 16)).add(i1);
            i0 = ((IntVector) a.lanewise(VectorOperators.LSHR, 4).or(h.and((short) 48))
                    .sub((short) 32).mul(ShortVector.fromArray(S, xq, xb + 64))
                    .convertShape(VectorOperators.S2I, I, 0)).mul((int) (byte) (s0 >>> 32)).add(i0);
            i1 = ((IntVector) c.lanewise(VectorOperators.LSHR, 4)
                    .or(h.lanewise(VectorOperators.LSHR, 2).and((short) 48))
                    .sub((short) 32).mul(ShortVector.fromArray(S, xq, xb + 96))
                    .convertShape(VectorOperators.S2I, I, 0)).mul((int) (byte) (s0 >>> 48)).add(i1);
            // half 0, values 16 to 31 of each of its four quarters
            a = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 16, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            c = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 48, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            h = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 144, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            i0 = ((IntVector) a.and((short) 15).or(h.and((short) 3).lanewise(VectorOperators.LSHL, 4))
                    .sub((short) 32).mul(ShortVector.fromArray(S, xq, xb + 16))
                    .convertShape(VectorOperators.S2I, I, 0)).mul((int) (byte) (s0 >>> 8)).add(i0);
            i1 = ((IntVector) c.and((short) 15).or(h.and((short) 12).lanewise(VectorOperators.LSHL, 2))
                    .sub((short) 32).mul(ShortVector.fromArray(S, xq, xb + 48))
                    .convertShape(VectorOperators.S2I, I, 0)).mul((int) (byte) (s0 >>> 24)).add(i1);
            i0 = ((IntVector) a.lanewise(VectorOperators.LSHR, 4).or(h.and((short) 48))
                    .sub((short) 32).mul(ShortVector.fromArray(S, xq, xb + 80))
                    .convertShape(VectorOperators.S2I, I, 0)).mul((int) (byte) (s0 >>> 40)).add(i0);
            i1 = ((IntVector) c.lanewise(VectorOperators.LSHR, 4)
                    .or(h.lanewise(VectorOperators.LSHR, 2).and((short) 48))
                    .sub((short) 32).mul(ShortVector.fromArray(S, xq, xb + 112))
                    .convertShape(VectorOperators.S2I, I, 0)).mul((int) (byte) (s0 >>> 56)).add(i1);
            // half 1, values 0 to 15 of each of its four quarters
            a = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 64, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            c = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 96, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            h = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 160, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            i0 = ((IntVector) a.and((short) 15).or(h.and((short) 3).lanewise(VectorOperators.LSHL, 4))
                    .sub((short) 32).mul(ShortVector.fromArray(S, xq, xb + 128))
                    .convertShape(VectorOperators.S2I, I, 0)).mul((int) (byte) s1).add(i0);
            i1 = ((IntVector) c.and((short) 15).or(h.and((short) 12).lanewise(VectorOperators.LSHL, 2))
                    .sub((short) 32).mul(ShortVector.fromArray(S, xq, xb + 160))
                    .convertShape(VectorOperators.S2I, I, 0)).mul((int) (byte) (s1 >>> 16)).add(i1);
            i0 = ((IntVector) a.lanewise(VectorOperators.LSHR, 4).or(h.and((short) 48))
                    .sub((short) 32).mul(ShortVector.fromArray(S, xq, xb + 192))
                    .convertShape(VectorOperators.S2I, I, 0)).mul((int) (byte) (s1 >>> 32)).add(i0);
            i1 = ((IntVector) c.lanewise(VectorOperators.LSHR, 4)
                    .or(h.lanewise(VectorOperators.LSHR, 2).and((short) 48))
                    .sub((short) 32).mul(ShortVector.fromArray(S, xq, xb + 224))
                    .convertShape(VectorOperators.S2I, I, 0)).mul((int) (byte) (s1 >>> 48)).add(i1);
            // half 1, values 16 to 31 of each of its four quarters
            a = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 80, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            c = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 112, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            h = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 176, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            i0 = ((IntVector) a.and((short) 15).or(h.and((short) 3).lanewise(VectorOperators.LSHL, 4))
                    .sub((short) 32).mul(ShortVector.fromArray(S, xq, xb + 144))
                    .convertShape(VectorOperators.S2I, I, 0)).mul((int) (byte) (s1 >>> 8)).add(i0);
            i1 = ((IntVector) c.and((short) 15).or(h.and((short) 12).lanewise(VectorOperators.LSHL, 2))
                    .sub((short) 32).mul(ShortVector.fromArray(S, xq, xb + 176))
                    .convertShape(VectorOperators.S2I, I, 0)).mul((int) (byte) (s1 >>> 24)).add(i1);
            i0 = ((IntVector) a.lanewise(VectorOperators.LSHR, 4).or(h.and((short) 48))
                    .sub((short) 32).mul(ShortVector.fromArray(S, xq, xb + 208))
                    .convertShape(VectorOperators.S2I, I, 0)).mul((int) (byte) (s1 >>> 40)).add(i0);
            i1 = ((IntVector) c.lanewise(VectorOperators.LSHR, 4)
                    .or(h.lanewise(VectorOperators.LSHR, 2).and((short) 48))
                    .sub((short) 32).mul(ShortVector.fromArray(S, xq, xb + 240))
                    .convertShape(VectorOperators.S2I, I, 0)).mul((int) (byte) (s1 >>> 56)).add(i1);
            acc = ((FloatVector) i0.add(i1).convertShape(VectorOperators.I2F, F, 0)).fma(FloatVector.broadcast(F, d), acc);
        }
        return sum16(acc);
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
