package dev.bastion.inference;

import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.Random;

/**
 * A harness (not a unit test): one weight row times {@code n} inputs, as {@link WeightMatrix#matvecEach} did it
 * before round nine ({@code n} calls of the single-input {@link KQuantInt8} kernel per row) against round nine's
 * multi-input kernels ({@link KQuantInt8EachRound9}) and the current ones ({@link KQuantInt8Each}), for n = 1, 2, 4, 8, alternated over rounds in one JVM; the outputs of
 * all three are checked bit for bit first. One thread, thread CPU time ({@link KernelBench#now}); prints ns per weight
 * row (all n inputs) and per row and input.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dbastion.inference.threads=1 \
 *     -cp inference/target/classes:inference/target/test-classes dev.bastion.inference.KQuantEachProbe ROWS COLS
 * </pre>
 */
public final class KQuantEachProbe {

    private KQuantEachProbe() {
    }

    public static void main(String[] args) {
        int rows = Integer.parseInt(args.length > 0 ? args[0] : "2048");
        int cols = Integer.parseInt(args.length > 1 ? args[1] : "2048");
        int[] counts = {1, 2, 4, 8};
        for (GgmlType type : new GgmlType[] {GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.Q5_K}) {
            MemorySegment data = KernelBench.weights(type, rows, cols);
            long rb = type.byteSize(cols);
            Random random = new Random(3);
            Q8K[] x = new Q8K[8];
            for (int i = 0; i < x.length; i++) {
                x[i] = Q8K.of(KernelTwinsTest.gaussian(random, cols, 1f), cols);
            }
            Runnable[][] runs = new Runnable[counts.length][3];
            for (int c = 0; c < counts.length; c++) {
                int n = counts[c];
                float[] single = new float[n * rows];
                float[] each = new float[n * rows];
                float[] round9 = new float[n * rows];
                float[] acc = new float[n * KQuantInt8Each.SCRATCH_PER_INPUT];
                float[] mins = new float[n];
                runs[c][0] = () -> {
                    for (int r = 0; r < rows; r++) {
                        for (int i = 0; i < n; i++) {
                            single[i * rows + r] = switch (type) {
                                case Q4_K -> KQuantInt8.dotQ4_K(data, rb * r, x[i], cols);
                                case Q5_K -> KQuantInt8.dotQ5_K(data, rb * r, x[i], cols);
                                default -> KQuantInt8.dotQ6_K(data, rb * r, x[i], cols);
                            };
                        }
                    }
                };
                runs[c][1] = () -> {
                    for (int r = 0; r < rows; r++) {
                        switch (type) {
                            case Q4_K -> KQuantInt8EachRound9.dotQ4_K(data, rb * r, x, n, cols, acc, mins, round9,
                                    r, rows);
                            case Q5_K -> KQuantInt8EachRound9.dotQ5_K(data, rb * r, x, n, cols, acc, mins, round9,
                                    r, rows);
                            default -> KQuantInt8EachRound9.dotQ6_K(data, rb * r, x, n, cols, acc, mins, round9,
                                    r, rows);
                        }
                    }
                };
                runs[c][2] = () -> {
                    for (int r = 0; r < rows; r++) {
                        switch (type) {
                            case Q4_K -> KQuantInt8Each.dotQ4_K(data, rb * r, x, n, cols, acc, mins, each, r,
                                    rows);
                            case Q5_K -> KQuantInt8Each.dotQ5_K(data, rb * r, x, n, cols, acc, mins, each, r, rows);
                            default -> KQuantInt8Each.dotQ6_K(data, rb * r, x, n, cols, acc, mins, each, r,
                                    rows);
                        }
                    }
                };
                for (Runnable run : runs[c]) {
                    run.run();
                }
                for (int k = 0; k < n * rows; k++) {
                    if (Float.floatToRawIntBits(single[k]) != Float.floatToRawIntBits(each[k])
                            || Float.floatToRawIntBits(single[k]) != Float.floatToRawIntBits(round9[k])) {
                        throw new AssertionError(type + " n=" + n + " output " + k + ": " + each[k] + " and "
                                + round9[k] + " vs " + single[k]);
                    }
                }
            }
            double[][] best = new double[counts.length][3];
            for (double[] b : best) {
                java.util.Arrays.fill(b, Double.MAX_VALUE);
            }
            for (int round = 0; round < 4; round++) { // alternated, best per variant
                for (int c = 0; c < counts.length; c++) {
                    for (int v = 0; v < 3; v++) {
                        best[c][v] = Math.min(best[c][v], KernelBench.time(runs[c][v]));
                    }
                }
            }
            for (int c = 0; c < counts.length; c++) {
                int n = counts[c];
                double a = best[c][0] * 1e9 / rows;
                double r9 = best[c][1] * 1e9 / rows;
                double e = best[c][2] * 1e9 / rows;
                System.out.printf(Locale.ROOT, "%s %d x %d n=%d  single x n %7.1f ns/row (%6.1f per input)   round9 %7.1f"
                        + " (%6.1f per input, %.2fx)   each %7.1f ns/row (%6.1f per input)   %.2fx%n", type, rows, cols,
                        n, a, a / n, r9, r9 / n, a / r9, e, e / n, a / e);
            }
        }
    }
}
