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
 * several inputs at once: each chunk of the group's quants is loaded, widened and unpacked once, and every input
 * is multiplied with it from registers. Each input's four results are the bits the single-input kernel
 * ({@code dot4}) gives that input alone; one input goes to {@code dot4} itself. Since round seventeen
 * {@link WeightMatrix#matvecEach} no longer uses it (tiles of the single-input kernels measured faster on a real
 * model and steadier from JVM to JVM, docs/inference-kernels.md); it stays as the multi-input reference of the
 * tests and probes.
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

    private KQuantGroupsEach() {
    }

    /** Per-input int sums (16 per input) the kernels need, for {@code n} inputs. */
    static int[] ints(int n) {
        return new int[16 * n];
    }

    /** Per-input float accumulators (32 per input) the kernels need, for {@code n} inputs. */
    static float[] floats(int n) {
        return new float[32 * n];
    }

    /*
     * Why the bits are those of dot4. Everything up to a super-block's int sums is integer arithmetic (short and
     * int lanes, bounded as in each layout's comment), so its order is free; these kernels form the same int
     * vectors as dot4 (the scaled quant sums, and the minimum sums) and then run dot4's float operations in dot4's
     * order, per input: d of the rows converted from f16 by the same bit trick, multiplied by the input's block
     * scale, one FMA per super-block (Q6_K: per half), and the same fixed-order sum of each row's four lanes.
     *
     * What is shared: the 32-byte loads and their widening, the masks and shifts that unpack the quants, the rows'
     * scales and minimums widened to ints, their f16 d and dmin converted. What is not: per input, the activation
     * loads, the 16-bit multiplies and adds, the widening of the short sums to ints, the int multiply by the scales,
     * the conversion and the FMAs.
     *
     * Each input's int sum lives in a small int array (16 lanes per input) and its float accumulators in a float
     * array (32 per input), loaded and stored around each use, so that one loop over the inputs serves any count.
     * Written with four inputs' accumulators as locals and small helpers instead, C2 stopped inlining the helpers
     * (NodeCountInliningCutoff: the Vector API's force-inlined calls fill the graph first), their vectors were boxed,
     * and a pass over a 2048 x 2048 matrix allocated 25-64 MB and ran 5-7 times slower than calling dot4 per input
     * (GroupsEachProbe, docs/inference-kernels.md, round eleven). So the loops hold only Vector API, array and
     * segment calls.
     */

    /**
     * Group {@code w} (rows {@code r .. r + 3}) times every input of {@code x}: {@code out[i * rows + r + k]}
     * receives row {@code r + k} times input i. {@code ints} and {@code floats} are scratch of at least
     * {@link #ints} and {@link #floats} of the input count.
     */
    static void q4K(MemorySegment w, Q4_Kx4.Activations[] x, int cols, float[] out, int r, int rows, int[] ints,
            float[] floats) {
        int n = x.length;
        if (n == 1) {
            Q4_Kx4Folded.dot4(w, x[0], cols, out, r);
            return;
        }
        java.util.Arrays.fill(floats, 0, 32 * n, 0f);
        for (int b = 0; b < cols / 256; b++) {
            long p = (long) Q4_Kx4.BLOCK * b;
            int xb = 1024 * b;
            java.util.Arrays.fill(ints, 0, 16 * n, 0);
            for (int j = 0; j < 4; j++) { // sub-blocks 2 j (low nibbles) and 2 j + 1 (high)
                long q = p + Q4_QUANTS + 128L * j;
                int xj = xb + 256 * j;
                ShortVector c0 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                ShortVector c1 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q + 32, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                ShortVector c2 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q + 64, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                ShortVector c3 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q + 96, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                ShortVector u0 = c0.and((short) 15);
                ShortVector u1 = c1.and((short) 15);
                ShortVector u2 = c2.and((short) 15);
                ShortVector u3 = c3.and((short) 15);
                ShortVector v0 = c0.lanewise(VectorOperators.LSHR, 4);
                ShortVector v1 = c1.lanewise(VectorOperators.LSHR, 4);
                ShortVector v2 = c2.lanewise(VectorOperators.LSHR, 4);
                ShortVector v3 = c3.lanewise(VectorOperators.LSHR, 4);
                IntVector su = (IntVector) IntVector.broadcast(I128, w.get(INT, p + 16 + 8L * j)).reinterpretAsBytes()
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0);
                IntVector sv = (IntVector) IntVector.broadcast(I128, w.get(INT, p + 20 + 8L * j)).reinterpretAsBytes()
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0);
                for (int i = 0; i < n; i++) {
                    short[] xq = x[i].q();
                    ShortVector t = u0.mul(ShortVector.fromArray(S512, xq, xj))
                            .add(u1.mul(ShortVector.fromArray(S512, xq, xj + 32)))
                            .add(u2.mul(ShortVector.fromArray(S512, xq, xj + 64)))
                            .add(u3.mul(ShortVector.fromArray(S512, xq, xj + 96)));
                    ShortVector h = v0.mul(ShortVector.fromArray(S512, xq, xj + 128))
                            .add(v1.mul(ShortVector.fromArray(S512, xq, xj + 160)))
                            .add(v2.mul(ShortVector.fromArray(S512, xq, xj + 192)))
                            .add(v3.mul(ShortVector.fromArray(S512, xq, xj + 224)));
                    ((IntVector) t.convertShape(VectorOperators.S2I, I512, 0))
                            .add((IntVector) t.convertShape(VectorOperators.S2I, I512, 1)).mul(su)
                            .add(((IntVector) h.convertShape(VectorOperators.S2I, I512, 0))
                                    .add((IntVector) h.convertShape(VectorOperators.S2I, I512, 1)).mul(sv))
                            .add(IntVector.fromArray(I512, ints, 16 * i)).intoArray(ints, 16 * i);
                }
            }
            kMinsAndScales(w, p, x, b, n, ints, floats);
        }
        for (int i = 0; i < n; i++) {
            FloatVector s = FloatVector.fromArray(F, floats, 32 * i).sub(FloatVector.fromArray(F, floats, 32 * i + 16));
            s = s.add(s.rearrange(KQuantInt8.PLUS_8));
            s = s.add(s.rearrange(KQuantInt8.PLUS_4));
            int o = i * rows + r;
            out[o] = s.lane(0);
            out[o + 1] = s.lane(1);
            out[o + 2] = s.lane(2);
            out[o + 3] = s.lane(3);
        }
    }

    /** As {@link #q4K} for a Q5_K group ({@link Q5_Kx4}): each quant's fifth bit from qh. */
    static void q5K(MemorySegment w, Q4_Kx4.Activations[] x, int cols, float[] out, int r, int rows, int[] ints,
            float[] floats) {
        int n = x.length;
        if (n == 1) {
            Q5_Kx4.dot4(w, x[0], cols, out, r);
            return;
        }
        java.util.Arrays.fill(floats, 0, 32 * n, 0f);
        for (int b = 0; b < cols / 256; b++) {
            long p = (long) Q5_Kx4.BLOCK * b;
            int xb = 1024 * b;
            java.util.Arrays.fill(ints, 0, 16 * n, 0);
            for (int j = 0; j < 4; j++) {
                long q = p + Q5_QUANTS + 128L * j;
                long hq = p + Q5_HIGH;
                int xj = xb + 256 * j;
                ShortVector c0 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                ShortVector c1 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q + 32, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                ShortVector c2 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q + 64, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                ShortVector c3 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q + 96, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                // the fifth bits of sub-blocks 2 j and 2 j + 1: bits 2 j and 2 j + 1 of qh
                ShortVector h0 = ((ShortVector) ByteVector.fromMemorySegment(B256, w, hq, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0)).lanewise(VectorOperators.LSHR, 2 * j);
                ShortVector h1 = ((ShortVector) ByteVector.fromMemorySegment(B256, w, hq + 32, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0)).lanewise(VectorOperators.LSHR, 2 * j);
                ShortVector h2 = ((ShortVector) ByteVector.fromMemorySegment(B256, w, hq + 64, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0)).lanewise(VectorOperators.LSHR, 2 * j);
                ShortVector h3 = ((ShortVector) ByteVector.fromMemorySegment(B256, w, hq + 96, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0)).lanewise(VectorOperators.LSHR, 2 * j);
                ShortVector u0 = c0.and((short) 15).or(h0.and((short) 1).lanewise(VectorOperators.LSHL, 4));
                ShortVector u1 = c1.and((short) 15).or(h1.and((short) 1).lanewise(VectorOperators.LSHL, 4));
                ShortVector u2 = c2.and((short) 15).or(h2.and((short) 1).lanewise(VectorOperators.LSHL, 4));
                ShortVector u3 = c3.and((short) 15).or(h3.and((short) 1).lanewise(VectorOperators.LSHL, 4));
                ShortVector v0 = c0.lanewise(VectorOperators.LSHR, 4)
                        .or(h0.and((short) 2).lanewise(VectorOperators.LSHL, 3));
                ShortVector v1 = c1.lanewise(VectorOperators.LSHR, 4)
                        .or(h1.and((short) 2).lanewise(VectorOperators.LSHL, 3));
                ShortVector v2 = c2.lanewise(VectorOperators.LSHR, 4)
                        .or(h2.and((short) 2).lanewise(VectorOperators.LSHL, 3));
                ShortVector v3 = c3.lanewise(VectorOperators.LSHR, 4)
                        .or(h3.and((short) 2).lanewise(VectorOperators.LSHL, 3));
                IntVector su = (IntVector) IntVector.broadcast(I128, w.get(INT, p + 16 + 8L * j)).reinterpretAsBytes()
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0);
                IntVector sv = (IntVector) IntVector.broadcast(I128, w.get(INT, p + 20 + 8L * j)).reinterpretAsBytes()
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0);
                for (int i = 0; i < n; i++) {
                    short[] xq = x[i].q();
                    ShortVector t = u0.mul(ShortVector.fromArray(S512, xq, xj))
                            .add(u1.mul(ShortVector.fromArray(S512, xq, xj + 32)))
                            .add(u2.mul(ShortVector.fromArray(S512, xq, xj + 64)))
                            .add(u3.mul(ShortVector.fromArray(S512, xq, xj + 96)));
                    ShortVector h = v0.mul(ShortVector.fromArray(S512, xq, xj + 128))
                            .add(v1.mul(ShortVector.fromArray(S512, xq, xj + 160)))
                            .add(v2.mul(ShortVector.fromArray(S512, xq, xj + 192)))
                            .add(v3.mul(ShortVector.fromArray(S512, xq, xj + 224)));
                    ((IntVector) t.convertShape(VectorOperators.S2I, I512, 0))
                            .add((IntVector) t.convertShape(VectorOperators.S2I, I512, 1)).mul(su)
                            .add(((IntVector) h.convertShape(VectorOperators.S2I, I512, 0))
                                    .add((IntVector) h.convertShape(VectorOperators.S2I, I512, 1)).mul(sv))
                            .add(IntVector.fromArray(I512, ints, 16 * i)).intoArray(ints, 16 * i);
                }
            }
            kMinsAndScales(w, p, x, b, n, ints, floats);
        }
        for (int i = 0; i < n; i++) {
            FloatVector s = FloatVector.fromArray(F, floats, 32 * i).sub(FloatVector.fromArray(F, floats, 32 * i + 16));
            s = s.add(s.rearrange(KQuantInt8.PLUS_8));
            s = s.add(s.rearrange(KQuantInt8.PLUS_4));
            int o = i * rows + r;
            out[o] = s.lane(0);
            out[o + 1] = s.lane(1);
            out[o + 2] = s.lane(2);
            out[o + 3] = s.lane(3);
        }
    }

    /**
     * The end of a Q4_K or Q5_K super-block at {@code p} (same layout there): per input, its int sums converted
     * and multiplied by d_r * d_x into {@code floats[32 i ..]}, its minimum sums by dmin_r * d_x into
     * {@code floats[32 i + 16 ..]}, as dot4 does. Called once per super-block, outside the inner loops.
     */
    private static void kMinsAndScales(MemorySegment w, long p, Q4_Kx4.Activations[] x, int b, int n, int[] ints,
            float[] floats) {
        IntVector m0 = (IntVector) ByteVector.fromMemorySegment(B128, w, p + 48, LE)
                .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0);
        IntVector m1 = (IntVector) ByteVector.fromMemorySegment(B128, w, p + 64, LE)
                .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0);
        // d and dmin of the four rows, each four times over, from f16 exactly (as Q6_Kx4Bytes)
        IntVector hd = (IntVector) LongVector.broadcast(L512, w.get(LONG, p)).reinterpretAsShorts()
                .convertShape(VectorOperators.S2I, I512, 0);
        IntVector mag = hd.and(0x7fff);
        IntVector bits = mag.lanewise(VectorOperators.LSHL, 13).add(112 << 23);
        FloatVector d = bits.blend(bits.or(0x7f800000), mag.compare(VectorOperators.GE, 0x7c00))
                .blend(((FloatVector) mag.convertShape(VectorOperators.I2F, F, 0)).mul(0x1p-24f).reinterpretAsInts(),
                        mag.compare(VectorOperators.LT, 0x400))
                .or(hd.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
        hd = (IntVector) LongVector.broadcast(L512, w.get(LONG, p + 8)).reinterpretAsShorts()
                .convertShape(VectorOperators.S2I, I512, 0);
        mag = hd.and(0x7fff);
        bits = mag.lanewise(VectorOperators.LSHL, 13).add(112 << 23);
        FloatVector dmin = bits.blend(bits.or(0x7f800000), mag.compare(VectorOperators.GE, 0x7c00))
                .blend(((FloatVector) mag.convertShape(VectorOperators.I2F, F, 0)).mul(0x1p-24f).reinterpretAsInts(),
                        mag.compare(VectorOperators.LT, 0x400))
                .or(hd.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
        for (int i = 0; i < n; i++) {
            float xd = x[i].d()[b];
            int[] xs = x[i].sums();
            ((FloatVector) IntVector.fromArray(I512, ints, 16 * i).convertShape(VectorOperators.I2F, F, 0))
                    .fma(d.mul(xd), FloatVector.fromArray(F, floats, 32 * i)).intoArray(floats, 32 * i);
            IntVector m = m0.mul(IntVector.fromArray(I512, xs, 32 * b))
                    .add(m1.mul(IntVector.fromArray(I512, xs, 32 * b + 16)));
            ((FloatVector) m.convertShape(VectorOperators.I2F, F, 0))
                    .fma(dmin.mul(xd), FloatVector.fromArray(F, floats, 32 * i + 16)).intoArray(floats, 32 * i + 16);
        }
    }

    /**
     * As {@link #q4K} for a Q6_K group ({@link Q6_Kx4}): per half of a super-block and pair of 32-byte runs, the
     * six-bit quants of its four quarters unpacked once (eight vectors) and multiplied by each input.
     */
    static void q6K(MemorySegment w, Q4_Kx4.Activations[] x, int cols, float[] out, int r, int rows, int[] ints,
            float[] floats) {
        int n = x.length;
        if (n == 1) {
            Q6_Kx4Bytes.dot4(w, x[0], cols, out, r);
            return;
        }
        java.util.Arrays.fill(floats, 0, 32 * n, 0f);
        for (int b = 0; b < cols / 256; b++) {
            long p = Q6_Kx4.header(b, cols / 256);
            // d of the four rows, each four times over, from f16 exactly (as Q6_Kx4Bytes)
            IntVector hd = (IntVector) LongVector.broadcast(L512, w.get(LONG, p)).reinterpretAsShorts()
                    .convertShape(VectorOperators.S2I, I512, 0);
            IntVector mag = hd.and(0x7fff);
            IntVector bits = mag.lanewise(VectorOperators.LSHL, 13).add(112 << 23);
            FloatVector d = bits.blend(bits.or(0x7f800000), mag.compare(VectorOperators.GE, 0x7c00))
                    .blend(((FloatVector) mag.convertShape(VectorOperators.I2F, F, 0)).mul(0x1p-24f).reinterpretAsInts(),
                            mag.compare(VectorOperators.LT, 0x400))
                    .or(hd.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
            for (int half = 0; half < 2; half++) {
                java.util.Arrays.fill(ints, 0, 16 * n, 0);
                for (int h = 0; h < 2; h++) {
                    long q = Q6_Kx4.quants(b) + 384L * half + 64L * h;
                    long sc = p + 8 + 32L * half + 4L * h;
                    int xs = 1024 * b + 512 * half + 64 * h;
                    ShortVector l0 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                    ShortVector l1 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q + 32, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                    ShortVector c0 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q + 128, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                    ShortVector c1 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q + 160, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                    ShortVector h0 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q + 256, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                    ShortVector h1 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q + 288, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                    // quarters 0-3: l & 15 | (h & 3) << 4, c & 15 | (h & 12) << 2, l >> 4 | h & 48,
                    // c >> 4 | (h >> 2) & 48, each minus 32
                    ShortVector e0 = l0.and((short) 15).or(h0.and((short) 3).lanewise(VectorOperators.LSHL, 4))
                            .sub((short) 32);
                    ShortVector e1 = l1.and((short) 15).or(h1.and((short) 3).lanewise(VectorOperators.LSHL, 4))
                            .sub((short) 32);
                    ShortVector f0 = c0.and((short) 15).or(h0.and((short) 12).lanewise(VectorOperators.LSHL, 2))
                            .sub((short) 32);
                    ShortVector f1 = c1.and((short) 15).or(h1.and((short) 12).lanewise(VectorOperators.LSHL, 2))
                            .sub((short) 32);
                    ShortVector g0 = l0.lanewise(VectorOperators.LSHR, 4).or(h0.and((short) 48)).sub((short) 32);
                    ShortVector g1 = l1.lanewise(VectorOperators.LSHR, 4).or(h1.and((short) 48)).sub((short) 32);
                    ShortVector k0 = c0.lanewise(VectorOperators.LSHR, 4)
                            .or(h0.lanewise(VectorOperators.LSHR, 2).and((short) 48)).sub((short) 32);
                    ShortVector k1 = c1.lanewise(VectorOperators.LSHR, 4)
                            .or(h1.lanewise(VectorOperators.LSHR, 2).and((short) 48)).sub((short) 32);
                    IntVector se = (IntVector) IntVector.broadcast(I128, w.get(INT, sc)).reinterpretAsBytes()
                            .convertShape(VectorOperators.B2I, I512, 0);
                    IntVector sf = (IntVector) IntVector.broadcast(I128, w.get(INT, sc + 8)).reinterpretAsBytes()
                            .convertShape(VectorOperators.B2I, I512, 0);
                    IntVector sg = (IntVector) IntVector.broadcast(I128, w.get(INT, sc + 16)).reinterpretAsBytes()
                            .convertShape(VectorOperators.B2I, I512, 0);
                    IntVector sk = (IntVector) IntVector.broadcast(I128, w.get(INT, sc + 24)).reinterpretAsBytes()
                            .convertShape(VectorOperators.B2I, I512, 0);
                    for (int i = 0; i < n; i++) {
                        short[] xq = x[i].q();
                        ShortVector te = e0.mul(ShortVector.fromArray(S512, xq, xs))
                                .add(e1.mul(ShortVector.fromArray(S512, xq, xs + 32)));
                        ShortVector tf = f0.mul(ShortVector.fromArray(S512, xq, xs + 128))
                                .add(f1.mul(ShortVector.fromArray(S512, xq, xs + 160)));
                        ShortVector tg = g0.mul(ShortVector.fromArray(S512, xq, xs + 256))
                                .add(g1.mul(ShortVector.fromArray(S512, xq, xs + 288)));
                        ShortVector tk = k0.mul(ShortVector.fromArray(S512, xq, xs + 384))
                                .add(k1.mul(ShortVector.fromArray(S512, xq, xs + 416)));
                        ((IntVector) te.convertShape(VectorOperators.S2I, I512, 0))
                                .add((IntVector) te.convertShape(VectorOperators.S2I, I512, 1)).mul(se)
                                .add(((IntVector) tf.convertShape(VectorOperators.S2I, I512, 0))
                                        .add((IntVector) tf.convertShape(VectorOperators.S2I, I512, 1)).mul(sf))
                                .add(((IntVector) tg.convertShape(VectorOperators.S2I, I512, 0))
                                        .add((IntVector) tg.convertShape(VectorOperators.S2I, I512, 1)).mul(sg))
                                .add(((IntVector) tk.convertShape(VectorOperators.S2I, I512, 0))
                                        .add((IntVector) tk.convertShape(VectorOperators.S2I, I512, 1)).mul(sk))
                                .add(IntVector.fromArray(I512, ints, 16 * i)).intoArray(ints, 16 * i);
                    }
                }
                for (int i = 0; i < n; i++) {
                    ((FloatVector) IntVector.fromArray(I512, ints, 16 * i).convertShape(VectorOperators.I2F, F, 0))
                            .fma(d.mul(x[i].d()[b]), FloatVector.fromArray(F, floats, 32 * i))
                            .intoArray(floats, 32 * i);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            FloatVector s = FloatVector.fromArray(F, floats, 32 * i);
            s = s.add(s.rearrange(KQuantInt8.PLUS_8));
            s = s.add(s.rearrange(KQuantInt8.PLUS_4));
            int o = i * rows + r;
            out[o] = s.lane(0);
            out[o + 1] = s.lane(1);
            out[o + 2] = s.lane(2);
            out[o + 3] = s.lane(3);
        }
    }
}
