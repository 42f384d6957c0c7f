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
    /** Lane i takes lane i mod 4: a block's four row scales, each in the lanes 4 k + r of its row r. */
    private static final VectorShuffle<Float> D = VectorShuffle.fromOp(F, i -> i % 4);
    /** Lane i takes lane i / 4: four blocks' activation scales, each four times (lanes 4 j + k, k = 0-3). */
    private static final VectorShuffle<Float> QUARTERS = VectorShuffle.fromOp(F, i -> i / 4);
    /** Lane i takes lane i mod 16 (LOW_TWICE) or 16 + i mod 16 (HIGH_TWICE) of 32 shorts: a block's halves twice. */
    private static final VectorShuffle<Short> LOW_TWICE = VectorShuffle.fromOp(S512, i -> i % 16);
    private static final VectorShuffle<Short> HIGH_TWICE = VectorShuffle.fromOp(S512, i -> 16 + i % 16);
    /**
     * Short lane j of the folded products takes, from rows 0-1 (lanes 0-31) and rows 2-3 (lanes 32-63), element
     * {@code 2 (j / 8) + j % 2} (FIRST) or that plus 8 (SECOND) of row {@code (j / 2) % 4}; see {@link #dot4}.
     */
    private static final ShortVector FIRST = ShortVector.fromArray(S512, fold(0), 0);
    private static final ShortVector SECOND = ShortVector.fromArray(S512, fold(8), 0);
    /**
     * Each thread's buffer for one chunk's scales times the activation scales (32 floats, and room for a 16-float
     * load at the last block's place).
     */
    private static final ThreadLocal<float[]> SCALES = ThreadLocal.withInitial(() -> new float[4 * CHUNK + 16]);
    /** Per thread, one set of activations per row length (a model has two or three); a fifth replaces the first. */
    private static final ThreadLocal<Activations[]> ACTIVATIONS = ThreadLocal.withInitial(() -> new Activations[4]);

    private Q4_0x4() {
    }

    private static short[] fold(int plus) {
        short[] idx = new short[32];
        for (int j = 0; j < 32; j++) {
            int row = (j / 2) % 4;
            int element = 2 * (j / 8) + j % 2 + plus;
            idx[j] = (short) (row < 2 ? 16 * row + element : 32 + 16 * (row - 2) + element);
        }
        return idx;
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
     * The int8 activations as the kernels read them. For {@link #dot4}: {@code xb} per block 64 bytes (its first 16
     * values twice, then its last 16 twice), {@code d4} each block's scale four times (and 32 more lanes, zero, for
     * the kernel's whole-vector loads). For {@link #dot4Wide}: {@code q} the values as they come, 32 per block, and
     * {@code d} each block's scale once (and 32 more, zero, for the same loads). For both, {@code sums2}: twice each block's sum.
     */
    record Activations(byte[] xb, float[] d4, byte[] q, float[] d, int[] sums2) {
        Activations {
            int nb = sums2.length;
            if (xb.length != 64 * nb || d4.length != 4 * nb + 32 || q.length != 32 * nb || d.length != nb + 32) {
                throw new IllegalArgumentException("activations for " + nb + " blocks need " + 64 * nb + " and "
                        + 32 * nb + " bytes and " + (4 * nb + 32) + " and " + (nb + 32) + " scales, got "
                        + xb.length + ", " + q.length + ", " + d4.length + " and " + d.length);
            }
        }

        /** Buffers for {@code cols} (a positive multiple of 32) activations, to be filled by {@link #fill}. */
        static Activations allocate(int cols) {
            if (cols <= 0 || cols % 32 != 0) {
                throw new IllegalArgumentException("cannot hold " + cols + " activations in blocks of 32");
            }
            int nb = cols / 32;
            return new Activations(new byte[64 * nb], new float[4 * nb + 32], new byte[32 * nb], new float[nb + 32],
                    new int[nb]);
        }

        /** {@code x} (as many values as this holds) in this record's arrays; returns this. */
        Activations fill(Int8Kernels.Q8 x) {
            int nb = sums2.length;
            if (x.d().length != nb) {
                throw new IllegalArgumentException(x.d().length + " blocks of activations for " + nb);
            }
            byte[] qx = x.q();
            System.arraycopy(qx, 0, q, 0, 32 * nb);
            System.arraycopy(x.d(), 0, d, 0, nb);
            for (int b = 0; b < nb; b++) {
                System.arraycopy(qx, 32 * b, xb, 64 * b, 16);
                System.arraycopy(qx, 32 * b, xb, 64 * b + 16, 16);
                System.arraycopy(qx, 32 * b + 16, xb, 64 * b + 32, 16);
                System.arraycopy(qx, 32 * b + 16, xb, 64 * b + 48, 16);
                int s = 0;
                for (int i = 0; i < 32; i++) {
                    s += qx[32 * b + i];
                }
                sums2[b] = 2 * s;
                float db = x.d()[b];
                d4[4 * b] = db;
                d4[4 * b + 1] = db;
                d4[4 * b + 2] = db;
                d4[4 * b + 3] = db;
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
            if (a != null && a.xb().length == 2 * n) {
                return a.fill(x);
            }
        }
        System.arraycopy(buffers, 0, buffers, 1, buffers.length - 1);
        buffers[0] = Activations.allocate(n);
        return buffers[0].fill(x);
    }

    /*
     * The kernel, per block of four rows (64 bytes of nibbles, 128 weights). Two 32-byte loads widened to 32 shorts
     * hold rows 0-1 and rows 2-3 (lanes 0-15: the first row's 16 bytes, 16-31: the second's); the low nibbles (a
     * mask) times the block's first 16 activations twice over, plus the high nibbles (a shift) times its last 16,
     * give per row 16 shorts of two products each (|q x| <= 15 * 127, so at most 3810). Two two-vector permutes
     * (vpermi2w) fold the four rows' 64 shorts into 32, each the sum of two of the same row (at most 7620), so that
     * short lanes 2 m and 2 m + 1 belong to row m mod 4; neighbouring shorts are added as ints (v + (v << 16), then
     * an arithmetic shift by 16: the sum, at most 15240, fits the high short) and twice the block's activation sum
     * subtracted, which is the -8 of the nibbles (four lanes per row, 8 * sum x in all). Int lane 4 k + r then holds
     * a quarter of row r's exact integer dot with the block; it goes to float once and is accumulated with the
     * row's scale times the activations' scale (the chunk's 32 scales converted from f16 once, exactly and without
     * a subnormal float operand, as Q4_Kx4Folded does, and multiplied by the activation scales: 16 at a time).
     * Lanes 4 k + r of the accumulator are added at the end in a fixed order (+8, then +4).
     *
     * The activations are read as bytes, 2 per activation, widened in the kernel (vpmovsxbw): read as shorts
     * already widened (4 bytes per activation, 32 KB for a row of 8192), the kernel was 0.86-1.08x the float one
     * on 16384 x 8192 against 1.07-1.41x this way, and no faster on rows of 2048 (Q4Rows4Probe, round eighteen).
     *
     * The float kernel (VectorKernels.dotQ4_0) spends per row and block about 12 vector operations on 16 lanes
     * (widening, two conversions, three FMAs, a scale); this one about 20 on four rows.
     */
    /** Rows {@code r .. r + 3} (the group {@code w}, its own slice) times the activations; to {@code out[r..r+3]}. */
    static void dot4(MemorySegment w, Activations x, int cols, float[] out, int r) {
        byte[] xs = x.xb();
        float[] d4 = x.d4();
        int[] sums2 = x.sums2();
        int nb = cols / 32;
        float[] sc = SCALES.get();
        FloatVector acc = FloatVector.zero(F);
        for (int c = 0; c < nb; c += CHUNK) {
            int n = Math.min(CHUNK, nb - c);
            long base = 72L * c;
            // the chunk's 32 row scales (16 then 16; past a short chunk's scales, lanes read unused nibbles)
            for (int h = 0; h < 2; h++) {
                IntVector hv = (IntVector) ShortVector.fromMemorySegment(S256, w, base + 32L * h, LE)
                        .convertShape(VectorOperators.S2I, I512, 0);
                IntVector mag = hv.and(0x7fff);
                IntVector bits = mag.lanewise(VectorOperators.LSHL, 13).add(112 << 23);
                bits.blend(bits.or(0x7f800000), mag.compare(VectorOperators.GE, 0x7c00))
                        .blend(((FloatVector) mag.convertShape(VectorOperators.I2F, F, 0)).mul(0x1p-24f).reinterpretAsInts(),
                                mag.compare(VectorOperators.LT, 0x400))
                        .or(hv.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats()
                        .mul(FloatVector.fromArray(F, d4, 4 * c + 16 * h)).intoArray(sc, 16 * h);
            }
            long q0 = base + 8L * n;
            for (int j = 0; j < n; j++) {
                int b = c + j;
                long p = q0 + 64L * j;
                ShortVector lo = (ShortVector) ByteVector.fromArray(B256, xs, 64 * b)
                        .convertShape(VectorOperators.B2S, S512, 0);
                ShortVector hi = (ShortVector) ByteVector.fromArray(B256, xs, 64 * b + 32)
                        .convertShape(VectorOperators.B2S, S512, 0);
                ShortVector c01 = (ShortVector) ByteVector.fromMemorySegment(B256, w, p, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                ShortVector c23 = (ShortVector) ByteVector.fromMemorySegment(B256, w, p + 32, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                ShortVector p01 = c01.and((short) 15).mul(lo).add(c01.lanewise(VectorOperators.LSHR, 4).mul(hi));
                ShortVector p23 = c23.and((short) 15).mul(lo).add(c23.lanewise(VectorOperators.LSHR, 4).mul(hi));
                IntVector v = FIRST.selectFrom(p01, p23).add(SECOND.selectFrom(p01, p23)).reinterpretAsInts();
                IntVector s = v.add(v.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                        .sub(sums2[b]);
                acc = ((FloatVector) s.convertShape(VectorOperators.I2F, F, 0))
                        .fma(FloatVector.fromArray(F, sc, 4 * j).rearrange(D), acc);
            }
        }
        FloatVector s = acc.add(acc.rearrange(KQuantInt8.PLUS_8));
        s = s.add(s.rearrange(KQuantInt8.PLUS_4));
        out[r] = s.lane(0);
        out[r + 1] = s.lane(1);
        out[r + 2] = s.lane(2);
        out[r + 3] = s.lane(3);
    }

    /*
     * Round twenty: dot4 reading the activations as they come (q and d), one byte each: a block's 32 are widened
     * once (vpmovsxbw) and spread into its first 16 twice and its last 16 twice by two permutes in registers, and
     * the activation scales are read once per block and spread four times over by a permute per 16 lanes, as
     * Q4_Kx4Folded reads Q8K. The same products and the same scale products as dot4, so the same bits
     * (Q4_0x4Test). On rows of 8192 columns dot4's spread activations are 20 KB (9 KB here), and with a group's 18
     * KB of quants streaming through the 48 KB first-level cache they came again from the second level for every
     * group: the 2048 x 8192 ffn_down took 1.46 times the CPU per weight of the 8192 x 2048 ffn_gate (ForwardProfile,
     * one thread). This kernel took 0.78-0.81x dot4's CPU per weight on 16384 x 8192 (as Q4_Kx4Folded's), but
     * 1.06-1.18x on 65536 x 2048, where dot4's activations fit (two permutes per block for one widening fewer):
     * so matvec takes it only for rows wider than WIDE_COLS (DecodeKernelCostProbe, round twenty).
     */
    /** Rows of more columns than this go through {@link #dot4Wide}, others through {@link #dot4}. */
    static final int WIDE_COLS = 4096;

    /** As {@link #dot4}, the same bits, reading {@code q} and {@code d} of the activations: for wide rows. */
    static void dot4Wide(MemorySegment w, Activations x, int cols, float[] out, int r) {
        byte[] xq = x.q();
        float[] xd = x.d();
        int[] sums2 = x.sums2();
        int nb = cols / 32;
        float[] sc = SCALES.get();
        FloatVector acc = FloatVector.zero(F);
        for (int c = 0; c < nb; c += CHUNK) {
            int n = Math.min(CHUNK, nb - c);
            long base = 72L * c;
            // the chunk's 32 row scales (16 then 16; past a short chunk's scales, lanes read unused nibbles)
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
                ShortVector p01 = c01.and((short) 15).mul(lo).add(c01.lanewise(VectorOperators.LSHR, 4).mul(hi));
                ShortVector p23 = c23.and((short) 15).mul(lo).add(c23.lanewise(VectorOperators.LSHR, 4).mul(hi));
                IntVector v = FIRST.selectFrom(p01, p23).add(SECOND.selectFrom(p01, p23)).reinterpretAsInts();
                IntVector s = v.add(v.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                        .sub(sums2[b]);
                acc = ((FloatVector) s.convertShape(VectorOperators.I2F, F, 0))
                        .fma(FloatVector.fromArray(F, sc, 4 * j).rearrange(D), acc);
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
     * The scalar twin of {@link #dot4} for row {@code k} of the group {@code w}: per block the four quarter sums
     * of the vector kernel's lanes as exact integers (their sum is the block's exact integer dot, the -8 included),
     * each accumulated in its own float with the same rounding steps, added at the end in the kernel's order.
     */
    static float dotScalar(MemorySegment w, int k, Int8Kernels.Q8 x, int cols) {
        int nb = cols / 32;
        byte[] q = x.q();
        float[] acc = new float[4];
        for (int b = 0; b < nb; b++) {
            int sum = 0;
            for (int i = 0; i < 32; i++) {
                sum += q[32 * b + i];
            }
            float scale = Float.float16ToFloat(w.get(SHORT_LE,
                    scaleOffset(nb, b, k))) * x.d()[b];
            long p = quantOffset(nb, b, k);
            for (int quarter = 0; quarter < 4; quarter++) {
                int part = -2 * sum;
                for (int i : new int[] {2 * quarter, 2 * quarter + 1, 8 + 2 * quarter, 9 + 2 * quarter}) {
                    int v = w.get(ValueLayout.JAVA_BYTE, p + i) & 0xff;
                    part += (v & 15) * q[32 * b + i] + (v >> 4) * q[32 * b + 16 + i];
                }
                acc[quarter] = Math.fma((float) part, scale, acc[quarter]);
            }
        }
        return (acc[0] + acc[2]) + (acc[1] + acc[3]);
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
