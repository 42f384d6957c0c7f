package dev.bastion.inference;

import static dev.bastion.inference.ScalarKernels.f16;
import static dev.bastion.inference.ScalarKernels.minK4;
import static dev.bastion.inference.ScalarKernels.scaleK4;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q5_K rows interleaved in groups of four, rebuilt once at load time, and the int8 matvec kernel that reads them:
 * {@link Q4_Kx4}'s layout and kernel with each quant's fifth bit from qh. The scalar twin is {@link #dotScalar}.
 *
 * <p>A group of four rows of {@code nb = cols / 256} super-blocks takes {@code 720 * nb} bytes, 16 more per
 * super-block than the four rows in ggml's layout ({@code 4 * 176}; +2.3%). Super-block {@code b} of a group, from
 * {@code 720 b}:
 * <pre>
 *   [0, 80)     d, dmin, scales and mins as in {@link Q4_Kx4}
 *   [80, 208)   qh: for each chunk c (0-3) of 8 positions, 32 bytes at 80 + 32 c whose byte 4 i + r is row r's
 *               qh[8 c + i] (bit s: the fifth bit of position 8 c + i of sub-block s)
 *   [208, 720)  quants: 32 bytes at 208 + 128 j + 32 c whose byte 4 i + r is row r's byte 32 j + 8 c + i of qs
 * </pre>
 * Only matrices whose rows are a whole number of groups are interleaved.
 *
 * <p>This class is stateless and thread-safe.
 */
final class Q5_Kx4 {

    /** Rows per group. */
    static final int ROWS = 4;
    /** Bytes of one super-block of a group. */
    static final int BLOCK = 720;
    private static final int HIGH = 80;
    private static final int QUANTS = 208;

    private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    private static final VectorSpecies<Byte> B512 = ByteVector.SPECIES_512;
    private static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Integer> I128 = IntVector.SPECIES_128;
    private static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;
    private static final VectorSpecies<Long> L512 = LongVector.SPECIES_512;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);

    private Q5_Kx4() {
    }

    /** Bytes of one group of four rows of {@code cols} elements (a multiple of 256). */
    static long groupBytes(int cols) {
        return (long) BLOCK * (cols / 256);
    }

    /** Whether a Q5_K matrix of this many rows can be interleaved: a whole number of groups. */
    static boolean fits(int rows) {
        return rows >= ROWS && rows % ROWS == 0;
    }

    /** Bytes of the interleaved matrix. */
    static long packedBytes(int rows, int cols) {
        return groupBytes(cols) * (rows / ROWS);
    }

    /**
     * Copies the Q5_K matrix {@code src} ({@code rows x cols}, ggml's layout) into {@code dst} in groups of four.
     *
     * @throws IllegalArgumentException if the rows are not a whole number of groups or {@code dst} has the wrong size
     */
    static void repack(MemorySegment src, MemorySegment dst, int rows, int cols) {
        if (!fits(rows) || cols % 256 != 0) {
            throw new IllegalArgumentException("cannot interleave a " + rows + " x " + cols + " Q5_K matrix by 4");
        }
        if (dst.byteSize() != packedBytes(rows, cols) || src.byteSize() != 176L * (cols / 256) * rows) {
            throw new IllegalArgumentException("cannot repack " + src.byteSize() + " bytes into " + dst.byteSize());
        }
        long gb = groupBytes(cols);
        long rb = 176L * (cols / 256);
        Parallel.forRange(rows / ROWS, (start, end) -> {
            byte[] in = new byte[(int) (ROWS * rb)];
            byte[] out = new byte[(int) gb];
            MemorySegment inSegment = MemorySegment.ofArray(in);
            MemorySegment outSegment = MemorySegment.ofArray(out);
            for (int g = start; g < end; g++) {
                MemorySegment.copy(src, ROWS * rb * g, inSegment, 0, in.length);
                repackGroup(in, inSegment, (int) rb, out, cols / 256);
                MemorySegment.copy(outSegment, 0, dst, gb * g, gb);
            }
        });
    }

    /** As Q4_Kx4's: in a byte array, copied in and out whole. */
    private static void repackGroup(byte[] in, MemorySegment inSegment, int rowBytes, byte[] out, int nb) {
        for (int b = 0; b < nb; b++) {
            int q = BLOCK * b;
            for (int r = 0; r < ROWS; r++) {
                int p = rowBytes * r + 176 * b;
                out[q + 2 * r] = in[p];
                out[q + 2 * r + 1] = in[p + 1];
                out[q + 8 + 2 * r] = in[p + 2];
                out[q + 9 + 2 * r] = in[p + 3];
                for (int s = 0; s < 8; s++) {
                    out[q + 16 + 4 * s + r] = (byte) scaleK4(inSegment, p + 4, s);
                    out[q + 48 + 4 * s + r] = (byte) minK4(inSegment, p + 4, s);
                }
                for (int e = 0; e < 32; e++) {
                    out[q + HIGH + 4 * e + r] = in[p + 16 + e];
                }
                for (int e = 0; e < 128; e++) { // e = 32 j + 8 c + i
                    out[q + QUANTS + 4 * e + r] = in[p + 48 + e];
                }
            }
        }
    }

    /** One slice per group of the interleaved matrix {@code packed}. */
    static MemorySegment[] groups(MemorySegment packed, int rows, int cols) {
        MemorySegment[] groups = new MemorySegment[rows / ROWS];
        for (int g = 0; g < groups.length; g++) {
            groups[g] = packed.asSlice(groupBytes(cols) * g, groupBytes(cols));
        }
        return groups;
    }

    /*
     * As Q4_Kx4.dot4, with the fifth bits: the four qh chunks (lane 4 i + r: row r, position 8 c + i) are shifted
     * right by two per sub-block pair, so that bit 0 is the fifth bit of sub-block 2 j and bit 1 of 2 j + 1.
     * |lane| of the four chunks added in shorts <= 4 * 31 * 127 = 15748; of the int sum over a super-block
     * <= 8 * 63 * 8 * 31 * 127 < 2^24, so the conversion is exact.
     */
    /** Rows {@code r .. r + 3} (the group {@code w}, its own slice) times the activations; to {@code out[r..r+3]}. */
    static void dot4(MemorySegment w, Q4_Kx4.Activations x, int cols, float[] out, int r) {
        short[] xq = x.q();
        int[] xs = x.sums();
        float[] xd = x.d();
        FloatVector acc = FloatVector.zero(F);
        FloatVector mins = FloatVector.zero(F);
        for (int b = 0; b < cols / 256; b++) {
            long p = (long) BLOCK * b;
            int xb = 1024 * b;
            IntVector a = IntVector.zero(I512);
            ShortVector h0 = (ShortVector) ByteVector.fromMemorySegment(B256, w, p + HIGH, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
            ShortVector h1 = (ShortVector) ByteVector.fromMemorySegment(B256, w, p + HIGH + 32, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
            ShortVector h2 = (ShortVector) ByteVector.fromMemorySegment(B256, w, p + HIGH + 64, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
            ShortVector h3 = (ShortVector) ByteVector.fromMemorySegment(B256, w, p + HIGH + 96, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
            for (int j = 0; j < 4; j++) {
                long q = p + QUANTS + 128L * j;
                int xj = xb + 256 * j;
                ShortVector c0 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                ShortVector c1 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q + 32, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                ShortVector c2 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q + 64, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                ShortVector c3 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q + 96, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                ShortVector t = c0.and((short) 15).or(h0.and((short) 1).lanewise(VectorOperators.LSHL, 4))
                        .mul(ShortVector.fromArray(S512, xq, xj))
                        .add(c1.and((short) 15).or(h1.and((short) 1).lanewise(VectorOperators.LSHL, 4))
                                .mul(ShortVector.fromArray(S512, xq, xj + 32)))
                        .add(c2.and((short) 15).or(h2.and((short) 1).lanewise(VectorOperators.LSHL, 4))
                                .mul(ShortVector.fromArray(S512, xq, xj + 64)))
                        .add(c3.and((short) 15).or(h3.and((short) 1).lanewise(VectorOperators.LSHL, 4))
                                .mul(ShortVector.fromArray(S512, xq, xj + 96)));
                a = ((IntVector) t.convertShape(VectorOperators.S2I, I512, 0))
                        .add((IntVector) t.convertShape(VectorOperators.S2I, I512, 1))
                        .mul((IntVector) IntVector.broadcast(I128, w.get(INT, p + 16 + 8L * j)).reinterpretAsBytes()
                                .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0)).add(a);
                t = c0.lanewise(VectorOperators.LSHR, 4).or(h0.and((short) 2).lanewise(VectorOperators.LSHL, 3))
                        .mul(ShortVector.fromArray(S512, xq, xj + 128))
                        .add(c1.lanewise(VectorOperators.LSHR, 4).or(h1.and((short) 2).lanewise(VectorOperators.LSHL, 3))
                                .mul(ShortVector.fromArray(S512, xq, xj + 160)))
                        .add(c2.lanewise(VectorOperators.LSHR, 4).or(h2.and((short) 2).lanewise(VectorOperators.LSHL, 3))
                                .mul(ShortVector.fromArray(S512, xq, xj + 192)))
                        .add(c3.lanewise(VectorOperators.LSHR, 4).or(h3.and((short) 2).lanewise(VectorOperators.LSHL, 3))
                                .mul(ShortVector.fromArray(S512, xq, xj + 224)));
                a = ((IntVector) t.convertShape(VectorOperators.S2I, I512, 0))
                        .add((IntVector) t.convertShape(VectorOperators.S2I, I512, 1))
                        .mul((IntVector) IntVector.broadcast(I128, w.get(INT, p + 20 + 8L * j)).reinterpretAsBytes()
                                .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0)).add(a);
                h0 = h0.lanewise(VectorOperators.LSHR, 2);
                h1 = h1.lanewise(VectorOperators.LSHR, 2);
                h2 = h2.lanewise(VectorOperators.LSHR, 2);
                h3 = h3.lanewise(VectorOperators.LSHR, 2);
            }
            // the minimums: lanes 4 s + r of sub-blocks s and s + 4
            IntVector m = ((IntVector) ByteVector.fromMemorySegment(B128, w, p + 48, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0)).mul(IntVector.fromArray(I512, xs, 32 * b))
                    .add(((IntVector) ByteVector.fromMemorySegment(B128, w, p + 64, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0))
                            .mul(IntVector.fromArray(I512, xs, 32 * b + 16)));
            // d and dmin of the four rows, each four times over, from f16 exactly (as Q6_Kx4Bytes)
            IntVector h = (IntVector) LongVector.broadcast(L512, w.get(LONG, p)).reinterpretAsShorts()
                    .convertShape(VectorOperators.S2I, I512, 0);
            IntVector mag = h.and(0x7fff);
            IntVector bits = mag.lanewise(VectorOperators.LSHL, 13).add(112 << 23);
            FloatVector d = bits.blend(bits.or(0x7f800000), mag.compare(VectorOperators.GE, 0x7c00))
                    .blend(((FloatVector) mag.convertShape(VectorOperators.I2F, F, 0)).mul(0x1p-24f).reinterpretAsInts(),
                            mag.compare(VectorOperators.LT, 0x400))
                    .or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats().mul(xd[b]);
            h = (IntVector) LongVector.broadcast(L512, w.get(LONG, p + 8)).reinterpretAsShorts()
                    .convertShape(VectorOperators.S2I, I512, 0);
            mag = h.and(0x7fff);
            bits = mag.lanewise(VectorOperators.LSHL, 13).add(112 << 23);
            FloatVector dmin = bits.blend(bits.or(0x7f800000), mag.compare(VectorOperators.GE, 0x7c00))
                    .blend(((FloatVector) mag.convertShape(VectorOperators.I2F, F, 0)).mul(0x1p-24f).reinterpretAsInts(),
                            mag.compare(VectorOperators.LT, 0x400))
                    .or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats().mul(xd[b]);
            acc = ((FloatVector) a.convertShape(VectorOperators.I2F, F, 0)).fma(d, acc);
            mins = ((FloatVector) m.convertShape(VectorOperators.I2F, F, 0)).fma(dmin, mins);
        }
        FloatVector s = acc.sub(mins);
        s = s.add(s.rearrange(KQuantInt8.PLUS_8));
        s = s.add(s.rearrange(KQuantInt8.PLUS_4));
        out[r] = s.lane(0);
        out[r + 1] = s.lane(1);
        out[r + 2] = s.lane(2);
        out[r + 3] = s.lane(3);
    }

    /**
     * The scalar twin of {@link #dot4} for row {@code k} of the group {@code g}: the sums of
     * {@link KQuantInt8Scalar#dotQ5_K} in the same order, read from the interleaved layout (the same bits).
     */
    static float dotScalar(MemorySegment g, int k, Q8K x, int cols) {
        float sum = 0f;
        for (int b = 0; b < cols / 256; b++) {
            long p = (long) BLOCK * b;
            float d = f16(g, p + 2L * k) * x.d()[b];
            long mins = 0;
            for (int s = 0; s < 8; s++) {
                long dot = 0;
                for (int l = 0; l < 32; l++) {
                    dot += (long) quant(g, p, k, s, l) * x.q()[256 * b + 32 * s + l];
                }
                sum += d * u8(g, p + 16 + 4L * s + k) * dot;
                mins += (long) u8(g, p + 48 + 4L * s + k) * x.sums()[8 * b + s];
            }
            sum -= f16(g, p + 8 + 2L * k) * x.d()[b] * mins;
        }
        return sum;
    }

    /** Row {@code k}'s five-bit quant {@code l} (0-31) of sub-block {@code s} in the super-block at {@code p}. */
    static int quant(MemorySegment g, long p, int k, int s, int l) {
        int e = 32 * (s / 2) + l; // its byte in the row's qs
        int low = (u8(g, p + QUANTS + 4L * e + k) >>> (4 * (s & 1))) & 0xF;
        return low | ((u8(g, p + HIGH + 4L * l + k) >>> s) & 1) << 4;
    }

    private static int u8(MemorySegment g, long p) {
        return g.get(ValueLayout.JAVA_BYTE, p) & 0xFF;
    }

    /**
     * Row {@code k} of the group {@code g}, dequantised to {@code out[oo .. oo + cols)}: the same operations as
     * {@link VectorKernels#dequantize} on the row in ggml's layout ({@code fma(q, d * sc, -dmin * m)}), so the
     * same floats.
     */
    static void dequantize(MemorySegment g, int k, float[] out, int oo, int cols) {
        VectorShuffle<Byte> pick = Q4_Kx4.rowBytes(k);
        for (int b = 0; b < cols / 256; b++) {
            long p = (long) BLOCK * b;
            float d = f16(g, p + 2L * k);
            float dmin = -f16(g, p + 8 + 2L * k);
            for (int j = 0; j < 4; j++) {
                float d0 = d * u8(g, p + 16 + 8L * j + k);
                float d1 = d * u8(g, p + 20 + 8L * j + k);
                float m0 = dmin * u8(g, p + 48 + 8L * j + k);
                float m1 = dmin * u8(g, p + 52 + 8L * j + k);
                for (int h = 0; h < 2; h++) { // positions 16 h .. 16 h + 15 of sub-blocks 2 j and 2 j + 1
                    IntVector v = (IntVector) ByteVector.fromMemorySegment(B512, g, p + QUANTS + 128L * j + 64L * h, LE)
                            .rearrange(pick).convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0);
                    IntVector hb = ((IntVector) ByteVector.fromMemorySegment(B512, g, p + HIGH + 64L * h, LE)
                            .rearrange(pick).convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0))
                            .lanewise(VectorOperators.LSHR, 2 * j);
                    int o = oo + 256 * b + 64 * j + 16 * h;
                    ((FloatVector) v.and(15).or(hb.and(1).lanewise(VectorOperators.LSHL, 4))
                            .convertShape(VectorOperators.I2F, F, 0)).fma(d0, m0).intoArray(out, o);
                    ((FloatVector) v.lanewise(VectorOperators.LSHR, 4).or(hb.and(2).lanewise(VectorOperators.LSHL, 3))
                            .convertShape(VectorOperators.I2F, F, 0)).fma(d1, m1).intoArray(out, o + 32);
                }
            }
        }
    }

    /** The float dot of row {@code k} of the group {@code g} with {@code x[xo .. xo + cols)}. */
    static float dot(MemorySegment g, int k, float[] x, int xo, int cols) {
        float[] row = new float[cols];
        dequantize(g, k, row, 0, cols);
        FloatVector acc = FloatVector.zero(F);
        for (int i = 0; i < cols; i += F.length()) {
            acc = FloatVector.fromArray(F, row, i).fma(FloatVector.fromArray(F, x, xo + i), acc);
        }
        return KQuantInt8.sum16(acc);
    }
}
