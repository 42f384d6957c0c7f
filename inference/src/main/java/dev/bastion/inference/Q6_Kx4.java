package dev.bastion.inference;

import static dev.bastion.inference.ScalarKernels.f16;

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
 * Q6_K rows interleaved in groups of four, rebuilt once at load time, and the int8 matvec kernel that reads them:
 * the scheme of {@link Q4_Kx4} (lane {@code 4 i + r} holds row r, one activation load feeds four rows) for Q6_K's
 * six-bit quants and sixteen signed scales. The scalar twin is {@link #dotScalar}.
 *
 * <p>A group of four rows of {@code nb = cols / 256} super-blocks takes {@code 840 * nb} bytes, exactly the four
 * rows' bytes in ggml's layout, one super-block after another, each its header and then its quants, so a kernel
 * reads a group as one forward stream. Super-block {@code b} of a group, from {@link #header header(b, nb)} =
 * 840 b:
 * <pre>
 *   [0, 8)     d of rows 0-3 (f16)
 *   [8, 72)    scales (signed): byte 4 s + r is row r's scale of sub-block s (0-15)
 *   [72, 840)  quants, from {@link #quants quants(b)} = 840 b + 72: per half n (0, 1), 384 bytes at 384 n: the
 *              chunks c (0-3) of ql[64 n ..], then of ql[64 n + 32 ..], then of qh[32 n ..], 32 bytes each, whose
 *              byte 4 i + r is row r's byte 8 c + i of that run
 * </pre>
 * Rounds fifteen and sixteen put every super-block's quants first and all the headers after them (so each 64-byte
 * quant load started on a cache line, 1.02-1.15x per row in cache on the Intel Xeon). On the AMD EPYC (Zen 5) that
 * layout made the kernel read two streams per group, the quants and a header region 6-24 KB ahead of them, and
 * ran 2.0-2.4x slower per row from memory than this one, whose loads straddle lines (docs/inference-kernels.md,
 * round seventeen).
 * Only matrices whose rows are a whole number of groups are interleaved.
 *
 * <p>This class is stateless and thread-safe.
 */
final class Q6_Kx4 {

    /** Rows per group. */
    static final int ROWS = 4;
    /** Bytes of one super-block of a group. */
    static final int BLOCK = 840;
    /** Bytes of one super-block's header: d and the scales. */
    private static final int HEADER = 72;

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

    private Q6_Kx4() {
    }

    /** Bytes of one group of four rows of {@code cols} elements (a multiple of 256). */
    static long groupBytes(int cols) {
        return (long) BLOCK * (cols / 256);
    }

    /** Offset in a group of super-block {@code b}'s quants: right after its header. */
    static long quants(int b) {
        return (long) BLOCK * b + HEADER;
    }

    /**
     * Offset in a group of {@code nb} super-blocks of super-block {@code b}'s header (d, then the scales). The
     * header sits at the start of its super-block, so {@code nb} is not needed; it stays a parameter so that a
     * layout with the headers apart (rounds fifteen and sixteen) needs no change in the callers.
     */
    static long header(int b, int nb) {
        return (long) BLOCK * b;
    }

    /** Whether a Q6_K matrix of this many rows can be interleaved: a whole number of groups. */
    static boolean fits(int rows) {
        return rows >= ROWS && rows % ROWS == 0;
    }

    /**
     * Copies the Q6_K matrix {@code src} ({@code rows x cols}, ggml's layout) into {@code dst} (of the same size)
     * in groups of four.
     *
     * @throws IllegalArgumentException if the rows are not a whole number of groups or the sizes do not match
     */
    static void repack(MemorySegment src, MemorySegment dst, int rows, int cols) {
        if (!fits(rows) || cols % 256 != 0) {
            throw new IllegalArgumentException("cannot interleave a " + rows + " x " + cols + " Q6_K matrix by 4");
        }
        if (dst.byteSize() != src.byteSize() || src.byteSize() != 210L * (cols / 256) * rows) {
            throw new IllegalArgumentException("cannot repack " + src.byteSize() + " bytes into " + dst.byteSize());
        }
        long gb = groupBytes(cols);
        long rb = 210L * (cols / 256);
        Parallel.forRange(rows / ROWS, (start, end) -> {
            byte[] in = new byte[(int) (ROWS * rb)];
            byte[] out = new byte[(int) gb];
            MemorySegment inSegment = MemorySegment.ofArray(in);
            MemorySegment outSegment = MemorySegment.ofArray(out);
            for (int g = start; g < end; g++) {
                MemorySegment.copy(src, ROWS * rb * g, inSegment, 0, in.length);
                repackGroup(in, (int) rb, out, cols / 256);
                MemorySegment.copy(outSegment, 0, dst, gb * g, gb);
            }
        });
    }

    /** As Q4_Kx4's: in a byte array, copied in and out whole. */
    private static void repackGroup(byte[] in, int rowBytes, byte[] out, int nb) {
        for (int b = 0; b < nb; b++) {
            int q = (int) header(b, nb);
            for (int r = 0; r < ROWS; r++) {
                int p = rowBytes * r + 210 * b;
                out[q + 2 * r] = in[p + 208];
                out[q + 2 * r + 1] = in[p + 209];
                for (int s = 0; s < 16; s++) {
                    out[q + 8 + 4 * s + r] = in[p + 192 + s];
                }
                for (int n = 0; n < 2; n++) {
                    int h = (int) quants(b) + 384 * n;
                    for (int e = 0; e < 32; e++) {
                        out[h + 4 * e + r] = in[p + 64 * n + e];
                        out[h + 128 + 4 * e + r] = in[p + 64 * n + 32 + e];
                        out[h + 256 + 4 * e + r] = in[p + 128 + 32 * n + e];
                    }
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
     * The kernel, per half n and 16 positions h of its four quarters: chunks 2 h and 2 h + 1 of ql[64 n ..] (a),
     * ql[64 n + 32 ..] (c) and qh[32 n ..] (h), widened to 32 shorts (lane 4 i + r: row r), give the quants of
     * the four quarters as ggml cuts them (a & 15 | (h & 3) << 4, c & 15 | (h & 12) << 2, a >> 4 | h & 48,
     * c >> 4 | (h >> 2) & 48), minus 32; each times the activations of its positions (stored four times over), the
     * two chunks added in shorts (|lane| <= 2 * 32 * 127), the halves widened to ints and added, times the rows'
     * signed scales of that sub-block of 16 (four bytes repeated), summed in ints over the half (|lane| <= 8 * 128
     * * 4 * 32 * 127 < 2^24: the conversion is exact), then converted and multiplied by d_r * d_x. At the end each
     * row is the sum of its four lanes (lane mod 4): lanes + 8, then + 4, in that fixed order.
     */
    /** Rows {@code r .. r + 3} (the group {@code w}, its own slice) times the activations; to {@code out[r..r+3]}. */
    static void dot4(MemorySegment w, Q4_Kx4.Activations x, int cols, float[] out, int r) {
        short[] xq = x.q();
        float[] xd = x.d();
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < cols / 256; b++) {
            long p = header(b, cols / 256);
            // d of the four rows, each four times over, from f16 exactly (as Q6_Kx4Bytes)
            IntVector hd = (IntVector) LongVector.broadcast(L512, w.get(LONG, p)).reinterpretAsShorts()
                    .convertShape(VectorOperators.S2I, I512, 0);
            IntVector mag = hd.and(0x7fff);
            IntVector bits = mag.lanewise(VectorOperators.LSHL, 13).add(112 << 23);
            FloatVector d = bits.blend(bits.or(0x7f800000), mag.compare(VectorOperators.GE, 0x7c00))
                    .blend(((FloatVector) mag.convertShape(VectorOperators.I2F, F, 0)).mul(0x1p-24f).reinterpretAsInts(),
                            mag.compare(VectorOperators.LT, 0x400))
                    .or(hd.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats().mul(xd[b]);
            for (int n = 0; n < 2; n++) {
                IntVector a = IntVector.zero(I512);
                for (int h = 0; h < 2; h++) {
                    long q = quants(b) + 384L * n + 64L * h;
                    long sc = p + 8 + 32L * n + 4L * h;
                    int xs = 1024 * b + 512 * n + 64 * h;
                    ShortVector a0 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                    ShortVector a1 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q + 32, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                    ShortVector c0 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q + 128, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                    ShortVector c1 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q + 160, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                    ShortVector h0 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q + 256, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                    ShortVector h1 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q + 288, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                    ShortVector t;
                    // quarter 0: a & 15 | (h & 3) << 4
                    t = a0.and((short) 15).or(h0.and((short) 3).lanewise(VectorOperators.LSHL, 4)).sub((short) 32)
                            .mul(ShortVector.fromArray(S512, xq, xs))
                            .add(a1.and((short) 15).or(h1.and((short) 3).lanewise(VectorOperators.LSHL, 4))
                                    .sub((short) 32).mul(ShortVector.fromArray(S512, xq, xs + 32)));
                    a = ((IntVector) t.convertShape(VectorOperators.S2I, I512, 0))
                            .add((IntVector) t.convertShape(VectorOperators.S2I, I512, 1))
                            .mul((IntVector) IntVector.broadcast(I128, w.get(INT, sc)).reinterpretAsBytes()
                                    .convertShape(VectorOperators.B2I, I512, 0)).add(a);
                    // quarter 1: c & 15 | (h & 12) << 2
                    t = c0.and((short) 15).or(h0.and((short) 12).lanewise(VectorOperators.LSHL, 2)).sub((short) 32)
                            .mul(ShortVector.fromArray(S512, xq, xs + 128))
                            .add(c1.and((short) 15).or(h1.and((short) 12).lanewise(VectorOperators.LSHL, 2))
                                    .sub((short) 32).mul(ShortVector.fromArray(S512, xq, xs + 160)));
                    a = ((IntVector) t.convertShape(VectorOperators.S2I, I512, 0))
                            .add((IntVector) t.convertShape(VectorOperators.S2I, I512, 1))
                            .mul((IntVector) IntVector.broadcast(I128, w.get(INT, sc + 8)).reinterpretAsBytes()
                                    .convertShape(VectorOperators.B2I, I512, 0)).add(a);
                    // quarter 2: a >> 4 | h & 48
                    t = a0.lanewise(VectorOperators.LSHR, 4).or(h0.and((short) 48)).sub((short) 32)
                            .mul(ShortVector.fromArray(S512, xq, xs + 256))
                            .add(a1.lanewise(VectorOperators.LSHR, 4).or(h1.and((short) 48)).sub((short) 32)
                                    .mul(ShortVector.fromArray(S512, xq, xs + 288)));
                    a = ((IntVector) t.convertShape(VectorOperators.S2I, I512, 0))
                            .add((IntVector) t.convertShape(VectorOperators.S2I, I512, 1))
                            .mul((IntVector) IntVector.broadcast(I128, w.get(INT, sc + 16)).reinterpretAsBytes()
                                    .convertShape(VectorOperators.B2I, I512, 0)).add(a);
                    // quarter 3: c >> 4 | (h >> 2) & 48
                    t = c0.lanewise(VectorOperators.LSHR, 4)
                            .or(h0.lanewise(VectorOperators.LSHR, 2).and((short) 48)).sub((short) 32)
                            .mul(ShortVector.fromArray(S512, xq, xs + 384))
                            .add(c1.lanewise(VectorOperators.LSHR, 4)
                                    .or(h1.lanewise(VectorOperators.LSHR, 2).and((short) 48)).sub((short) 32)
                                    .mul(ShortVector.fromArray(S512, xq, xs + 416)));
                    a = ((IntVector) t.convertShape(VectorOperators.S2I, I512, 0))
                            .add((IntVector) t.convertShape(VectorOperators.S2I, I512, 1))
                            .mul((IntVector) IntVector.broadcast(I128, w.get(INT, sc + 24)).reinterpretAsBytes()
                                    .convertShape(VectorOperators.B2I, I512, 0)).add(a);
                }
                acc = ((FloatVector) a.convertShape(VectorOperators.I2F, F, 0)).fma(d, acc);
            }
        }
        FloatVector s = acc.add(acc.rearrange(KQuantInt8.PLUS_8));
        s = s.add(s.rearrange(KQuantInt8.PLUS_4));
        out[r] = s.lane(0);
        out[r + 1] = s.lane(1);
        out[r + 2] = s.lane(2);
        out[r + 3] = s.lane(3);
    }

    /**
     * The scalar twin of {@link #dot4} for row {@code k} of the group {@code g}: the sums of
     * {@link KQuantInt8Scalar#dotQ6_K} in the same order, read from the interleaved layout (the same bits).
     */
    static float dotScalar(MemorySegment g, int k, Q8K x, int cols) {
        float sum = 0f;
        for (int b = 0; b < cols / 256; b++) {
            long p = header(b, cols / 256);
            float d = f16(g, p + 2L * k) * x.d()[b];
            for (int sub = 0; sub < 16; sub++) {
                long dot = 0;
                for (int i = 16 * sub; i < 16 * sub + 16; i++) {
                    dot += (long) (quant(g, quants(b), k, i) - 32) * x.q()[256 * b + i];
                }
                int scale = g.get(ValueLayout.JAVA_BYTE, p + 8 + 4L * sub + k);
                sum += d * scale * dot;
            }
        }
        return sum;
    }

    /** Row {@code k}'s six-bit quant {@code i} (0-255, unsigned) of the super-block whose quants are at {@code p}. */
    static int quant(MemorySegment g, long p, int k, int i) {
        int n = i / 128;
        int quarter = (i % 128) / 32;
        int l = i % 32;
        long half = p + 384L * n + 4L * l + k;
        int low = (u8(g, half + (quarter & 1) * 128L) >>> (quarter / 2 * 4)) & 0xF;
        int high = (u8(g, half + 256) >>> (2 * quarter)) & 3;
        return low | high << 4;
    }

    private static int u8(MemorySegment g, long p) {
        return g.get(ValueLayout.JAVA_BYTE, p) & 0xFF;
    }

    /**
     * Row {@code k} of the group {@code g}, dequantised to {@code out[oo .. oo + cols)}: the operations of
     * {@link VectorKernels#dequantizeQ6_K} ({@code (q - 32) * (d * sc)}), so the same floats.
     */
    static void dequantize(MemorySegment g, int k, float[] out, int oo, int cols) {
        VectorShuffle<Byte> pick = Q4_Kx4.rowBytes(k);
        for (int b = 0; b < cols / 256; b++) {
            long p = header(b, cols / 256);
            float d = f16(g, p + 2L * k);
            for (int n = 0; n < 2; n++) {
                for (int h = 0; h < 2; h++) { // positions 16 h .. 16 h + 15 of each quarter of half n
                    long q = quants(b) + 384L * n + 64L * h;
                    long sc = p + 8 + 32L * n + 4L * h + k;
                    int ob = oo + 256 * b + 128 * n + 16 * h;
                    IntVector a = (IntVector) ByteVector.fromMemorySegment(B512, g, q, LE).rearrange(pick)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0);
                    IntVector c = (IntVector) ByteVector.fromMemorySegment(B512, g, q + 128, LE).rearrange(pick)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0);
                    IntVector hb = (IntVector) ByteVector.fromMemorySegment(B512, g, q + 256, LE).rearrange(pick)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0);
                    ((FloatVector) a.and(15).or(hb.and(3).lanewise(VectorOperators.LSHL, 4)).sub(32)
                            .convertShape(VectorOperators.I2F, F, 0))
                            .mul(d * g.get(ValueLayout.JAVA_BYTE, sc)).intoArray(out, ob);
                    ((FloatVector) c.and(15).or(hb.and(12).lanewise(VectorOperators.LSHL, 2)).sub(32)
                            .convertShape(VectorOperators.I2F, F, 0))
                            .mul(d * g.get(ValueLayout.JAVA_BYTE, sc + 8)).intoArray(out, ob + 32);
                    ((FloatVector) a.lanewise(VectorOperators.LSHR, 4).or(hb.and(48)).sub(32)
                            .convertShape(VectorOperators.I2F, F, 0))
                            .mul(d * g.get(ValueLayout.JAVA_BYTE, sc + 16)).intoArray(out, ob + 64);
                    ((FloatVector) c.lanewise(VectorOperators.LSHR, 4).or(hb.lanewise(VectorOperators.LSHR, 2).and(48))
                            .sub(32).convertShape(VectorOperators.I2F, F, 0))
                            .mul(d * g.get(ValueLayout.JAVA_BYTE, sc + 24)).intoArray(out, ob + 96);
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
