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
 * Q4_0 rows interleaved in groups of four, rebuilt once at load time, and the int8-activation matvec kernel that
 * reads them (after llama.cpp's q4_0 x q8_0 product and its CPU "repack" of Q4_0 into groups of rows; the layout
 * here is our own, made for the Vector API). The scalar twin is {@link #dotScalar}.
 *
 * <p>A group of four rows takes exactly the bytes of the four rows it replaces ({@code 4 * 18 * nb} for
 * {@code nb = cols / 32} blocks). Inside a group the blocks come in chunks of {@value #CHUNK} (the last chunk may
 * be shorter, {@code n} blocks); chunk {@code c} starts at {@code 576 c} and holds, in one forward stream:
 * <pre>
 *   [0, 8 n)            the scales: row k's f16 scale of the chunk's block j at 8 j + 2 k
 *   [8 n, 72 n)         the nibbles, 64 bytes per block j at 8 n + 64 j: r0's 16 bytes, r1's, r2's, r3's
 *                       (each byte as in ggml: element i in the low nibble, element i + 16 in the high one)
 * </pre>
 * A full chunk is 576 bytes, nine cache lines: its scales fill the first, each block's nibbles one more.
 *
 * <p>This class is stateless apart from per-thread scratch arrays, and thread-safe.
 */
final class Q4_0x4 {

    /** Rows per group. */
    static final int ROWS = 4;
    /** Blocks per chunk: their 32 scales fill one 64-byte line. */
    static final int CHUNK = 8;

    private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    private static final VectorSpecies<Short> S256 = ShortVector.SPECIES_256;
    private static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** One layout object for every read (withOrder makes a new one per call). */
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    /** Lane i takes lane i / 4: four blocks' activation scales, each four times (lanes 4 j + k, k = 0-3). */
    private static final VectorShuffle<Float> QUARTERS = VectorShuffle.fromOp(F, i -> i / 4);
    /** Lane i takes lane i mod 16 (LOW_TWICE) or 16 + i mod 16 (HIGH_TWICE) of 32 shorts: a block's halves twice. */
    private static final VectorShuffle<Short> LOW_TWICE = VectorShuffle.fromOp(S512, i -> i % 16);
    private static final VectorShuffle<Short> HIGH_TWICE = VectorShuffle.fromOp(S512, i -> 16 + i % 16);
    /**
     * Each thread's buffer for one chunk's scales times the activation scales (32 floats, and room for a 16-float
     * load at the last block's place).
     */
    private static final ThreadLocal<float[]> SCALES = ThreadLocal.withInitial(() -> new float[4 * CHUNK + 16]);
    /** Per thread, one set of activations per row length (a model has two or three); a fifth replaces the first. */
    private static final ThreadLocal<Activations[]> ACTIVATIONS = ThreadLocal.withInitial(() -> new Activations[4]);

    private Q4_0x4() {
    }

    /** Bytes of one group of four rows of {@code cols} elements (a multiple of 32). */
    static long groupBytes(int cols) {
        return 72L * (cols / 32);
    }

    /** Offset inside a group of row {@code k}'s f16 scale of block {@code b} (of {@code nb}). */
    static long scaleOffset(int nb, int b, int k) {
        return 72L * (b - b % CHUNK) + 8L * (b % CHUNK) + 2L * k;
    }

    /** Offset inside a group of row {@code k}'s 16 nibble bytes of block {@code b} (of {@code nb}). */
    static long quantOffset(int nb, int b, int k) {
        int c = b - b % CHUNK;
        return 72L * c + 8L * Math.min(CHUNK, nb - c) + 64L * (b % CHUNK) + 16L * k;
    }

    /**
     * Rewrites the Q4_0 matrix {@code src} ({@code rows x cols}, ggml's layout, {@code rows} a multiple of four)
     * into {@code dst} (as large) in groups of four; the pages of a file mapping that the copy read are released
     * ({@link MemorySegment#unload}) part by part, so that the process does not hold the file and the copy at once.
     */
    static void repack(MemorySegment src, MemorySegment dst, int rows, int cols) {
        if (dst.byteSize() != src.byteSize() || rows % ROWS != 0) {
            throw new IllegalArgumentException("cannot repack " + rows + " rows of " + src.byteSize() + " bytes into "
                    + dst.byteSize() + " in groups of " + ROWS);
        }
        int nb = cols / 32;
        GroupCopy.copy(src, dst, rows / ROWS, Math.toIntExact(groupBytes(cols)),
                (in, out, base) -> interleave(in, out, base, nb));
    }

    /** The group at {@code in[base..]} (ggml's layout, four rows) interleaved into {@code out[base..]}. */
    private static void interleave(byte[] in, byte[] out, int base, int nb) {
        for (int k = 0; k < ROWS; k++) {
            for (int b = 0, s = base + 18 * nb * k; b < nb; b++, s += 18) {
                int sc = base + (int) scaleOffset(nb, b, k);
                out[sc] = in[s];
                out[sc + 1] = in[s + 1];
                System.arraycopy(in, s + 2, out, base + (int) quantOffset(nb, b, k), 16);
            }
        }
    }

    /** One slice per group of four rows of the repacked matrix {@code packed}. */
    static MemorySegment[] groups(MemorySegment packed, int rows, int cols) {
        MemorySegment[] groups = new MemorySegment[rows / ROWS];
        for (int g = 0; g < groups.length; g++) {
            groups[g] = packed.asSlice(groupBytes(cols) * g, groupBytes(cols));
        }
        return groups;
    }

    /**
     * The int8 activations as {@link #dot4} reads them: {@code q} the values as they come, 32 per block; {@code d}
     * each block's scale (and 32 more, zero, for the kernel's whole-vector loads); {@code sums} each block's sum of
     * its 32 values (the -8 of the nibbles).
     */
    record Activations(byte[] q, float[] d, int[] sums) {
        Activations {
            int nb = sums.length;
            if (q.length != 32 * nb || d.length != nb + 32) {
                throw new IllegalArgumentException("activations for " + nb + " blocks need " + 32 * nb + " bytes and "
                        + (nb + 32) + " scales, got " + q.length + " and " + d.length);
            }
        }

        /** Buffers for {@code cols} (a positive multiple of 32) activations, to be filled by {@link #fill}. */
        static Activations allocate(int cols) {
            if (cols <= 0 || cols % 32 != 0) {
                throw new IllegalArgumentException("cannot hold " + cols + " activations in blocks of 32");
            }
            int nb = cols / 32;
            return new Activations(new byte[32 * nb], new float[nb + 32], new int[nb]);
        }

        /** {@code x} (as many values as this holds) in this record's arrays; returns this. */
        Activations fill(Int8Kernels.Q8 x) {
            int nb = sums.length;
            if (x.d().length != nb) {
                throw new IllegalArgumentException(x.d().length + " blocks of activations for " + nb);
            }
            byte[] qx = x.q();
            System.arraycopy(qx, 0, q, 0, 32 * nb);
            System.arraycopy(x.d(), 0, d, 0, nb);
            for (int b = 0; b < nb; b++) { // |sum| <= 32 * 128: a short holds it, and a short lane sum is exact
                sums[b] = ByteVector.fromArray(B256, qx, 32 * b).convertShape(VectorOperators.B2S, S512, 0)
                        .reinterpretAsShorts().reduceLanes(VectorOperators.ADD);
            }
            return this;
        }

        static Activations of(Int8Kernels.Q8 x) {
            return allocate(x.q().length).fill(x);
        }
    }

    /**
     * {@code x} in the calling thread's buffers, valid until its next call with the same length (a matvec fills
     * them, hands them to the pool's workers read-only, and returns when they are done, as
     * {@link ActivationBuffers} does).
     */
    static Activations activations(Int8Kernels.Q8 x) {
        Activations[] buffers = ACTIVATIONS.get();
        int n = x.q().length;
        for (Activations a : buffers) {
            if (a != null && a.q().length == n) {
                return a.fill(x);
            }
        }
        System.arraycopy(buffers, 0, buffers, 1, buffers.length - 1);
        buffers[0] = Activations.allocate(n);
        return buffers[0].fill(x);
    }

    /** Lane i takes lane i / 8 (ROWS_01) or 2 + i / 8 (ROWS_23): a block's row scales 0-1 or 2-3, eight times each. */
    private static final VectorShuffle<Float> ROWS_01 = VectorShuffle.fromOp(F, i -> i / 8);
    private static final VectorShuffle<Float> ROWS_23 = VectorShuffle.fromOp(F, i -> 2 + i / 8);

    /*
     * The kernel, per block of four rows (64 bytes of nibbles, 128 weights). The block's 32 activations are loaded
     * once, widened (vpmovsxbw) and spread into its first 16 twice and its last 16 twice by two permutes in
     * registers (so a row of 8192 reads 8 KB of activations, not the 20 KB that round eighteen's spread layout took
     * from the second-level cache for every group: round twenty). Two 32-byte loads widened to 32 shorts hold rows
     * 0-1 and rows 2-3; the low nibbles (a mask) times the first 16 activations twice over, plus the high nibbles (a
     * shift) times the last 16, give per row 16 shorts of two products each (|q x| <= 15 * 128, so at most 3840).
     *
     * Round twenty-one: the fold without cross-lane permutes. Rounds eighteen to twenty folded the four rows' 64
     * shorts into 32 with two two-vector word permutes (vpermi2w) a block; here each row pair's 32 shorts (p01: row 0 in shorts 0-15, row 1
     * in 16-31) are summed in pairs inside their own int lanes (v + (v << 16), an arithmetic shift by 16: at most
     * 7680 in magnitude), so that int lane m of p01 holds row 0's elements 2m and 2m + 1 (m < 8) or row 1's (m >= 8),
     * and the -8 of the nibbles is the block's activation sum taken off each of a row's eight lanes. Two conversions
     * and two FMAs a block (one per row pair) with the row scales spread eight times each by a one-vector permute
     * (vpermps). Per block 2 single-source float permutes and 2 int-to-float conversions against 2 two-source word
     * permutes, one float permute and one conversion. The lanes hold other partial sums than round twenty's kernel,
     * so the bits differ from it: the scalar twin is dotScalar. The row scales: a chunk's 32 converted from f16
     * once and multiplied by the activation scales, 16 at a time (chunkScales). DecodeKernelCostProbe, one thread,
     * thread CPU (docs/inference-kernels.md, round twenty-one): no slower than round twenty's dot4 on rows of 2048
     * and faster than its dot4Wide on rows of 8192, so one kernel serves every row length.
     */
    /** Rows {@code r .. r + 3} times the activations, the fold in int lanes; the bits of {@link #dotScalar}. */
    static void dot4(MemorySegment w, Activations x, int cols, float[] out, int r) {
        byte[] xq = x.q();
        float[] xd = x.d();
        int[] sums = x.sums();
        int nb = cols / 32;
        float[] sc = SCALES.get();
        FloatVector acc01 = FloatVector.zero(F);
        FloatVector acc23 = FloatVector.zero(F);
        for (int c = 0; c < nb; c += CHUNK) {
            int n = Math.min(CHUNK, nb - c);
            long base = 72L * c;
            chunkScales(w, base, xd, c, sc);
            long q0 = base + 8L * n;
            for (int j = 0; j < n; j++) {
                int b = c + j;
                long p = q0 + 64L * j;
                ShortVector xv = (ShortVector) ByteVector.fromArray(B256, xq, 32 * b)
                        .convertShape(VectorOperators.B2S, S512, 0);
                ShortVector lo = xv.rearrange(LOW_TWICE);
                ShortVector hi = xv.rearrange(HIGH_TWICE);
                ShortVector c01 = (ShortVector) ByteVector.fromMemorySegment(B256, w, p, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                ShortVector c23 = (ShortVector) ByteVector.fromMemorySegment(B256, w, p + 32, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                IntVector v01 = c01.and((short) 15).mul(lo).add(c01.lanewise(VectorOperators.LSHR, 4).mul(hi))
                        .reinterpretAsInts();
                IntVector v23 = c23.and((short) 15).mul(lo).add(c23.lanewise(VectorOperators.LSHR, 4).mul(hi))
                        .reinterpretAsInts();
                int sum = sums[b];
                IntVector s01 = v01.add(v01.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                        .sub(sum);
                IntVector s23 = v23.add(v23.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                        .sub(sum);
                FloatVector d = FloatVector.fromArray(F, sc, 4 * j);
                acc01 = ((FloatVector) s01.convertShape(VectorOperators.I2F, F, 0)).fma(d.rearrange(ROWS_01), acc01);
                acc23 = ((FloatVector) s23.convertShape(VectorOperators.I2F, F, 0)).fma(d.rearrange(ROWS_23), acc23);
            }
        }
        FloatVector s01 = acc01.add(acc01.rearrange(KQuantInt8.PLUS_4));
        s01 = s01.add(s01.rearrange(KQuantInt8.PLUS_2));
        s01 = s01.add(s01.rearrange(KQuantInt8.PLUS_1));
        FloatVector s23 = acc23.add(acc23.rearrange(KQuantInt8.PLUS_4));
        s23 = s23.add(s23.rearrange(KQuantInt8.PLUS_2));
        s23 = s23.add(s23.rearrange(KQuantInt8.PLUS_1));
        out[r] = s01.lane(0);
        out[r + 1] = s01.lane(8);
        out[r + 2] = s23.lane(0);
        out[r + 3] = s23.lane(8);
    }

    /**
     * The chunk at {@code base} of a group: its 32 f16 row scales (lane 4 j + k: row k, block c + j) converted to
     * floats exactly, without a subnormal float operand (as Q4_Kx4Folded does), and multiplied by the activation
     * scales {@code xd[c + j]}, into {@code sc[0..32)}; past a short chunk's scales, lanes read unused nibbles.
     * No vector crosses the call, so nothing is boxed if C2 does not inline it.
     */
    private static void chunkScales(MemorySegment w, long base, float[] xd, int c, float[] sc) {
        for (int h = 0; h < 2; h++) {
            IntVector hv = (IntVector) ShortVector.fromMemorySegment(S256, w, base + 32L * h, LE)
                    .convertShape(VectorOperators.S2I, I512, 0);
            IntVector mag = hv.and(0x7fff);
            IntVector bits = mag.lanewise(VectorOperators.LSHL, 13).add(112 << 23);
            bits.blend(bits.or(0x7f800000), mag.compare(VectorOperators.GE, 0x7c00))
                    .blend(((FloatVector) mag.convertShape(VectorOperators.I2F, F, 0)).mul(0x1p-24f).reinterpretAsInts(),
                            mag.compare(VectorOperators.LT, 0x400))
                    .or(hv.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats()
                    .mul(FloatVector.fromArray(F, xd, c + 4 * h).rearrange(QUARTERS)).intoArray(sc, 16 * h);
        }
    }

    /**
     * The scalar twin of {@link #dot4} for row {@code k} of the group {@code w}: per block eight partial sums
     * as exact integers (elements 2m and 2m + 1 and their partners 16 on, less the block's activation sum; their
     * sum is the block's exact integer dot, the -8 included), each accumulated in its own float with the kernel's
     * rounding steps, added at the end in the kernel's order (lanes m + 4, then m + 2, then m + 1).
     */
    static float dotScalar(MemorySegment w, int k, Int8Kernels.Q8 x, int cols) {
        int nb = cols / 32;
        byte[] q = x.q();
        float[] acc = new float[8];
        for (int b = 0; b < nb; b++) {
            int sum = 0;
            for (int i = 0; i < 32; i++) {
                sum += q[32 * b + i];
            }
            float scale = Float.float16ToFloat(w.get(SHORT_LE, scaleOffset(nb, b, k))) * x.d()[b];
            long p = quantOffset(nb, b, k);
            for (int m = 0; m < 8; m++) {
                int part = -sum;
                for (int i = 2 * m; i < 2 * m + 2; i++) {
                    int v = w.get(ValueLayout.JAVA_BYTE, p + i) & 0xff;
                    part += (v & 15) * q[32 * b + i] + (v >> 4) * q[32 * b + 16 + i];
                }
                acc[m] = Math.fma((float) part, scale, acc[m]);
            }
        }
        float[] t = new float[4];
        for (int m = 0; m < 4; m++) {
            t[m] = acc[m] + acc[m + 4];
        }
        return (t[0] + t[2]) + (t[1] + t[3]);
    }

    /** Row {@code k} of the group {@code w}, dequantised to {@code out[oo .. oo + cols)}: ggml's floats. */
    static void dequantize(MemorySegment w, int k, float[] out, int oo, int cols) {
        int nb = cols / 32;
        for (int b = 0; b < nb; b++) {
            float d = Float.float16ToFloat(w.get(SHORT_LE, scaleOffset(nb, b, k)));
            long p = quantOffset(nb, b, k);
            IntVector q = (IntVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, w, p, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0);
            ((FloatVector) q.and(15).sub(8).convertShape(VectorOperators.I2F, F, 0)).mul(d).intoArray(out, oo + 32 * b);
            ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).sub(8).convertShape(VectorOperators.I2F, F, 0)).mul(d)
                    .intoArray(out, oo + 32 * b + 16);
        }
    }

    /** The float dot of row {@code k} of the group {@code w} with {@code x[xo .. xo + cols)}, as ggml's values. */
    static float dot(MemorySegment w, int k, float[] x, int xo, int cols) {
        int nb = cols / 32;
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < nb; b++) {
            float d = Float.float16ToFloat(w.get(SHORT_LE, scaleOffset(nb, b, k)));
            long p = quantOffset(nb, b, k);
            IntVector q = (IntVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, w, p, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0);
            FloatVector s = ((FloatVector) q.and(15).sub(8).convertShape(VectorOperators.I2F, F, 0))
                    .mul(FloatVector.fromArray(F, x, xo + 32 * b));
            s = ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).sub(8).convertShape(VectorOperators.I2F, F, 0))
                    .fma(FloatVector.fromArray(F, x, xo + 32 * b + 16), s);
            acc = s.fma(FloatVector.broadcast(F, d), acc);
        }
        return KQuantInt8.sum16(acc);
    }
}
