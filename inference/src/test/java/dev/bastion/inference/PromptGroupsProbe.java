package dev.bastion.inference;

import java.util.Locale;
import java.util.Random;

/**
 * A harness (not a unit test): the prompt's product ({@link WeightMatrix#matmul}, {@code n} inputs) of one
 * K-quant matrix with its rows interleaved by four against the same matrix with its rows as they are
 * ({@code bastion.inference.k-rows}; other types are the same either way), and the dequantisation of all its
 * rows alone, alternated over rounds in one JVM; one thread, thread CPU time ({@link KernelBench#now}), ns per
 * row and input for the product and ns per row for the dequantisation.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dbastion.inference.threads=1 \
 *     -cp inference/target/classes:inference/target/test-classes \
 *     dev.bastion.inference.PromptGroupsProbe TYPE ROWS COLS N [ROUNDS]
 * </pre>
 */
public final class PromptGroupsProbe {

    private PromptGroupsProbe() {
    }

    public static void main(String[] args) {
        GgmlType type = GgmlType.valueOf(args[0]);
        int rows = Integer.parseInt(args[1]);
        int cols = Integer.parseInt(args[2]);
        int n = Integer.parseInt(args[3]);
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        WeightMatrix[] m = new WeightMatrix[2];
        System.setProperty("bastion.inference.k-rows", "true");
        m[0] = WeightMatrix.of(type, KernelBench.weights(type, rows, cols), rows, cols);
        System.setProperty("bastion.inference.k-rows", "false");
        m[1] = WeightMatrix.of(type, KernelBench.weights(type, rows, cols), rows, cols);
        float[] x = KernelTwinsTest.gaussian(new Random(1), n * cols, 1f);
        float[] out = new float[n * rows];
        float[] row = new float[cols];
        String[] names = new String[2];
        for (int v = 0; v < 2; v++) { // Q8_0 is interleaved either way; the other types not at all
            names[v] = (v == 0 ? "k-rows " : "default ") + (m[v].interleaved() ? "interleaved" : "rows");
        }
        for (int round = 0; round < rounds; round++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s %d x %d, %d inputs, round %d:",
                    type, rows, cols, n, round));
            for (int v = 0; v < 2; v++) {
                long t0 = KernelBench.now();
                m[v].matmul(x, n, out);
                long t1 = KernelBench.now();
                int reps = 20;
                for (int k = 0; k < reps; k++) {
                    for (int r = 0; r < rows; r++) {
                        m[v].dequantizeRow(r, row, 0);
                    }
                }
                long t2 = KernelBench.now();
                line.append(String.format(Locale.ROOT, " %s matmul %.2f ns/row/input, dequantize %.1f ns/row;",
                        names[v], (t1 - t0) / (double) rows / n, (t2 - t1) / (double) rows / reps));
            }
            System.out.println(line);
        }
    }
}
