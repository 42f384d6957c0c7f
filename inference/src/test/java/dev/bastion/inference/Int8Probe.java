package dev.bastion.inference;

import static dev.bastion.inference.ScalarKernels.f16;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A harness (not a unit test): the Q8_0 int8 kernel ({@link Int8Kernels#dotQ8_0}) timed side by side with the
 * shapes tried on 2026-12-06 (round eight, docs/inference-kernels.md), alternated over rounds in one JVM, each
 * first checked against the scalar twin. One thread, thread CPU time ({@link KernelBench#now}).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dbastion.inference.threads=1 \
 *     -cp inference/target/classes:inference/target/test-classes dev.bastion.inference.Int8Probe ROWS COLS
 * </pre>
 */
public final class Int8Probe {
    private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    private static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private Int8Probe() {
    }

    /** Activations widened to shorts once per matvec, and the pair sum in three operations, not four. */
    static float shortX(MemorySegment w, long off, short[] xq, float[] xd, int cols) {
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < cols / 32; b++) {
            long p = off + 34L * b;
            ShortVector wq = (ShortVector) ByteVector.fromMemorySegment(B256, w, p + 2, LE)
                    .convertShape(VectorOperators.B2S, S512, 0);
            IntVector v = wq.mul(ShortVector.fromArray(S512, xq, 32 * b)).reinterpretAsInts();
            // high short of v + (v << 16) is lo + hi (no carry out of the low half, which is lo + 0)
            IntVector s = v.add(v.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16);
            acc = ((FloatVector) s.convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(F, f16(w, p) * xd[b]), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** As {@link #shortX}, two blocks per pass into two accumulators. */
    static float shortX2(MemorySegment w, long off, short[] xq, float[] xd, int cols) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        for (int b = 0; b < cols / 32; b += 2) {
            long p = off + 34L * b;
            ShortVector w0 = (ShortVector) ByteVector.fromMemorySegment(B256, w, p + 2, LE)
                    .convertShape(VectorOperators.B2S, S512, 0);
            ShortVector w1 = (ShortVector) ByteVector.fromMemorySegment(B256, w, p + 36, LE)
                    .convertShape(VectorOperators.B2S, S512, 0);
            IntVector v0 = w0.mul(ShortVector.fromArray(S512, xq, 32 * b)).reinterpretAsInts();
            IntVector v1 = w1.mul(ShortVector.fromArray(S512, xq, 32 * b + 32)).reinterpretAsInts();
            IntVector s0 = v0.add(v0.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16);
            IntVector s1 = v1.add(v1.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16);
            acc0 = ((FloatVector) s0.convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(F, f16(w, p) * xd[b]), acc0);
            acc1 = ((FloatVector) s1.convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(F, f16(w, p + 34) * xd[b + 1]), acc1);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    /**
     * Without the pair sum: the 32 short products of a block converted to ints in two halves (S2I), which
     * costs the same count of operations as the three-step pair sum, but as conversions.
     */
    static float s2iHalves(MemorySegment w, long off, short[] xq, float[] xd, int cols) {
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < cols / 32; b++) {
            long p = off + 34L * b;
            ShortVector wq = (ShortVector) ByteVector.fromMemorySegment(B256, w, p + 2, LE)
                    .convertShape(VectorOperators.B2S, S512, 0);
            ShortVector prod = wq.mul(ShortVector.fromArray(S512, xq, 32 * b));
            IntVector s = ((IntVector) prod.convertShape(VectorOperators.S2I, I512, 0))
                    .add((IntVector) prod.convertShape(VectorOperators.S2I, I512, 1));
            acc = ((FloatVector) s.convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(F, f16(w, p) * xd[b]), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    private static short[] rowShorts = new short[0];
    private static int[] pairs = new int[0];

    /**
     * C2's auto-vectorised multiply-add idiom ({@code a[2i]*b[2i] + a[2i+1]*b[2i+1]}, which SuperWord turns
     * into {@code vpmaddwd}, or {@code vpdpwssd} with AVX-512 VNNI) over a row first widened to shorts, then the
     * 16 pair sums of each block scaled in floats.
     */
    static float autoMadd(MemorySegment w, long off, short[] xq, float[] xd, int cols) {
        if (rowShorts.length < cols) {
            rowShorts = new short[cols];
            pairs = new int[cols / 2];
        }
        short[] ws = rowShorts;
        int[] pr = pairs;
        for (int b = 0; b < cols / 32; b++) {
            ((ShortVector) ByteVector.fromMemorySegment(B256, w, off + 34L * b + 2, LE)
                    .convertShape(VectorOperators.B2S, S512, 0)).intoArray(ws, 32 * b);
        }
        maddPairs(ws, xq, pr, cols / 2);
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < cols / 32; b++) {
            acc = ((FloatVector) IntVector.fromArray(I512, pr, 16 * b).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(F, f16(w, off + 34L * b) * xd[b]), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    static void maddPairs(short[] a, short[] b, int[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = a[2 * i] * b[2 * i] + a[2 * i + 1] * b[2 * i + 1];
        }
    }

    /** The same pair sums by the Vector API (multiply in shorts, three-step pair sum), for the loop alone. */
    static void vectorPairs(short[] a, short[] b, int[] out, int n) {
        for (int i = 0; i < 2 * n; i += 32) {
            IntVector v = ShortVector.fromArray(S512, a, i).mul(ShortVector.fromArray(S512, b, i)).reinterpretAsInts();
            v.add(v.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16).intoArray(out, i / 2);
        }
    }

    interface Dot {
        float dot(MemorySegment w, long off, short[] xq, float[] xd, int cols);
    }

    public static void main(String[] args) {
        int rows = Integer.parseInt(args.length > 0 ? args[0] : "2048");
        int cols = Integer.parseInt(args.length > 1 ? args[1] : "2048");
        GgmlType type = GgmlType.Q8_0;
        MemorySegment data = KernelBench.weights(type, rows, cols);
        long rb = type.byteSize(cols);
        float[] xf = KernelTwinsTest.gaussian(new Random(1), cols, 1f);
        Int8Kernels.Q8 x = Int8Kernels.Q8.of(xf, cols);
        short[] xs = new short[cols];
        for (int i = 0; i < cols; i++) {
            xs[i] = x.q()[i];
        }
        float[] ref = new float[rows];
        float[] out = new float[rows];
        for (int r = 0; r < rows; r++) {
            ref[r] = ScalarKernels.dotQ8_0Int8(data, rb * r, x, cols);
        }
        String[] names = {"current", "shortX", "shortX2", "s2iHalves", "autoMadd"};
        Dot[] dots = {(w, o, q, d, c) -> Int8Kernels.dotQ8_0(w, o, x, c), Int8Probe::shortX, Int8Probe::shortX2,
            Int8Probe::s2iHalves, Int8Probe::autoMadd};
        Runnable[] runs = new Runnable[dots.length + 2];
        for (int v = 0; v < dots.length; v++) {
            Dot dot = dots[v];
            runs[v] = () -> {
                for (int r = 0; r < rows; r++) {
                    out[r] = dot.dot(data, rb * r, xs, x.d(), cols);
                }
            };
            runs[v].run();
            double err = 0;
            for (int r = 0; r < rows; r++) {
                err = Math.max(err, Math.abs(out[r] - ref[r]) / (1e-3 + Math.abs(ref[r])));
            }
            System.out.printf(Locale.ROOT, "Q8_0 %-10s max rel err vs scalar twin %.2e%n", names[v], err);
        }
        // the pair-sum loops alone, over a row's worth of shorts (rows times), to see the idiom's own speed
        short[] a = new short[cols];
        new Random(3).ints(cols, -127, 128).forEach(new java.util.function.IntConsumer() {
            int i;

            @Override
            public void accept(int v) {
                a[i++] = (short) v;
            }
        });
        int[] p1 = new int[cols / 2];
        int[] p2 = new int[cols / 2];
        maddPairs(a, xs, p1, cols / 2);
        vectorPairs(a, xs, p2, cols / 2);
        System.out.println("pair sums agree: " + Arrays.equals(p1, p2));
        runs[dots.length] = () -> {
            for (int r = 0; r < rows; r++) {
                maddPairs(a, xs, p1, cols / 2);
            }
        };
        runs[dots.length + 1] = () -> {
            for (int r = 0; r < rows; r++) {
                vectorPairs(a, xs, p2, cols / 2);
            }
        };
        String[] all = Arrays.copyOf(names, runs.length);
        all[dots.length] = "loop:auto";
        all[dots.length + 1] = "loop:vapi";
        double[] best = new double[runs.length];
        Arrays.fill(best, Double.MAX_VALUE);
        for (int round = 0; round < 6; round++) { // alternated, best per variant
            for (int v = 0; v < runs.length; v++) {
                best[v] = Math.min(best[v], KernelBench.time(runs[v]));
            }
        }
        for (int v = 0; v < runs.length; v++) {
            System.out.printf(Locale.ROOT, "Q8_0 %d x %d %-10s %7.1f ns/row%n", rows, cols, all[v],
                    best[v] * 1e9 / rows);
        }
    }
}
