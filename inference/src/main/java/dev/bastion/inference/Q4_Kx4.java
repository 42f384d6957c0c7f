package dev.bastion.inference;

import static dev.bastion.inference.ScalarKernels.f16;
import static dev.bastion.inference.ScalarKernels.minK4;
import static dev.bastion.inference.ScalarKernels.scaleK4;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q4_K rows interleaved in groups of four, rebuilt once at load time, and the int8 matvec kernel that reads them
 * (after llama.cpp's CPU "repack" of Q4_K into 8-row groups, which puts one row in each lane; the layout here is
 * our own, made for the Vector API's 16-bit multiplies). The scalar twin is {@link #dotScalar}.
 *
 * <p>A group of four rows of {@code nb = cols / 256} super-blocks takes {@code 592 * nb} bytes, 16 more per
 * super-block than the four rows in ggml's layout ({@code 4 * 144}; +2.8%): the six-bit scales and minimums are
 * stored one per byte, ready for the vector lanes. Super-block {@code b} of a group, from {@code 592 b}:
 * <pre>
 *   [0, 8)      d of rows 0-3 (f16)
 *   [8, 16)     dmin of rows 0-3 (f16)
 *   [16, 48)    scales: byte 4 s + r is row r's scale of sub-block s
 *   [48, 80)    mins:   byte 4 s + r is row r's min of sub-block s
 *   [80, 592)   quants: for each sub-block pair j (0-3) and chunk c (0-3) of 8 positions, 32 bytes at
 *               80 + 128 j + 32 c whose byte 4 i + r is row r's byte 32 j + 8 c + i of qs (low nibble: sub-block
 *               2 j, high nibble: 2 j + 1; position 8 c + i)
 * </pre>
 * Only matrices whose rows are a whole number of groups are interleaved.
 *
 * <p>This class is stateless apart from per-thread scratch arrays, and thread-safe.
 */
final class Q4_Kx4 {

    /** Rows per group. */
    static final int ROWS = 4;
    /** Bytes of one super-block of a group. */
    static final int BLOCK = 592;
    private static final int QUANTS = 80;

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
    /** Per row k, the shuffle that gathers bytes 4 t + k (t = 0-15) of 64 into lanes 0-15. */
    private static final List<VectorShuffle<Byte>> ROW_BYTES = rowShuffles();
    private static final ThreadLocal<Activations[]> BUFFERS = ThreadLocal.withInitial(() -> new Activations[4]);
    private static final ThreadLocal<float[]> ROW = ThreadLocal.withInitial(() -> new float[0]);

    private Q4_Kx4() {
    }

    /**
     * The int8 activations as the kernel reads them: each value of a {@link Q8K} four times in a row (one copy per
     * row of a group), the sums of 32 likewise, and the block scales as they are.
     *
     * @param q {@code q[4 k + r]} is activation {@code k}, for r = 0-3
     * @param sums {@code sums[4 m + r]} is the sum of the activations of sub-block {@code m}
     * @param d one scale per block of 256
     */
    record Activations(short[] q, int[] sums, float[] d) {
        Activations {
            if (q.length != 1024 * d.length || sums.length != 32 * d.length) {
                throw new IllegalArgumentException(q.length + " activations and " + sums.length
                        + " sums do not make " + d.length + " blocks of 256, each four times");
            }
        }

        /** Buffers for {@code n} activations (a multiple of 256). */
        static Activations allocate(int n) {
            return new Activations(new short[4 * n], new int[n / 8], new float[n / 256]);
        }

        /** {@code x} spread into these buffers; returns this record. */
        Activations fill(Q8K x) {
            short[] xq = x.q();
            int[] xs = x.sums();
            if (xq.length * 4 != q.length) {
                throw new IllegalArgumentException(xq.length + " activations do not fit buffers for "
                        + q.length / 4);
            }
            for (int k = 0; k < xq.length; k++) {
                short v = xq[k];
                q[4 * k] = v;
                q[4 * k + 1] = v;
                q[4 * k + 2] = v;
                q[4 * k + 3] = v;
            }
            for (int m = 0; m < xs.length; m++) {
                int v = xs[m];
                sums[4 * m] = v;
                sums[4 * m + 1] = v;
                sums[4 * m + 2] = v;
                sums[4 * m + 3] = v;
            }
            System.arraycopy(x.d(), 0, d, 0, d.length);
            return this;
        }

        /** {@code x} spread into new buffers. */
        static Activations of(Q8K x) {
            return allocate(x.q().length).fill(x);
        }

        /**
         * {@code x} spread into the calling thread's buffers for its length, valid until the thread's next call
         * with that length (a matvec fills them, hands them to the pool's workers read-only and returns when they
         * are done, as {@link ActivationBuffers} does).
         */
        static Activations ofThread(Q8K x) {
            Activations[] buffers = BUFFERS.get();
            int n = x.q().length;
            for (Activations a : buffers) {
                if (a != null && a.d.length * 256 == n) {
                    return a.fill(x);
                }
            }
            System.arraycopy(buffers, 0, buffers, 1, buffers.length - 1);
            buffers[0] = allocate(n);
            return buffers[0].fill(x);
        }
    }

    /** Bytes of one group of four rows of {@code cols} elements (a multiple of 256). */
    static long groupBytes(int cols) {
        return (long) BLOCK * (cols / 256);
    }

    /** Whether a Q4_K matrix of this many rows can be interleaved: a whole number of groups. */
    static boolean fits(int rows) {
        return rows >= ROWS && rows % ROWS == 0;
    }

    /** Bytes of the interleaved matrix. */
    static long packedBytes(int rows, int cols) {
        return groupBytes(cols) * (rows / ROWS);
    }

    /**
     * Copies the Q4_K matrix {@code src} ({@code rows x cols}, ggml's layout) into {@code dst} in groups of four.
     *
     * @throws IllegalArgumentException if the rows are not a whole number of groups or {@code dst} has the wrong size
     */
    static void repack(MemorySegment src, MemorySegment dst, int rows, int cols) {
        if (!fits(rows) || cols % 256 != 0) {
            throw new IllegalArgumentException("cannot interleave a " + rows + " x " + cols + " Q4_K matrix by 4");
        }
        if (dst.byteSize() != packedBytes(rows, cols) || src.byteSize() != 144L * (cols / 256) * rows) {
            throw new IllegalArgumentException("cannot repack " + src.byteSize() + " bytes into " + dst.byteSize());
        }
        long gb = groupBytes(cols);
        long rb = 144L * (cols / 256);
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

    /*
     * A group is copied into a byte array, rearranged there and copied out: plain array indexing, which C1 and C2
     * compile to a few instructions. Byte-by-byte segment reads and writes made loading the 1B Q4_K_M file cost
     * 1.6 s more CPU, and 16-byte vector loads widened and or-ed 2.9 s (the Vector API is slow until C2 compiles
     * it, and a load runs once).
     */
    private static void repackGroup(byte[] in, MemorySegment inSegment, int rowBytes, byte[] out, int nb) {
        for (int b = 0; b < nb; b++) {
            int q = BLOCK * b;
            for (int r = 0; r < ROWS; r++) {
                int p = rowBytes * r + 144 * b;
                out[q + 2 * r] = in[p];
                out[q + 2 * r + 1] = in[p + 1];
                out[q + 8 + 2 * r] = in[p + 2];
                out[q + 9 + 2 * r] = in[p + 3];
                for (int s = 0; s < 8; s++) {
                    out[q + 16 + 4 * s + r] = (byte) scaleK4(inSegment, p + 4, s);
                    out[q + 48 + 4 * s + r] = (byte) minK4(inSegment, p + 4, s);
                }
                for (int e = 0; e < 128; e++) { // e = 32 j + 8 c + i
                    out[q + QUANTS + 4 * e + r] = in[p + 16 + e];
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
     * The kernel. A 32-byte chunk widened to 32 shorts holds 8 positions of all four rows (lane 4 i + r); its low
     * nibbles are sub-block 2 j, its high nibbles 2 j + 1. Each is multiplied by the activations of those positions,
     * stored four times over (lane 4 i + r is activation i), so one activation load feeds four rows. The four
     * chunks of a sub-block are added in shorts (|lane| <= 4 * 15 * 127 = 7620), the two halves of the result
     * widened to ints and added (lane 4 i + r: row r, positions i, i + 4, ... of the sub-block), multiplied by the
     * rows' scales (a vector of four bytes repeated: lane 4 i + r holds row r's scale) and summed over the
     * super-block in ints (|lane| <= 8 * 63 * 8 * 15 * 127 < 2^24, so the conversion is exact). Per super-block,
     * one conversion and one FMA with d_r * d_x (again four values repeated), and for the minimums one more:
     * the bytes m[4 s + r] of sub-blocks s and s + 4 times the activation sums of those sub-blocks (stored four
     * times over) give lanes 4 s + r, converted and multiplied by dmin_r * d_x. Every lane holds one row (lane
     * mod 4), so at the end each row is the sum of its four lanes: lanes + 8, then + 4, in that fixed order.
     *
     * Per super-block and four rows: 16 weight loads, widenings, ands and shifts, 32 activation loads and 512-bit
     * short multiplies, 24 short adds, 16 widenings to ints, 8 int multiplies; against the per-row kernel
     * (KQuantInt8.dotQ4_K) four times 8 loads, widenings, ands and shifts, 16 activation loads and 256-bit
     * multiplies, 8 widenings and 8 int multiplies, plus each row's scalar scale unpacking and minimum sum.
     */
    /** Rows {@code r .. r + 3} (the group {@code w}, its own slice) times the activations; to {@code out[r..r+3]}. */
    static void dot4(MemorySegment w, Activations x, int cols, float[] out, int r) {
        short[] xq = x.q;
        int[] xs = x.sums;
        float[] xd = x.d;
        FloatVector acc = FloatVector.zero(F);
        FloatVector mins = FloatVector.zero(F);
        for (int b = 0; b < cols / 256; b++) {
            long p = (long) BLOCK * b;
            int xb = 1024 * b;
            IntVector a = IntVector.zero(I512);
            // sub-blocks 2 j and 2 j + 1; a loop, not written out: written out, the method was too large for C1
            // (out of virtual registers) and, without C1's profile, never reached C2
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
                ShortVector t = c0.and((short) 15).mul(ShortVector.fromArray(S512, xq, xj))
                        .add(c1.and((short) 15).mul(ShortVector.fromArray(S512, xq, xj + 32)))
                        .add(c2.and((short) 15).mul(ShortVector.fromArray(S512, xq, xj + 64)))
                        .add(c3.and((short) 15).mul(ShortVector.fromArray(S512, xq, xj + 96)));
                a = ((IntVector) t.convertShape(VectorOperators.S2I, I512, 0))
                        .add((IntVector) t.convertShape(VectorOperators.S2I, I512, 1))
                        .mul((IntVector) IntVector.broadcast(I128, w.get(INT, p + 16 + 8L * j)).reinterpretAsBytes()
                                .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0)).add(a);
                t = c0.lanewise(VectorOperators.LSHR, 4).mul(ShortVector.fromArray(S512, xq, xj + 128))
                        .add(c1.lanewise(VectorOperators.LSHR, 4).mul(ShortVector.fromArray(S512, xq, xj + 160)))
                        .add(c2.lanewise(VectorOperators.LSHR, 4).mul(ShortVector.fromArray(S512, xq, xj + 192)))
                        .add(c3.lanewise(VectorOperators.LSHR, 4).mul(ShortVector.fromArray(S512, xq, xj + 224)));
                a = ((IntVector) t.convertShape(VectorOperators.S2I, I512, 0))
                        .add((IntVector) t.convertShape(VectorOperators.S2I, I512, 1))
                        .mul((IntVector) IntVector.broadcast(I128, w.get(INT, p + 20 + 8L * j)).reinterpretAsBytes()
                                .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0)).add(a);
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
     * The scalar twin of {@link #dot4} for row {@code k} of the group {@code g}: the same sums as
     * {@link KQuantInt8Scalar#dotQ4_K} in the same order, read from the interleaved layout, so the two give the
     * same bits.
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

    /** Row {@code k}'s quant {@code l} (0-31) of sub-block {@code s} in the super-block at {@code p}. */
    static int quant(MemorySegment g, long p, int k, int s, int l) {
        int e = 32 * (s / 2) + l; // its byte in the row's qs
        return (u8(g, p + QUANTS + 4L * e + k) >>> (4 * (s & 1))) & 0xF;
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
        VectorShuffle<Byte> pick = ROW_BYTES.get(k);
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
                    int o = oo + 256 * b + 64 * j + 16 * h;
                    ((FloatVector) v.and(15).convertShape(VectorOperators.I2F, F, 0)).fma(d0, m0).intoArray(out, o);
                    ((FloatVector) v.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, F, 0))
                            .fma(d1, m1).intoArray(out, o + 32);
                }
            }
        }
    }

    /** The float dot of row {@code k} of the group {@code g} with {@code x[xo .. xo + cols)}. */
    static float dot(MemorySegment g, int k, float[] x, int xo, int cols) {
        float[] row = ROW.get();
        if (row.length < cols) {
            row = new float[cols];
            ROW.set(row);
        }
        dequantize(g, k, row, 0, cols);
        FloatVector acc = FloatVector.zero(F);
        for (int i = 0; i < cols; i += F.length()) {
            acc = FloatVector.fromArray(F, row, i).fma(FloatVector.fromArray(F, x, xo + i), acc);
        }
        return KQuantInt8.sum16(acc);
    }

    /** The shuffle that gathers row {@code k}'s bytes 4 t + k (t = 0-15) of 64 interleaved bytes into lanes 0-15. */
    static VectorShuffle<Byte> rowBytes(int k) {
        return ROW_BYTES.get(k);
    }

    private static List<VectorShuffle<Byte>> rowShuffles() {
        List<VectorShuffle<Byte>> s = new ArrayList<>();
        for (int k = 0; k < ROWS; k++) {
            int[] from = new int[64];
            for (int t = 0; t < 64; t++) {
                from[t] = (4 * t + k) % 64;
            }
            s.add(VectorShuffle.fromArray(B512, from, 0));
        }
        return List.copyOf(s);
    }
}
