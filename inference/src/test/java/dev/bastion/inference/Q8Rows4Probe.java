package dev.bastion.inference;

import static dev.bastion.inference.ScalarKernels.f16;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A harness (not a unit test): the row-by-row Q8_0 kernel ({@link Int8Kernels#dotQ8_0}) timed side by side with
 * the 4-row interleaved variants tried in round nine (docs/inference-kernels.md), each checked against the scalar
 * twin first; one thread, thread CPU time ({@link KernelBench#now}). "Q8_0x4" is the kept kernel ({@link Q8_0x4#dot4}): the groups laid out with their scales first, converted once per group.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dbastion.inference.threads=1 \
 *     -cp inference/target/classes:inference/target/test-classes dev.bastion.inference.Q8Rows4Probe ROWS COLS [ROUNDS]
 * </pre>
 */
public final class Q8Rows4Probe {
    private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    private static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final VectorMask<Float> HI = VectorMask.fromLong(F, 0xFF00L);

    /** Repacks groups of 4 rows: per block, 4 scales, then [r0 lo][r1 lo][r0 hi][r1 hi][r2 lo][r3 lo][r2 hi][r3 hi]. */
    static MemorySegment repack(MemorySegment src, int rows, int cols) {
        long rb = 34L * (cols / 32);
        MemorySegment dst = Arena.ofAuto().allocate(src.byteSize(), 64);
        for (int g = 0; g < rows / 4; g++) {
            long base = 4 * rb * g;
            for (int b = 0; b < cols / 32; b++) {
                long o = base + 136L * b;
                for (int k = 0; k < 4; k++) {
                    long s = base + rb * k + 34L * b;
                    MemorySegment.copy(src, s, dst, o + 2 * k, 2);
                    long lo = o + 8 + 64L * (k / 2) + 16L * (k % 2);
                    MemorySegment.copy(src, s + 2, dst, lo, 16);
                    MemorySegment.copy(src, s + 18, dst, lo + 32, 16);
                }
            }
        }
        return dst;
    }

    static short[] dup(byte[] q) {
        short[] xs = new short[2 * q.length];
        for (int b = 0; b < q.length / 32; b++) {
            for (int i = 0; i < 16; i++) {
                xs[64 * b + i] = q[32 * b + i];
                xs[64 * b + 16 + i] = q[32 * b + i];
                xs[64 * b + 32 + i] = q[32 * b + 16 + i];
                xs[64 * b + 48 + i] = q[32 * b + 16 + i];
            }
        }
        return xs;
    }

    static ShortVector w(MemorySegment w, long p) {
        return (ShortVector) ByteVector.fromMemorySegment(B256, w, p, LE).convertShape(VectorOperators.B2S, S512, 0);
    }

    /** V1: S2F parts, 4 accumulators. */
    static void dot4a(MemorySegment w, long g, short[] xs, float[] xd, int cols, float[] out, int r) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F),
                a3 = FloatVector.zero(F);
        for (int b = 0; b < cols / 32; b++) {
            long p = g + 136L * b;
            ShortVector x1 = ShortVector.fromArray(S512, xs, 64 * b);
            ShortVector x2 = ShortVector.fromArray(S512, xs, 64 * b + 32);
            ShortVector p01 = ((ShortVector) ByteVector.fromMemorySegment(B256, w, p + 8, LE)
                    .convertShape(VectorOperators.B2S, S512, 0)).mul(x1)
                    .add(((ShortVector) ByteVector.fromMemorySegment(B256, w, p + 40, LE)
                            .convertShape(VectorOperators.B2S, S512, 0)).mul(x2));
            ShortVector p23 = ((ShortVector) ByteVector.fromMemorySegment(B256, w, p + 72, LE)
                    .convertShape(VectorOperators.B2S, S512, 0)).mul(x1)
                    .add(((ShortVector) ByteVector.fromMemorySegment(B256, w, p + 104, LE)
                            .convertShape(VectorOperators.B2S, S512, 0)).mul(x2));
            float xb = xd[b];
            a0 = ((FloatVector) p01.convertShape(VectorOperators.S2F, F, 0)).fma(FloatVector.broadcast(F, f16(w, p) * xb), a0);
            a1 = ((FloatVector) p01.convertShape(VectorOperators.S2F, F, 1)).fma(FloatVector.broadcast(F, f16(w, p + 2) * xb), a1);
            a2 = ((FloatVector) p23.convertShape(VectorOperators.S2F, F, 0)).fma(FloatVector.broadcast(F, f16(w, p + 4) * xb), a2);
            a3 = ((FloatVector) p23.convertShape(VectorOperators.S2F, F, 1)).fma(FloatVector.broadcast(F, f16(w, p + 6) * xb), a3);
        }
        out[r] = a0.reduceLanes(VectorOperators.ADD);
        out[r + 1] = a1.reduceLanes(VectorOperators.ADD);
        out[r + 2] = a2.reduceLanes(VectorOperators.ADD);
        out[r + 3] = a3.reduceLanes(VectorOperators.ADD);
    }

    /** V2: pair sums in int lanes (rows 0,1 in lanes 0-7, 8-15), one conversion, blended scales. */
    static void dot4b(MemorySegment w, long g, short[] xs, float[] xd, int cols, float[] out, int r) {
        FloatVector a01 = FloatVector.zero(F), a23 = FloatVector.zero(F);
        for (int b = 0; b < cols / 32; b++) {
            long p = g + 136L * b;
            ShortVector x1 = ShortVector.fromArray(S512, xs, 64 * b);
            ShortVector x2 = ShortVector.fromArray(S512, xs, 64 * b + 32);
            IntVector v01 = ((ShortVector) ByteVector.fromMemorySegment(B256, w, p + 8, LE)
                    .convertShape(VectorOperators.B2S, S512, 0)).mul(x1)
                    .add(((ShortVector) ByteVector.fromMemorySegment(B256, w, p + 40, LE)
                            .convertShape(VectorOperators.B2S, S512, 0)).mul(x2)).reinterpretAsInts();
            IntVector v23 = ((ShortVector) ByteVector.fromMemorySegment(B256, w, p + 72, LE)
                    .convertShape(VectorOperators.B2S, S512, 0)).mul(x1)
                    .add(((ShortVector) ByteVector.fromMemorySegment(B256, w, p + 104, LE)
                            .convertShape(VectorOperators.B2S, S512, 0)).mul(x2)).reinterpretAsInts();
            IntVector s01 = Int8Kernels.pairSums(v01.reinterpretAsShorts());
            IntVector s23 = Int8Kernels.pairSums(v23.reinterpretAsShorts());
            float xb = xd[b];
            FloatVector d01 = FloatVector.broadcast(F, f16(w, p) * xb).blend(f16(w, p + 2) * xb, HI);
            FloatVector d23 = FloatVector.broadcast(F, f16(w, p + 4) * xb).blend(f16(w, p + 6) * xb, HI);
            a01 = ((FloatVector) s01.convert(VectorOperators.I2F, 0)).fma(d01, a01);
            a23 = ((FloatVector) s23.convert(VectorOperators.I2F, 0)).fma(d23, a23);
        }
        out[r] = a01.reduceLanes(VectorOperators.ADD, HI.not());
        out[r + 1] = a01.reduceLanes(VectorOperators.ADD, HI);
        out[r + 2] = a23.reduceLanes(VectorOperators.ADD, HI.not());
        out[r + 3] = a23.reduceLanes(VectorOperators.ADD, HI);
    }

    /** V3 (slice): pair sums in int lanes (rows 0,1 in lanes 0-7, 8-15), one conversion, blended scales. */
    static void dot4c(MemorySegment ww, long g, short[] xs, float[] xd, int cols, float[] out, int r) {
        MemorySegment w = ww.asSlice(g, 136L * (cols / 32));
        FloatVector a01 = FloatVector.zero(F), a23 = FloatVector.zero(F);
        for (int b = 0; b < cols / 32; b++) {
            long p = 136L * b;
            ShortVector x1 = ShortVector.fromArray(S512, xs, 64 * b);
            ShortVector x2 = ShortVector.fromArray(S512, xs, 64 * b + 32);
            IntVector v01 = ((ShortVector) ByteVector.fromMemorySegment(B256, w, p + 8, LE)
                    .convertShape(VectorOperators.B2S, S512, 0)).mul(x1)
                    .add(((ShortVector) ByteVector.fromMemorySegment(B256, w, p + 40, LE)
                            .convertShape(VectorOperators.B2S, S512, 0)).mul(x2)).reinterpretAsInts();
            IntVector v23 = ((ShortVector) ByteVector.fromMemorySegment(B256, w, p + 72, LE)
                    .convertShape(VectorOperators.B2S, S512, 0)).mul(x1)
                    .add(((ShortVector) ByteVector.fromMemorySegment(B256, w, p + 104, LE)
                            .convertShape(VectorOperators.B2S, S512, 0)).mul(x2)).reinterpretAsInts();
            IntVector s01 = Int8Kernels.pairSums(v01.reinterpretAsShorts());
            IntVector s23 = Int8Kernels.pairSums(v23.reinterpretAsShorts());
            float xb = xd[b];
            FloatVector d01 = FloatVector.broadcast(F, f16(w, p) * xb).blend(f16(w, p + 2) * xb, HI);
            FloatVector d23 = FloatVector.broadcast(F, f16(w, p + 4) * xb).blend(f16(w, p + 6) * xb, HI);
            a01 = ((FloatVector) s01.convert(VectorOperators.I2F, 0)).fma(d01, a01);
            a23 = ((FloatVector) s23.convert(VectorOperators.I2F, 0)).fma(d23, a23);
        }
        out[r] = a01.reduceLanes(VectorOperators.ADD, HI.not());
        out[r + 1] = a01.reduceLanes(VectorOperators.ADD, HI);
        out[r + 2] = a23.reduceLanes(VectorOperators.ADD, HI.not());
        out[r + 3] = a23.reduceLanes(VectorOperators.ADD, HI);
    }

    /** V4 (long loop): pair sums in int lanes (rows 0,1 in lanes 0-7, 8-15), one conversion, blended scales. */
    static void dot4d(MemorySegment w, long g, short[] xs, float[] xd, int cols, float[] out, int r) {
        FloatVector a01 = FloatVector.zero(F), a23 = FloatVector.zero(F);
        long p = g;
        for (int b = 0; b < cols / 32; b++, p += 136) {
            ShortVector x1 = ShortVector.fromArray(S512, xs, 64 * b);
            ShortVector x2 = ShortVector.fromArray(S512, xs, 64 * b + 32);
            IntVector v01 = ((ShortVector) ByteVector.fromMemorySegment(B256, w, p + 8, LE)
                    .convertShape(VectorOperators.B2S, S512, 0)).mul(x1)
                    .add(((ShortVector) ByteVector.fromMemorySegment(B256, w, p + 40, LE)
                            .convertShape(VectorOperators.B2S, S512, 0)).mul(x2)).reinterpretAsInts();
            IntVector v23 = ((ShortVector) ByteVector.fromMemorySegment(B256, w, p + 72, LE)
                    .convertShape(VectorOperators.B2S, S512, 0)).mul(x1)
                    .add(((ShortVector) ByteVector.fromMemorySegment(B256, w, p + 104, LE)
                            .convertShape(VectorOperators.B2S, S512, 0)).mul(x2)).reinterpretAsInts();
            IntVector s01 = Int8Kernels.pairSums(v01.reinterpretAsShorts());
            IntVector s23 = Int8Kernels.pairSums(v23.reinterpretAsShorts());
            float xb = xd[b];
            FloatVector d01 = FloatVector.broadcast(F, f16(w, p) * xb).blend(f16(w, p + 2) * xb, HI);
            FloatVector d23 = FloatVector.broadcast(F, f16(w, p + 4) * xb).blend(f16(w, p + 6) * xb, HI);
            a01 = ((FloatVector) s01.convert(VectorOperators.I2F, 0)).fma(d01, a01);
            a23 = ((FloatVector) s23.convert(VectorOperators.I2F, 0)).fma(d23, a23);
        }
        out[r] = a01.reduceLanes(VectorOperators.ADD, HI.not());
        out[r + 1] = a01.reduceLanes(VectorOperators.ADD, HI);
        out[r + 2] = a23.reduceLanes(VectorOperators.ADD, HI.not());
        out[r + 3] = a23.reduceLanes(VectorOperators.ADD, HI);
    }


    interface Kernel {
        void run(MemorySegment w, long g, short[] xs, float[] xd, int cols, float[] out, int r);
    }

    public static void main(String[] args) {
        int rows = Integer.parseInt(args.length > 0 ? args[0] : "2048");
        int cols = Integer.parseInt(args.length > 1 ? args[1] : "2048");
        GgmlType type = GgmlType.Q8_0;
        MemorySegment data = KernelBench.weights(type, rows, cols);
        // make rows differ inside each group of 4 (weights repeats 64-row units)
        MemorySegment packed = repack(data, rows, cols);
        long rb = type.byteSize(cols);
        float[] xf = KernelTwinsTest.gaussian(new Random(1), cols, 1f);
        Int8Kernels.Q8 x = Int8Kernels.Q8.of(xf, cols);
        short[] xs = dup(x.q());
        float[] ref = new float[rows];
        for (int r = 0; r < rows; r++) {
            ref[r] = ScalarKernels.dotQ8_0Int8(data, rb * r, x, cols);
        }
        float[] out = new float[rows];
        String[] names = {"current", "rows4-s2f", "rows4-pair", "rows4-slice", "rows4-long", "Q8_0x4"};
        Kernel[] ks = {null, Q8Rows4Probe::dot4a, Q8Rows4Probe::dot4b};
        Runnable[] runs = new Runnable[6];
        MemorySegment packedB = Q8_0x4.repack(data, rows, cols);
        short[] xs2 = Q8_0x4.widen(x, new short[2 * cols]);
        runs[0] = () -> {
            for (int r = 0; r < rows; r++) {
                out[r] = Int8Kernels.dotQ8_0(data, rb * r, x, cols);
            }
        };
        runs[1] = () -> {
            for (int r = 0; r < rows; r += 4) {
                dot4a(packed, rb * r, xs, x.d(), cols, out, r);
            }
        };
        runs[2] = () -> {
            for (int r = 0; r < rows; r += 4) {
                dot4b(packed, rb * r, xs, x.d(), cols, out, r);
            }
        };
        runs[3] = () -> {
            for (int r = 0; r < rows; r += 4) {
                dot4c(packed, rb * r, xs, x.d(), cols, out, r);
            }
        };
        runs[4] = () -> {
            for (int r = 0; r < rows; r += 4) {
                dot4d(packed, rb * r, xs, x.d(), cols, out, r);
            }
        };
        runs[5] = () -> {
            for (int r = 0; r < rows; r += 4) {
                Q8_0x4.dot4(packedB, rb * r, xs2, x.d(), cols, out, r);
            }
        };
        for (int v = 0; v < runs.length; v++) {
            Arrays.fill(out, Float.NaN);
            runs[v].run();
            double err = 0;
            for (int r = 0; r < rows; r++) {
                err = Math.max(err, Math.abs(out[r] - ref[r]) / (1e-3 + Math.abs(ref[r])));
            }
            System.out.printf(Locale.ROOT, "%-12s max rel err vs scalar twin %.2e%n", names[v], err);
        }
        int rounds = Integer.parseInt(args.length > 2 ? args[2] : "6");
        double[] best = new double[runs.length];
        Arrays.fill(best, Double.MAX_VALUE);
        for (int round = 0; round < rounds; round++) {
            for (int v = 0; v < runs.length; v++) {
                best[v] = Math.min(best[v], KernelBench.time(runs[v]));
            }
        }
        for (int v = 0; v < runs.length; v++) {
            System.out.printf(Locale.ROOT, "Q8_0 %d x %d %-12s %7.1f ns/row%n", rows, cols, names[v], best[v] * 1e9 / rows);
        }
    }
}
