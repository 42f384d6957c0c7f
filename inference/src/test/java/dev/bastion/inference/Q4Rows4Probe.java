package dev.bastion.inference;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.Random;

/**
 * A harness (not a unit test): the Q4_0 float kernel row by row ({@link VectorKernels#dotQ4_0}, before round
 * eighteen) timed side by side with the int8 kernel on rows interleaved by four ({@link Q4_0x4#dot4}, the
 * activations rounded and laid out once per matvec, as {@link WeightMatrix#matvec} does), alternated round by round,
 * one thread, thread CPU time; each variant's results are first checked (the int8 one against its scalar twin, bit
 * for bit). Prints ns per row of each round and the ratio.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dbastion.inference.threads=1 \
 *     -cp inference/target/classes:inference/target/test-classes dev.bastion.inference.Q4Rows4Probe ROWS COLS [ROUNDS]
 * </pre>
 */
public final class Q4Rows4Probe {

    public static void main(String[] args) {
        int rows = Integer.parseInt(args[0]);
        int cols = Integer.parseInt(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Random random = new Random(18);
        MemorySegment src = Q4_0x4Test.randomRows(random, rows, cols, false);
        MemorySegment packed = Arena.ofAuto().allocate(src.byteSize(), 64);
        Q4_0x4.repack(src, packed, rows, cols);
        MemorySegment[] groups = Q4_0x4.groups(packed, rows, cols);
        float[] x = new float[cols];
        for (int i = 0; i < cols; i++) {
            x[i] = (float) random.nextGaussian();
        }
        long rowBytes = GgmlType.Q4_0.byteSize(cols);
        float[] a = new float[rows];
        float[] b = new float[rows];
        // checks
        floats(src, rowBytes, x, a, rows, cols);
        int8(groups, x, b, cols);
        Int8Kernels.Q8 xq = Int8Kernels.Q8.of(x, cols);
        for (int r = 0; r < Math.min(rows, 256); r++) {
            float twin = Q4_0x4.dotScalar(groups[r / 4], r % 4, xq, cols);
            if (Float.floatToRawIntBits(twin) != Float.floatToRawIntBits(b[r])) {
                throw new AssertionError("row " + r + ": " + b[r] + " vs twin " + twin);
            }
            float[] w = new float[cols];
            VectorKernels.dequantizeQ4_0(src, rowBytes * r, w, 0, cols);
            double bound = 0; // WeightMatrix.matvec's: sum |w| * max|x_block| / 254, and float rounding
            for (int c = 0; c < cols; c++) {
                double amax = 0;
                for (int i = c / 32 * 32; i < c / 32 * 32 + 32; i++) {
                    amax = Math.max(amax, Math.abs(x[i]));
                }
                bound += Math.abs(w[c]) * amax / 254 + 1e-6 * Math.abs(w[c] * x[c]);
            }
            if (Math.abs(a[r] - b[r]) > bound) {
                throw new AssertionError("row " + r + ": float " + a[r] + " vs int8 " + b[r]);
            }
        }
        int reps = (int) Math.max(3, 2e8 / ((double) rows * cols));
        for (int round = 0; round < rounds; round++) {
            long t0 = KernelBench.now();
            for (int i = 0; i < reps; i++) {
                floats(src, rowBytes, x, a, rows, cols);
            }
            long t1 = KernelBench.now();
            for (int i = 0; i < reps; i++) {
                int8(groups, x, b, cols);
            }
            long t2 = KernelBench.now();
            double fl = (t1 - t0) / ((double) reps * rows);
            double i8 = (t2 - t1) / ((double) reps * rows);
            System.out.printf(Locale.ROOT, "%d x %d round %d: float %.1f ns/row, int8 x4 %.1f ns/row, %.2fx%n", rows,
                    cols, round, fl, i8, fl / i8);
        }
    }

    static void floats(MemorySegment w, long rowBytes, float[] x, float[] out, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            out[r] = VectorKernels.dotQ4_0(w, rowBytes * r, x, 0, cols);
        }
    }

    static void int8(MemorySegment[] groups, float[] x, float[] out, int cols) {
        Q4_0x4.Activations xa = Q4_0x4.activations(ActivationBuffers.q8(x, cols));
        for (int g = 0; g < groups.length; g++) {
            Q4_0x4.dot4(groups[g], xa, cols, out, 4 * g);
        }
    }
}
