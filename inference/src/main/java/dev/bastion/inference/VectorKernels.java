package dev.bastion.inference;

import static dev.bastion.inference.ScalarKernels.f16;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API twins of {@link ScalarKernels}, with the same signatures and contracts.
 *
 * <p>The quantised kernels dequantise each group of {@link #LANES} weights into a float vector and multiply it
 * with the float activations (fused multiply-add); they never copy the weights out of the segment. Results agree
 * with the scalar twins up to the order of float additions. The kernels need at least 256-bit vectors; see
 * {@link #AVAILABLE}.
 *
 * <p>This class is stateless and thread-safe.
 */
final class VectorKernels {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector: 16 with AVX-512, 8 with AVX2. */
    static final int LANES = F.length();
    /** Whether these kernels can run here: they need 8 or 16 float lanes. */
    static final boolean AVAILABLE = LANES == 8 || LANES == 16;

    /*
     * Lane sums in a fixed order: lane i plus lane i + LANES/2, then + LANES/4, ... + 1 (a tree). Not
     * reduceLanes(ADD), which adds the lanes one after another in its Java fallback (interpreter, C1) and as a tree
     * once C2 compiles the kernel, so the same kernel gave results an ulp apart before and after compilation, and
     * matvec and matvecEach, compiled at different moments, disagreed (the CI dry run of 2026-12-06 on Q4_0:
     * KQuantInt8EachTest). The shuffles are constants, so C2 folds the lane-count tests.
     */
    private static final VectorShuffle<Float> HALF = VectorShuffle.iota(F, Math.max(1, LANES / 2), 1, true);
    private static final VectorShuffle<Float> QUARTER = VectorShuffle.iota(F, Math.max(1, LANES / 4), 1, true);
    private static final VectorShuffle<Float> EIGHTH = VectorShuffle.iota(F, Math.max(1, LANES / 8), 1, true);
    private static final VectorShuffle<Float> SIXTEENTH = VectorShuffle.iota(F, Math.max(1, LANES / 16), 1, true);

    /** The sum of the lanes of {@code a}, in the fixed tree order above. */
    static float sum(FloatVector a) {
        FloatVector t = a.add(a.rearrange(HALF));
        if (LANES >= 4) {
            t = t.add(t.rearrange(QUARTER));
        }
        if (LANES >= 8) {
            t = t.add(t.rearrange(EIGHTH));
        }
        if (LANES >= 16) {
            t = t.add(t.rearrange(SIXTEENTH));
        }
        return t.lane(0);
    }

    private static final VectorSpecies<Byte> B = AVAILABLE
            ? VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * 8)) : ByteVector.SPECIES_64;
    private static final VectorSpecies<Short> S = AVAILABLE
            ? VectorSpecies.of(short.class, VectorShape.forBitSize(LANES * 16)) : ShortVector.SPECIES_128;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    private static final FloatVector MINUS_8 = FloatVector.broadcast(F, -8f);

    private VectorKernels() {
    }

    static float dot(GgmlType type, MemorySegment w, long rowOffsetBytes, float[] x, int xOffset, int cols) {
        return switch (type) {
            case F32 -> dotF32(w, rowOffsetBytes, x, xOffset, cols);
            case F16 -> dotF16(w, rowOffsetBytes, x, xOffset, cols);
            case BF16 -> dotBF16(w, rowOffsetBytes, x, xOffset, cols);
            case Q8_0 -> dotQ8_0(w, rowOffsetBytes, x, xOffset, cols);
            case Q4_0 -> dotQ4_0(w, rowOffsetBytes, x, xOffset, cols);
            case Q4_K -> dotQ4_K(w, rowOffsetBytes, x, xOffset, cols);
            case Q5_K -> dotQ5_K(w, rowOffsetBytes, x, xOffset, cols);
            case Q6_K -> dotQ6_K(w, rowOffsetBytes, x, xOffset, cols);
            default -> throw new IllegalArgumentException("no kernel for " + type);
        };
    }

    static void dequantize(GgmlType type, MemorySegment w, long rowOffsetBytes, float[] out, int outOffset, int cols) {
        switch (type) {
            case F32 -> dequantizeF32(w, rowOffsetBytes, out, outOffset, cols);
            case F16 -> dequantizeF16(w, rowOffsetBytes, out, outOffset, cols);
            case BF16 -> dequantizeBF16(w, rowOffsetBytes, out, outOffset, cols);
            case Q8_0 -> dequantizeQ8_0(w, rowOffsetBytes, out, outOffset, cols);
            case Q4_0 -> dequantizeQ4_0(w, rowOffsetBytes, out, outOffset, cols);
            case Q4_K -> dequantizeQ4_K(w, rowOffsetBytes, out, outOffset, cols);
            case Q5_K -> dequantizeQ5_K(w, rowOffsetBytes, out, outOffset, cols);
            case Q6_K -> dequantizeQ6_K(w, rowOffsetBytes, out, outOffset, cols);
            default -> throw new IllegalArgumentException("no kernel for " + type);
        }
    }

    // ---- loads: LANES consecutive weights as one float vector ----

    private static FloatVector f32(MemorySegment w, long p) {
        return FloatVector.fromMemorySegment(F, w, p, LE);
    }

    /*
     * IEEE half to float without a conversion instruction: shift exponent and mantissa into float position and
     * multiply by 2^112 (= 2^(127-15)), which also turns half subnormals into the right normal floats; infinity
     * and NaN (exponent 31) get the float's all-ones exponent instead; then the sign goes back on.
     */
    private static FloatVector f16s(MemorySegment w, long p) {
        IntVector h = ((IntVector) ShortVector.fromMemorySegment(S, w, p, LE).castShape(I, 0)).and(0xFFFF);
        IntVector magnitude = h.and(0x7FFF);
        IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
        IntVector scaled = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        IntVector special = shifted.or(0x7F800000);
        IntVector bits = scaled.blend(special, magnitude.compare(VectorOperators.GE, 0x7C00));
        return bits.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }

    private static FloatVector bf16s(MemorySegment w, long p) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(S, w, p, LE).castShape(I, 0);
        return h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    private static ByteVector bytes(MemorySegment w, long p) {
        return ByteVector.fromMemorySegment(B, w, p, LE);
    }

    private static FloatVector toFloats(ByteVector b) {
        return (FloatVector) b.convertShape(VectorOperators.B2F, F, 0);
    }

    /** LANES bytes widened (sign-extended) to ints: nibble and bit work is cheaper in int lanes than in bytes. */
    private static IntVector ints(MemorySegment w, long p) {
        return (IntVector) bytes(w, p).castShape(I, 0);
    }

    private static FloatVector toFloats(IntVector v) {
        return (FloatVector) v.convertShape(VectorOperators.I2F, F, 0);
    }

    private static ByteVector lowNibbles(ByteVector b) {
        return b.and((byte) 0x0F);
    }

    private static ByteVector highNibbles(ByteVector b) {
        return b.lanewise(VectorOperators.LSHR, 4);
    }

    // ---- unquantised types ----

    static float dotF32(MemorySegment w, long off, float[] x, int xo, int cols) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * LANES <= cols; i += 2 * LANES) {
            a0 = f32(w, off + 4L * i).fma(FloatVector.fromArray(F, x, xo + i), a0);
            a1 = f32(w, off + 4L * (i + LANES)).fma(FloatVector.fromArray(F, x, xo + i + LANES), a1);
        }
        float sum = sum(a0.add(a1));
        for (; i < cols; i++) {
            sum += w.get(ScalarKernels.FLOAT_LE, off + 4L * i) * x[xo + i];
        }
        return sum;
    }

    static float dotF16(MemorySegment w, long off, float[] x, int xo, int cols) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i + LANES <= cols; i += LANES) {
            acc = f16s(w, off + 2L * i).fma(FloatVector.fromArray(F, x, xo + i), acc);
        }
        float sum = sum(acc);
        for (; i < cols; i++) {
            sum += f16(w, off + 2L * i) * x[xo + i];
        }
        return sum;
    }

    static float dotBF16(MemorySegment w, long off, float[] x, int xo, int cols) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i + LANES <= cols; i += LANES) {
            acc = bf16s(w, off + 2L * i).fma(FloatVector.fromArray(F, x, xo + i), acc);
        }
        float sum = sum(acc);
        for (; i < cols; i++) {
            sum += ScalarKernels.bf16(w, off + 2L * i) * x[xo + i];
        }
        return sum;
    }

    static void dequantizeF32(MemorySegment w, long off, float[] out, int oo, int cols) {
        MemorySegment.copy(w, ScalarKernels.FLOAT_LE, off, out, oo, cols);
    }

    static void dequantizeF16(MemorySegment w, long off, float[] out, int oo, int cols) {
        int i = 0;
        for (; i + LANES <= cols; i += LANES) {
            f16s(w, off + 2L * i).intoArray(out, oo + i);
        }
        for (; i < cols; i++) {
            out[oo + i] = f16(w, off + 2L * i);
        }
    }

    static void dequantizeBF16(MemorySegment w, long off, float[] out, int oo, int cols) {
        int i = 0;
        for (; i + LANES <= cols; i += LANES) {
            bf16s(w, off + 2L * i).intoArray(out, oo + i);
        }
        for (; i < cols; i++) {
            out[oo + i] = ScalarKernels.bf16(w, off + 2L * i);
        }
    }

    // ---- Q8_0 and Q4_0: blocks of 32 ----

    static float dotQ8_0(MemorySegment w, long off, float[] x, int xo, int cols) {
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < cols / 32; b++) {
            long p = off + 34L * b;
            int xb = xo + 32 * b;
            FloatVector s = FloatVector.zero(F);
            for (int g = 0; g < 32; g += LANES) {
                s = toFloats(bytes(w, p + 2 + g)).fma(FloatVector.fromArray(F, x, xb + g), s);
            }
            acc = s.fma(FloatVector.broadcast(F, f16(w, p)), acc);
        }
        return sum(acc);
    }

    static void dequantizeQ8_0(MemorySegment w, long off, float[] out, int oo, int cols) {
        for (int b = 0; b < cols / 32; b++) {
            long p = off + 34L * b;
            float d = f16(w, p);
            for (int g = 0; g < 32; g += LANES) {
                toFloats(bytes(w, p + 2 + g)).mul(d).intoArray(out, oo + 32 * b + g);
            }
        }
    }

    /*
     * Q4_0 dot: sum((q - 8) * x) = sum(q * x) - 8 * sum(x), so each block sum starts at -8 * (xl + xh) and the
     * nibbles are used unsigned (zero-extended bytes: the high nibble is one shift, the low one mask). All
     * vector work is written out here, without helper calls: when the kernel is inlined into a large caller,
     * C2's NodeCountInliningCutoff stops inlining ordinary helpers and their vectors are boxed (matvec measured
     * 3x slower than this kernel alone); the Vector API and segment accessors are force-inlined.
     */
    static float dotQ4_0(MemorySegment w, long off, float[] x, int xo, int cols) {
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < cols / 32; b++) {
            long p = off + 18L * b;
            int xb = xo + 32 * b;
            FloatVector s = FloatVector.zero(F);
            for (int g = 0; g < 16; g += LANES) {
                FloatVector xl = FloatVector.fromArray(F, x, xb + g);
                FloatVector xh = FloatVector.fromArray(F, x, xb + 16 + g);
                IntVector q = (IntVector) ByteVector.fromMemorySegment(B, w, p + 2 + g, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                s = xl.add(xh).fma(MINUS_8, s);
                s = ((FloatVector) q.and(15).convertShape(VectorOperators.I2F, F, 0)).fma(xl, s);
                s = ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, F, 0)).fma(xh, s);
            }
            acc = s.fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(SHORT_LE, p))), acc);
        }
        return sum(acc);
    }

    /** As {@link #dotQ4_0}, written out without helper calls. */
    static void dequantizeQ4_0(MemorySegment w, long off, float[] out, int oo, int cols) {
        for (int b = 0; b < cols / 32; b++) {
            long p = off + 18L * b;
            FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(w.get(SHORT_LE, p)));
            for (int g = 0; g < 16; g += LANES) {
                IntVector q = (IntVector) ByteVector.fromMemorySegment(B, w, p + 2 + g, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                ((FloatVector) q.and(15).sub(8).convertShape(VectorOperators.I2F, F, 0)).mul(d)
                        .intoArray(out, oo + 32 * b + g);
                ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).sub(8).convertShape(VectorOperators.I2F, F, 0)).mul(d)
                        .intoArray(out, oo + 32 * b + 16 + g);
            }
        }
    }

    // ---- K types: super-blocks of 256 ----

    /*
     * Q4_K and Q5_K: k4Scales unpacks the block's scales and mins once; each 32 bytes of qs then give
     * sub-block 2j (low nibbles) and 2j+1 (high nibbles), widened to ints, w = q * (d*sc) + (-dmin*m).
     */
    static float dotQ4_K(MemorySegment w, long off, float[] x, int xo, int cols) {
        // The scales and mins stay in two longs (k4ScaleBytes, k4MinBytes) rather than k4Scales's float[16]: an
        // array indexed by the loop variable cannot be scalar-replaced, so it was allocated on every call (600k
        // times a token on a 1B model: garbage that grew the heap).
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        for (int b = 0; b < cols / 256; b++) {
            long p = off + 144L * b;
            float d = f16(w, p);
            float dmin = -f16(w, p + 2);
            long scales = k4ScaleBytes(w, p);
            long mins = k4MinBytes(w, p);
            for (int j = 0; j < 4; j++) {
                int shift = 16 * j; // sub-blocks 2j and 2j+1
                float d0 = d * ((scales >>> shift) & 0xFF);
                float d1 = d * ((scales >>> (shift + 8)) & 0xFF);
                float m0 = dmin * ((mins >>> shift) & 0xFF);
                float m1 = dmin * ((mins >>> (shift + 8)) & 0xFF);
                long q = p + 16 + 32L * j;
                int xb = xo + 256 * b + 64 * j;
                for (int g = 0; g < 32; g += LANES) {
                    IntVector v = ints(w, q + g);
                    FloatVector lo4 = toFloats(v.and(15)).fma(d0, m0);
                    FloatVector hi4 = toFloats(v.lanewise(VectorOperators.LSHR, 4).and(15)).fma(d1, m1);
                    acc0 = lo4.fma(FloatVector.fromArray(F, x, xb + g), acc0);
                    acc1 = hi4.fma(FloatVector.fromArray(F, x, xb + 32 + g), acc1);
                }
            }
        }
        return sum(acc0.add(acc1));
    }

    static void dequantizeQ4_K(MemorySegment w, long off, float[] out, int oo, int cols) {
        // scales and mins in two longs, not k4Scales's float[16], which was allocated on every row: the matmul
        // dequantises each row once per input block, about 60,000 rows a layer per batch of 64 tokens on a 1B model
        for (int b = 0; b < cols / 256; b++) {
            long p = off + 144L * b;
            float d = f16(w, p);
            float dmin = -f16(w, p + 2);
            long scales = k4ScaleBytes(w, p);
            long mins = k4MinBytes(w, p);
            for (int j = 0; j < 4; j++) {
                float d0 = d * ((scales >>> (16 * j)) & 0xFF);
                float m0 = dmin * ((mins >>> (16 * j)) & 0xFF);
                float d1 = d * ((scales >>> (16 * j + 8)) & 0xFF);
                float m1 = dmin * ((mins >>> (16 * j + 8)) & 0xFF);
                long q = p + 16 + 32L * j;
                int ob = oo + 256 * b + 64 * j;
                for (int g = 0; g < 32; g += LANES) {
                    IntVector v = ints(w, q + g);
                    toFloats(v.and(15)).fma(d0, m0).intoArray(out, ob + g);
                    toFloats(v.lanewise(VectorOperators.LSHR, 4).and(15)).fma(d1, m1).intoArray(out, ob + 32 + g);
                }
            }
        }
    }

    /** Q5_K: as Q4_K, plus bit 2j (2j+1) of qh[l] as the fifth bit of element l of sub-block 2j (2j+1). */
    static float dotQ5_K(MemorySegment w, long off, float[] x, int xo, int cols) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        float[] dm = new float[16];
        for (int b = 0; b < cols / 256; b++) {
            long p = off + 176L * b;
            k4Scales(w, p, dm);
            for (int j = 0; j < 4; j++) {
                float d0 = dm[2 * j];
                float m0 = dm[8 + 2 * j];
                float d1 = dm[2 * j + 1];
                float m1 = dm[9 + 2 * j];
                long q = p + 48 + 32L * j;
                int xb = xo + 256 * b + 64 * j;
                for (int g = 0; g < 32; g += LANES) {
                    IntVector v = ints(w, q + g);
                    IntVector h = ints(w, p + 16 + g).lanewise(VectorOperators.LSHR, 2 * j);
                    FloatVector lo = toFloats(v.and(15).or(h.and(1).lanewise(VectorOperators.LSHL, 4))).fma(d0, m0);
                    FloatVector hi = toFloats(v.lanewise(VectorOperators.LSHR, 4).and(15)
                            .or(h.and(2).lanewise(VectorOperators.LSHL, 3))).fma(d1, m1);
                    acc0 = lo.fma(FloatVector.fromArray(F, x, xb + g), acc0);
                    acc1 = hi.fma(FloatVector.fromArray(F, x, xb + 32 + g), acc1);
                }
            }
        }
        return sum(acc0.add(acc1));
    }

    static void dequantizeQ5_K(MemorySegment w, long off, float[] out, int oo, int cols) {
        for (int b = 0; b < cols / 256; b++) { // scales in longs, as dequantizeQ4_K
            long p = off + 176L * b;
            float d = f16(w, p);
            float dmin = -f16(w, p + 2);
            long scales = k4ScaleBytes(w, p);
            long mins = k4MinBytes(w, p);
            for (int j = 0; j < 4; j++) {
                float d0 = d * ((scales >>> (16 * j)) & 0xFF);
                float m0 = dmin * ((mins >>> (16 * j)) & 0xFF);
                float d1 = d * ((scales >>> (16 * j + 8)) & 0xFF);
                float m1 = dmin * ((mins >>> (16 * j + 8)) & 0xFF);
                long q = p + 48 + 32L * j;
                int ob = oo + 256 * b + 64 * j;
                for (int g = 0; g < 32; g += LANES) {
                    IntVector v = ints(w, q + g);
                    IntVector h = ints(w, p + 16 + g).lanewise(VectorOperators.LSHR, 2 * j);
                    toFloats(v.and(15).or(h.and(1).lanewise(VectorOperators.LSHL, 4)))
                            .fma(d0, m0).intoArray(out, ob + g);
                    toFloats(v.lanewise(VectorOperators.LSHR, 4).and(15).or(h.and(2).lanewise(VectorOperators.LSHL, 3)))
                            .fma(d1, m1).intoArray(out, ob + 32 + g);
                }
            }
        }
    }

    /*
     * Q6_K, per half of 128 elements: for l in 0..31, ql[l] gives elements l (low nibble) and l+64 (high),
     * ql[l+32] gives l+32 and l+96, and qh[l] their top two bits (bits 0-1, 2-3, 4-5, 6-7 for l, l+32, l+64,
     * l+96). Element e of the block has scale index e/16; LANES <= 16 keeps one vector inside one scale.
     */
    static float dotQ6_K(MemorySegment w, long off, float[] x, int xo, int cols) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        for (int b = 0; b < cols / 256; b++) {
            long p = off + 210L * b;
            float d = f16(w, p + 208);
            for (int half = 0; half < 2; half++) {
                long ql = p + 64L * half;
                long qh = p + 128 + 32L * half;
                long sc = p + 192 + 8L * half;
                int xb = xo + 256 * b + 128 * half;
                for (int g = 0; g < 32; g += LANES) {
                    int s = g / 16;
                    float s0 = d * scale(w, sc, s);
                    float s1 = d * scale(w, sc, s + 2);
                    float s2 = d * scale(w, sc, s + 4);
                    float s3 = d * scale(w, sc, s + 6);
                    ByteVector a = bytes(w, ql + g);
                    ByteVector c = bytes(w, ql + 32 + g);
                    ByteVector h = bytes(w, qh + g);
                    ByteVector h0 = h.and((byte) 3).lanewise(VectorOperators.LSHL, 4);
                    ByteVector h1 = h.and((byte) 12).lanewise(VectorOperators.LSHL, 2);
                    ByteVector h2 = h.and((byte) 48);
                    ByteVector h3 = h.lanewise(VectorOperators.LSHR, 2).and((byte) 48);
                    FloatVector q0 = q6Bytes(lowNibbles(a), h0);
                    FloatVector q1 = q6Bytes(lowNibbles(c), h1);
                    FloatVector q2 = q6Bytes(highNibbles(a), h2);
                    FloatVector q3 = q6Bytes(highNibbles(c), h3);
                    acc0 = q0.mul(s0).fma(FloatVector.fromArray(F, x, xb + g), acc0);
                    acc1 = q1.mul(s1).fma(FloatVector.fromArray(F, x, xb + 32 + g), acc1);
                    acc0 = q2.mul(s2).fma(FloatVector.fromArray(F, x, xb + 64 + g), acc0);
                    acc1 = q3.mul(s3).fma(FloatVector.fromArray(F, x, xb + 96 + g), acc1);
                }
            }
        }
        return sum(acc0.add(acc1));
    }

    static void dequantizeQ6_K(MemorySegment w, long off, float[] out, int oo, int cols) {
        // Vector API and segment calls only, no helpers: with ints/q6/toFloats/scale in the loop the vector
        // operations ran un-intrinsified, boxing every vector (JFR, round eight: most of the 3.7 GB a 64-token
        // prompt batch of a Q4_K_M file allocated; docs/inference-kernels.md)
        for (int b = 0; b < cols / 256; b++) {
            long p = off + 210L * b;
            float d = f16(w, p + 208);
            for (int half = 0; half < 2; half++) {
                long ql = p + 64L * half;
                long qh = p + 128 + 32L * half;
                long sc = p + 192 + 8L * half;
                int ob = oo + 256 * b + 128 * half;
                for (int g = 0; g < 32; g += LANES) {
                    int s = g / 16;
                    IntVector a = (IntVector) ByteVector.fromMemorySegment(B, w, ql + g, LE).castShape(I, 0);
                    IntVector c = (IntVector) ByteVector.fromMemorySegment(B, w, ql + 32 + g, LE).castShape(I, 0);
                    IntVector h = (IntVector) ByteVector.fromMemorySegment(B, w, qh + g, LE).castShape(I, 0);
                    ((FloatVector) a.and(15).or(h.and(3).lanewise(VectorOperators.LSHL, 4)).sub(32)
                            .convertShape(VectorOperators.I2F, F, 0))
                            .mul(d * w.get(ValueLayout.JAVA_BYTE, sc + s)).intoArray(out, ob + g);
                    ((FloatVector) c.and(15).or(h.and(12).lanewise(VectorOperators.LSHL, 2)).sub(32)
                            .convertShape(VectorOperators.I2F, F, 0))
                            .mul(d * w.get(ValueLayout.JAVA_BYTE, sc + s + 2)).intoArray(out, ob + 32 + g);
                    ((FloatVector) a.lanewise(VectorOperators.LSHR, 4).and(15).or(h.and(48)).sub(32)
                            .convertShape(VectorOperators.I2F, F, 0))
                            .mul(d * w.get(ValueLayout.JAVA_BYTE, sc + s + 4)).intoArray(out, ob + 64 + g);
                    ((FloatVector) c.lanewise(VectorOperators.LSHR, 4).and(15)
                            .or(h.lanewise(VectorOperators.LSHR, 2).and(48)).sub(32)
                            .convertShape(VectorOperators.I2F, F, 0))
                            .mul(d * w.get(ValueLayout.JAVA_BYTE, sc + s + 6)).intoArray(out, ob + 96 + g);
                }
            }
        }
    }

    /*
     * dotQ6_K stays in byte lanes: the same code in int lanes (as dequantizeQ6_K) ran 4x slower in the dot,
     * where four more live vectors apparently keep C2 from compiling it fully (measured, JDK 25).
     */
    private static FloatVector q6Bytes(ByteVector low, ByteVector high) {
        return toFloats(low.or(high).sub((byte) 32));
    }

    /** The signed 6-bit quants (q - 32) from four low bits and the two high bits already in place (bits 4-5). */
    private static FloatVector q6(IntVector low, IntVector high) {
        return toFloats(low.or(high).sub(32));
    }

    /**
     * The eight sub-block scales times d into {@code dm[0..8)} and the eight mins times -dmin into
     * {@code dm[8..16)}, for the Q4_K/Q5_K block at {@code p}. Four bytes at a time: scales 0-3 are the low six
     * bits of bytes 0-3, mins 0-3 of bytes 4-7; scales 4-7 are the low nibbles of bytes 8-11 with the top two
     * bits of bytes 0-3 above them, mins 4-7 the high nibbles with the top bits of bytes 4-7.
     */
    static void k4Scales(MemorySegment w, long p, float[] dm) {
        float d = f16(w, p);
        float dmin = -f16(w, p + 2);
        long scales = k4ScaleBytes(w, p);
        long mins = k4MinBytes(w, p);
        for (int k = 0; k < 8; k++) {
            dm[k] = d * ((scales >>> (8 * k)) & 0xFF);
            dm[8 + k] = dmin * ((mins >>> (8 * k)) & 0xFF);
        }
    }

    /** The eight 6-bit sub-block scales of a Q4_K/Q5_K block (get_scale_min_k4), one per byte, sub-block 0 lowest. */
    static long k4ScaleBytes(MemorySegment w, long p) {
        long lo = w.get(LONG_LE, p + 4);
        int hi = w.get(INT_LE, p + 12);
        int b03 = (int) lo;
        int sc47 = (hi & 0x0F0F0F0F) | ((b03 >>> 6) & 0x03030303) << 4;
        return (b03 & 0x3F3F3F3FL) | (long) sc47 << 32;
    }

    /** The eight 6-bit sub-block mins of a Q4_K/Q5_K block, one per byte, sub-block 0 lowest. */
    static long k4MinBytes(MemorySegment w, long p) {
        long lo = w.get(LONG_LE, p + 4);
        int hi = w.get(INT_LE, p + 12);
        int b47 = (int) (lo >>> 32);
        int mi47 = ((hi >>> 4) & 0x0F0F0F0F) | ((b47 >>> 6) & 0x03030303) << 4;
        return (b47 & 0x3F3F3F3FL) | (long) mi47 << 32;
    }

    private static int scale(MemorySegment w, long sc, int i) {
        return w.get(ValueLayout.JAVA_BYTE, sc + i);
    }
}
