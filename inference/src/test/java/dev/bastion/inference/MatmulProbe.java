package dev.bastion.inference;

import java.util.Locale;
import java.util.Random;

/**
 * A harness (not a unit test): the prompt's batched product for one matrix, {@link MatmulTiles} (4 x 4 inner
 * product tiles) against {@link MatmulInputLanes} (inputs in the vector lanes), on one thread (thread CPU time),
 * alternated in one JVM, best of ROUNDS. Every element of the input-lanes product is first checked bit for bit
 * against its scalar twin.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dbastion.inference.threads=1 \
 *     -cp inference/target/classes:inference/target/test-classes dev.bastion.inference.MatmulProbe TYPE ROWS COLS N [ROUNDS]
 * </pre>
 */
public final class MatmulProbe {

    private MatmulProbe() {
    }

    public static void main(String[] args) {
        if (Parallel.threads() != 1) {
            throw new IllegalStateException("run with -Dbastion.inference.threads=1: CPU time is per thread");
        }
        GgmlType type = GgmlType.valueOf(args[0]);
        int rows = Integer.parseInt(args[1]);
        int cols = Integer.parseInt(args[2]);
        int n = Integer.parseInt(args[3]);
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 7;
        WeightMatrix m = WeightMatrix.of(type, KernelBench.weights(type, rows, cols), rows, cols);
        float[] x = KernelTwinsTest.gaussian(new Random(11), n * cols, 1f);
        float[] a = new float[n * rows];
        float[] c = new float[n * rows];
        MatmulInputLanes.matmul(m, x, 0, n, c);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            m.dequantizeRow(r, row, 0);
            for (int v = 0; v < n; v++) {
                float twin = MatmulInputLanes.dotScalar(row, 0, x, v * cols, cols);
                if (Float.floatToRawIntBits(twin) != Float.floatToRawIntBits(c[v * rows + r])) {
                    throw new AssertionError("row " + r + ", input " + v + ": " + c[v * rows + r] + ", twin " + twin);
                }
            }
        }
        double bestTiles = Double.MAX_VALUE;
        double bestLanes = Double.MAX_VALUE;
        for (int round = 0; round < rounds; round++) {
            long s = KernelBench.now();
            MatmulTiles.run(m, x, 0, n, a, 0, rows);
            bestTiles = Math.min(bestTiles, (KernelBench.now() - s) / 1e9);
            s = KernelBench.now();
            MatmulInputLanes.matmul(m, x, 0, n, c);
            bestLanes = Math.min(bestLanes, (KernelBench.now() - s) / 1e9);
        }
        double flop = 2.0 * n * rows * cols;
        System.out.printf(Locale.ROOT, "%s %d x %d n=%d: tiles %.2f ms (%.1f GFLOP/s), input lanes %.2f ms (%.1f GFLOP/s),"
                + " %.2fx; every element the scalar twin's bits%n", type, rows, cols, n, bestTiles * 1e3,
                flop / bestTiles / 1e9, bestLanes * 1e3, flop / bestLanes / 1e9, bestTiles / bestLanes);
    }
}
