package dev.bastion.inference;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * A harness (not a unit test): what dequantising the rows costs the prompt's product, per type, on one thread
 * (thread CPU time, best of ROUNDS): every row of a ROWS x COLS matrix through {@link WeightMatrix#dequantizeRow},
 * in ns per weight, with the bytes the thread allocated (a kernel that boxes its vectors allocates), then through
 * {@link WeightMatrix#dequantizeRows} in panels of 64 rows (K-quant groups at once), against the
 * same matrix's {@link WeightMatrix#matmul} with N inputs in ns per weight and input.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dbastion.inference.threads=1 \
 *     -cp inference/target/classes:inference/target/test-classes dev.bastion.inference.DequantProbe ROWS COLS N ROUNDS TYPE...
 * </pre>
 */
public final class DequantProbe {

    private DequantProbe() {
    }

    public static void main(String[] args) {
        if (Parallel.threads() != 1) {
            throw new IllegalStateException("run with -Dbastion.inference.threads=1: CPU time is per thread");
        }
        int rows = Integer.parseInt(args[0]);
        int cols = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int t = 4; t < args.length; t++) {
            GgmlType type = GgmlType.valueOf(args[t]);
            WeightMatrix m = WeightMatrix.of(type, KernelBench.weights(type, rows, cols), rows, cols);
            float[] panel = new float[64 * cols];
            float[] x = KernelTwinsTest.gaussian(new java.util.Random(3), n * cols, 1f);
            float[] out = new float[n * rows];
            double dq = Double.MAX_VALUE;
            double mm = Double.MAX_VALUE;
            double panels = Double.MAX_VALUE;
            long allocated = 0;
            for (int round = 0; round < rounds; round++) {
                long bytes = threads.getCurrentThreadAllocatedBytes();
                long s = KernelBench.now();
                for (int r = 0; r < rows; r++) {
                    m.dequantizeRow(r, panel, (r & 63) * cols);
                }
                dq = Math.min(dq, (KernelBench.now() - s) / 1e9);
                allocated = threads.getCurrentThreadAllocatedBytes() - bytes;
                s = KernelBench.now();
                for (int r = 0; r < rows; r += 64) {
                    m.dequantizeRows(r, Math.min(64, rows - r), panel, 0);
                }
                panels = Math.min(panels, (KernelBench.now() - s) / 1e9);
                s = KernelBench.now();
                m.matmul(x, n, out);
                mm = Math.min(mm, (KernelBench.now() - s) / 1e9);
            }
            double weights = (double) rows * cols;
            System.out.printf(Locale.ROOT, "%s %d x %d: dequantise %.3f ns/weight row by row (%d bytes allocated in the"
                    + " last round), %.3f in panels of 64 rows; matmul n=%d %.3f ns/weight/input (%.1f GFLOP/s);"
                    + " dequantising is %.0f%% of the matmul%n",
                    type, rows, cols, dq * 1e9 / weights, allocated, panels * 1e9 / weights, n, mm * 1e9 / weights / n,
                    2.0 * weights * n / mm / 1e9, 100 * dq / mm);
        }
    }
}
