package dev.bastion.inference;

import static dev.bastion.inference.ScalarKernels.f16;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q8_0 rows interleaved in groups of four, rebuilt once at load time, and the int8 matvec kernel that reads them
 * (after llama.cpp's CPU "repack" of Q8_0 into 4-row groups; the layout here is our own, made for the Vector API).
 * The scalar twin is {@link #dotScalar}.
 *
 * <p>A group of four rows takes exactly the bytes of the four rows it replaces ({@code 4 * 34 * nb} for
 * {@code nb = cols / 32} blocks), so the repacked matrix has the size of the original; rows past the last whole
 * group keep ggml's layout, at their usual offsets. Inside a group (offsets from its start):
 * <pre>
 *   [0, 8 nb)          the scales, block after block: row k's f16 scale of block b at 8 b + 2 k
 *   [8 nb, 136 nb)     the int8 quants, 128 bytes per block b at 8 nb + 128 b:
 *                      r0[0..16) r1[0..16) r0[16..32) r1[16..32) r2[0..16) r3[0..16) r2[16..32) r3[16..32)
 * </pre>
 *
 * <p>This class is stateless apart from per-thread scratch arrays, and thread-safe.
 */
final class Q8_0x4 {

    /** Rows per group. */
    static final int ROWS = 4;

    private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    private static final VectorSpecies<Short> S256 = ShortVector.SPECIES_256;
    private static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    /** Lanes 8-15 of a float vector. */
    private static final VectorMask<Float> HIGH_HALF = VectorMask.fromLong(F, 0xff00L);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /**
     * Each thread's buffer for a group's scales ({@link #dot4}), made at first use large enough for rows of up to
     * {@value #SCALES_COLS} columns (8 KB). Grown from nothing, it grew at the first product wider than the kernel
     * warm-up's, which was the output head at the end of a cold prompt: the grow branch had never run in C2's
     * profile, so the compiled dot4 trapped there and was thrown away, and the 128k-row head ran in slower code
     * before the first token (docs/benchmarks.md, cold start, round twelve). Wider rows still grow it.
     */
    static final int SCALES_COLS = 16384;
    private static final ThreadLocal<float[]> SCALES =
            ThreadLocal.withInitial(() -> new float[4 * (SCALES_COLS / 32) + 15]);
    /** Per thread, one buffer per row length (a model has two or three); a fifth length replaces the first. */
    private static final ThreadLocal<short[][]> ACTIVATIONS = ThreadLocal.withInitial(() -> new short[4][0]);

    private Q8_0x4() {
    }

    /** Bytes of one group of four rows of {@code cols} elements (a multiple of 32). */
    static long groupBytes(int cols) {
        return 136L * (cols / 32);
    }

    /**
     * A copy of the Q8_0 matrix {@code src} ({@code rows x cols}, ggml's layout) with its whole groups of four rows
     * interleaved, in memory of an automatic arena (freed when unreachable), of the same size.
     */
    static MemorySegment repack(MemorySegment src, int rows, int cols) {
        MemorySegment dst = Arena.ofAuto().allocate(src.byteSize(), 64);
        repack(src, dst, rows, cols);
        return dst;
    }

    /** As {@link #repack(MemorySegment, int, int)}, into {@code dst} (as large as {@code src}). */
    static void repack(MemorySegment src, MemorySegment dst, int rows, int cols) {
        if (dst.byteSize() != src.byteSize()) {
            throw new IllegalArgumentException("cannot repack " + src.byteSize() + " bytes into " + dst.byteSize());
        }
        int nb = cols / 32;
        GroupCopy.copy(src, dst, rows / ROWS, Math.toIntExact(groupBytes(cols)),
                (in, out, base) -> interleave(in, out, base, nb));
    }

    /** The group at {@code in[base..]} (ggml's layout, four rows) interleaved into {@code out[base..]}. */
    private static void interleave(byte[] in, byte[] out, int base, int nb) {
        int rowBytes = 34 * nb;
        for (int k = 0; k < ROWS; k++) {
            int lo = base + 8 * nb + 64 * (k >> 1) + 16 * (k & 1);
            for (int b = 0, s = base + rowBytes * k, sc = base + 2 * k; b < nb; b++, s += 34, sc += 8, lo += 128) {
                out[sc] = in[s];
                out[sc + 1] = in[s + 1];
                System.arraycopy(in, s + 2, out, lo, 16);
                System.arraycopy(in, s + 18, out, lo + 32, 16);
            }
        }
    }

    /** One slice per whole group of four rows of the repacked matrix {@code packed}. */
    static MemorySegment[] groups(MemorySegment packed, int rows, int cols) {
        MemorySegment[] groups = new MemorySegment[rows / ROWS];
        for (int g = 0; g < groups.length; g++) {
            groups[g] = packed.asSlice(groupBytes(cols) * g, groupBytes(cols));
        }
        return groups;
    }

    /** Offset inside a group of quant {@code i} (0 to 31) of row {@code k}'s block {@code b}. */
    static long quantOffset(int nb, int b, int k, int i) {
        return 8L * nb + 128L * b + 64L * (k >> 1) + 16L * (k & 1) + (i < 16 ? i : i + 16);
    }

    /**
     * {@link #widen(Int8Kernels.Q8, short[])} into the calling thread's buffer, valid until its next call (a matvec
     * fills it, hands it to the pool's workers read-only, and returns when they are done, as
     * {@link ActivationBuffers} does).
     */
    static short[] widen(Int8Kernels.Q8 x) {
        short[][] buffers = ACTIVATIONS.get();
        int n = 2 * x.q().length;
        for (short[] xs : buffers) {
            if (xs.length == n) {
                return widen(x, xs);
            }
        }
        System.arraycopy(buffers, 0, buffers, 1, buffers.length - 1);
        buffers[0] = new short[n];
        return widen(x, buffers[0]);
    }

    /**
     * The activations of {@code x} as the kernel reads them: per block of 32, 64 shorts, its first 16 values
     * twice, then its last 16 twice (so one vector multiplies the same half of two rows).
     */
    static short[] widen(Int8Kernels.Q8 x, short[] xs) {
        byte[] q = x.q();
        if (xs.length != 2 * q.length) {
            throw new IllegalArgumentException(xs.length + " shorts cannot hold " + q.length + " activations twice");
        }
        for (int b = 0; b < q.length / 32; b++) {
            for (int i = 0; i < 16; i++) {
                short lo = q[32 * b + i];
                short hi = q[32 * b + 16 + i];
                xs[64 * b + i] = lo;
                xs[64 * b + 16 + i] = lo;
                xs[64 * b + 32 + i] = hi;
                xs[64 * b + 48 + i] = hi;
            }
        }
        return xs;
    }

    /*
     * The kernel, per block and pair of rows: one 512-bit short vector holds the first halves of both rows' blocks
     * (32 bytes, widened), another their second halves; each is multiplied by the matching activations and the two
     * products added in shorts (|q_w * q_x| <= 128 * 127, so two fit), giving 16 shorts per row. Neighbouring
     * shorts are then added as ints (lanes 0-7: the first row, 8-15: the second), converted once, multiplied by
     * the activation scale and accumulated with each row's weight scale into an accumulator of its own, of which
     * only that row's 8 lanes are summed at the end. The scales of a group are converted from f16 once per call,
     * 16 at a time ({@link #halves}). Against the per-row kernel ({@link Int8Kernels#dotQ8_0}) this saves half
     * of the pair sums, conversions and FMAs and all the scalar scale work per block.
     *
     * The group is taken as a slice: with offsets from a long base, C2 recomputed the segment's bounds-check
     * limits on every access (chains of cmov; about 1.4x slower), with the slice it hoists them.
     */
    /** Rows {@code r .. r + 3} (the group at {@code g}) times the activations; results to {@code out[r..r+3]}. */
    static void dot4(MemorySegment data, long g, short[] xs, float[] xd, int cols, float[] out, int r) {
        dot4(data.asSlice(g, groupBytes(cols)), xs, xd, cols, out, r);
    }

    /**
     * As {@link #dot4(MemorySegment, long, short[], float[], int, float[], int)}, given the group's own slice
     * ({@link #groups}): made once at load, since a slice made per call is allocated (C2 did not scalar-replace
     * it: 44 bytes per group, 5.5 MB a token on a 1B model).
     */
    static void dot4(MemorySegment w, short[] xs, float[] xd, int cols, float[] out, int r) {
        int nb = cols / 32;
        float[] sc = scratch(4 * nb + 15);
        halves(w, 0, 4 * nb, sc);
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        for (int b = 0; b < nb; b++) {
            long p = 8L * nb + 128L * b;
            ShortVector x1 = ShortVector.fromArray(S512, xs, 64 * b);
            ShortVector x2 = ShortVector.fromArray(S512, xs, 64 * b + 32);
            IntVector v01 = ((ShortVector) ByteVector.fromMemorySegment(B256, w, p, LE)
                    .convertShape(VectorOperators.B2S, S512, 0)).mul(x1)
                    .add(((ShortVector) ByteVector.fromMemorySegment(B256, w, p + 32, LE)
                            .convertShape(VectorOperators.B2S, S512, 0)).mul(x2)).reinterpretAsInts();
            IntVector v23 = ((ShortVector) ByteVector.fromMemorySegment(B256, w, p + 64, LE)
                    .convertShape(VectorOperators.B2S, S512, 0)).mul(x1)
                    .add(((ShortVector) ByteVector.fromMemorySegment(B256, w, p + 96, LE)
                            .convertShape(VectorOperators.B2S, S512, 0)).mul(x2)).reinterpretAsInts();
            FloatVector xb = FloatVector.broadcast(F, xd[b]);
            // each short is already the sum of two products (up to 2 * 128 * 127), so the pair is added in ints
            FloatVector t01 = ((FloatVector) v01.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v01.lanewise(VectorOperators.ASHR, 16)).convertShape(VectorOperators.I2F, F, 0)).mul(xb);
            FloatVector t23 = ((FloatVector) v23.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v23.lanewise(VectorOperators.ASHR, 16)).convertShape(VectorOperators.I2F, F, 0)).mul(xb);
            a0 = t01.fma(FloatVector.broadcast(F, sc[4 * b]), a0);
            a1 = t01.fma(FloatVector.broadcast(F, sc[4 * b + 1]), a1);
            a2 = t23.fma(FloatVector.broadcast(F, sc[4 * b + 2]), a2);
            a3 = t23.fma(FloatVector.broadcast(F, sc[4 * b + 3]), a3);
        }
        // fixed-order lane sums, not reduceLanes: its order differs between interpreted and compiled code, and
        // matvec and matvecEach must give the same bits whichever of them C2 has compiled (KQuantInt8.sum16).
        // Written out here rather than through helper methods (round thirteen's sumLow8/sumHigh8, kept in the
        // tests' Q8_0x4Round13): C2 did not inline those calls into this method, so each passed a boxed vector
        // (about 50 MB allocated per token on the Q8_0 file, round fourteen). Row 0's sum is in lanes 0-7 of a0
        // and row 1's in lanes 8-15 of a1, so one vector holds both and the same three steps sum each half: lane
        // i + 4, then + 2, then + 1, within its half, as sumLow8 did for lanes 0-7 and sumHigh8 for lanes 8-15
        // moved down: the same additions in the same order.
        FloatVector s01 = a0.blend(a1, HIGH_HALF);
        s01 = s01.add(s01.rearrange(KQuantInt8.PLUS_4));
        s01 = s01.add(s01.rearrange(KQuantInt8.PLUS_2));
        s01 = s01.add(s01.rearrange(KQuantInt8.PLUS_1));
        FloatVector s23 = a2.blend(a3, HIGH_HALF);
        s23 = s23.add(s23.rearrange(KQuantInt8.PLUS_4));
        s23 = s23.add(s23.rearrange(KQuantInt8.PLUS_2));
        s23 = s23.add(s23.rearrange(KQuantInt8.PLUS_1));
        out[r] = s01.lane(0);
        out[r + 1] = s01.lane(8);
        out[r + 2] = s23.lane(0);
        out[r + 3] = s23.lane(8);
    }

    /*
     * Round twenty: the kernel above reading the activations as they come (Int8Kernels.Q8: one byte each, 32 per
     * block), each block's 32 widened once and spread into the two vectors the rows' halves take (its first 16
     * twice, its last 16 twice) by two permutes in registers, as Q4_Kx4Folded does for the K-quants (round
     * seventeen). Read already widened and spread (widen: four bytes per activation), the activations of a row of
     * 8192 columns are 32 KB, and with a group's 35 KB of quants streaming through the 48 KB first-level cache
     * they were read again from the second level for every group: the 2048 x 8192 ffn_down took 1.6 times the CPU
     * per weight of the 8192 x 2048 ffn_gate (ForwardProfile, one thread); as they come they are 8 KB. And the
     * four accumulators, each of which kept only 8 of its 16 lanes, are two: acc01 holds a0's lanes 0-7 (row 0)
     * and a1's lanes 8-15 (row 1), multiplied by one vector holding row 0's scale in lanes 0-7 and row 1's in
     * 8-15 (one load and a permute of the group's converted scales, against four broadcasts and four FMAs): every
     * lane sees the same FMAs in the same order as in the kernel above, so the results are the same bits
     * (Q8_0x4Test), and matvecEach, which keeps the kernel above (Q8_0x4Each), gives the same bits too.
     */
    /** Lane i takes lane i mod 16 (LOW_TWICE) or 16 + i mod 16 (HIGH_TWICE) of 32 shorts. */
    private static final VectorShuffle<Short> LOW_TWICE = VectorShuffle.fromOp(S512, i -> i % 16);
    private static final VectorShuffle<Short> HIGH_TWICE = VectorShuffle.fromOp(S512, i -> 16 + i % 16);
    /** Lanes 0-7 take lane 0 (ROWS_01) or 2 (ROWS_23), lanes 8-15 lane 1 or 3: a block's scales of a row pair. */
    private static final VectorShuffle<Float> ROWS_01 = VectorShuffle.fromOp(F, i -> i / 8);
    private static final VectorShuffle<Float> ROWS_23 = VectorShuffle.fromOp(F, i -> 2 + i / 8);

    /**
     * As {@link #dot4(MemorySegment, short[], float[], int, float[], int)} with the activations as they come
     * ({@code xq}: 32 int8 values per block, {@code xd}: their scales), the same bits: rows {@code r .. r + 3}
     * (the group {@code w}, its own slice) times the activations; results to {@code out[r..r+3]}.
     */
    static void dot4(MemorySegment w, byte[] xq, float[] xd, int cols, float[] out, int r) {
        int nb = cols / 32;
        float[] sc = scratch(4 * nb + 15);
        halves(w, 0, 4 * nb, sc);
        FloatVector a01 = FloatVector.zero(F);
        FloatVector a23 = FloatVector.zero(F);
        for (int b = 0; b < nb; b++) {
            long p = 8L * nb + 128L * b;
            ShortVector x = (ShortVector) ByteVector.fromArray(B256, xq, 32 * b)
                    .convertShape(VectorOperators.B2S, S512, 0);
            ShortVector x1 = x.rearrange(LOW_TWICE);
            ShortVector x2 = x.rearrange(HIGH_TWICE);
            IntVector v01 = ((ShortVector) ByteVector.fromMemorySegment(B256, w, p, LE)
                    .convertShape(VectorOperators.B2S, S512, 0)).mul(x1)
                    .add(((ShortVector) ByteVector.fromMemorySegment(B256, w, p + 32, LE)
                            .convertShape(VectorOperators.B2S, S512, 0)).mul(x2)).reinterpretAsInts();
            IntVector v23 = ((ShortVector) ByteVector.fromMemorySegment(B256, w, p + 64, LE)
                    .convertShape(VectorOperators.B2S, S512, 0)).mul(x1)
                    .add(((ShortVector) ByteVector.fromMemorySegment(B256, w, p + 96, LE)
                            .convertShape(VectorOperators.B2S, S512, 0)).mul(x2)).reinterpretAsInts();
            FloatVector xb = FloatVector.broadcast(F, xd[b]);
            FloatVector t01 = ((FloatVector) v01.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v01.lanewise(VectorOperators.ASHR, 16)).convertShape(VectorOperators.I2F, F, 0)).mul(xb);
            FloatVector t23 = ((FloatVector) v23.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v23.lanewise(VectorOperators.ASHR, 16)).convertShape(VectorOperators.I2F, F, 0)).mul(xb);
            FloatVector d = FloatVector.fromArray(F, sc, 4 * b);
            a01 = t01.fma(d.rearrange(ROWS_01), a01);
            a23 = t23.fma(d.rearrange(ROWS_23), a23);
        }
        // the lane sums of the kernel above, in the same order (a01 is its s01 before the first step)
        FloatVector s01 = a01.add(a01.rearrange(KQuantInt8.PLUS_4));
        s01 = s01.add(s01.rearrange(KQuantInt8.PLUS_2));
        s01 = s01.add(s01.rearrange(KQuantInt8.PLUS_1));
        FloatVector s23 = a23.add(a23.rearrange(KQuantInt8.PLUS_4));
        s23 = s23.add(s23.rearrange(KQuantInt8.PLUS_2));
        s23 = s23.add(s23.rearrange(KQuantInt8.PLUS_1));
        out[r] = s01.lane(0);
        out[r + 1] = s01.lane(8);
        out[r + 2] = s23.lane(0);
        out[r + 3] = s23.lane(8);
    }

    /**
     * The {@code n} f16 values at {@code w[p..]} as floats (rounded up to a multiple of 16: {@code out} and {@code w}
     * must have room for them), exactly as
     * {@link Float#float16ToFloat} gives them: the magnitude's bits moved to a float's place and multiplied by
     * 2^112 (exact for normal and subnormal values), infinities and NaNs given the all-ones exponent, then the sign.
     */
    static void halves(MemorySegment w, long p, int n, float[] out) {
        for (int i = 0; i < n; i += 16) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S256, w, p + 2L * i, LE)
                    .convertShape(VectorOperators.S2I, I512, 0);
            IntVector mag = h.and(0x7fff);
            IntVector bits = mag.lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f)
                    .reinterpretAsInts();
            bits = bits.blend(bits.or(0x7f800000), mag.compare(VectorOperators.GE, 0x7c00))
                    .or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16));
            bits.reinterpretAsFloats().intoArray(out, i);
        }
    }

    private static float[] scratch(int n) {
        float[] s = SCALES.get();
        if (s.length < n) {
            s = new float[n];
            SCALES.set(s);
        }
        return s;
    }

    /** The scalar twin of {@link #dot4} for row {@code k} of the group at {@code g}: integer sums per block. */
    static float dotScalar(MemorySegment w, long g, int k, Int8Kernels.Q8 x, int cols) {
        int nb = cols / 32;
        float sum = 0f;
        for (int b = 0; b < nb; b++) {
            int s = 0;
            for (int i = 0; i < 32; i++) {
                s += w.get(ValueLayout.JAVA_BYTE, g + quantOffset(nb, b, k, i)) * x.q()[32 * b + i];
            }
            sum += s * (f16(w, g + 8L * b + 2L * k) * x.d()[b]);
        }
        return sum;
    }

    /** Row {@code k} of the group at {@code g}, dequantised to {@code out[oo .. oo + cols)}. */
    static void dequantize(MemorySegment w, long g, int k, float[] out, int oo, int cols) {
        int nb = cols / 32;
        for (int b = 0; b < nb; b++) {
            float d = f16(w, g + 8L * b + 2L * k);
            long lo = g + quantOffset(nb, b, k, 0);
            ((FloatVector) ByteVector.fromMemorySegment(B128, w, lo, LE).convertShape(VectorOperators.B2F, F, 0))
                    .mul(d).intoArray(out, oo + 32 * b);
            ((FloatVector) ByteVector.fromMemorySegment(B128, w, lo + 32, LE).convertShape(VectorOperators.B2F, F, 0))
                    .mul(d).intoArray(out, oo + 32 * b + 16);
        }
    }

    /** The float dot of row {@code k} of the group at {@code g} with {@code x[xo .. xo + cols)}. */
    static float dot(MemorySegment w, long g, int k, float[] x, int xo, int cols) {
        int nb = cols / 32;
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < nb; b++) {
            long lo = g + quantOffset(nb, b, k, 0);
            FloatVector s = ((FloatVector) ByteVector.fromMemorySegment(B128, w, lo, LE)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(FloatVector.fromArray(F, x, xo + 32 * b));
            s = ((FloatVector) ByteVector.fromMemorySegment(B128, w, lo + 32, LE)
                    .convertShape(VectorOperators.B2F, F, 0)).fma(FloatVector.fromArray(F, x, xo + 32 * b + 16), s);
            acc = s.fma(FloatVector.broadcast(F, f16(w, g + 8L * b + 2L * k)), acc);
        }
        return KQuantInt8.sum16(acc);
    }
}
