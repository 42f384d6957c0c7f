package dev.bastion.inference;

import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.Random;

/**
 * A harness (not a unit test): the decode rows of a batch on a Q8_0 or Q4_0 matrix, the single-input kernel once per
 * input ({@link Q8_0x4#dot4} per group, {@link VectorKernels#dotQ4_0} per row: {@code matvecEach} before round
 * sixteen) against the multi-input kernel ({@link Q8_0x4Each}, {@link Q4_0Each}), alternated over rounds in one JVM,
 * each timed by its fastest pass (one thread, thread CPU time, {@link KernelBench#now}); prints ns per weight row for
 * all n inputs and checks the outputs bit for bit after the timing (compiled).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp inference/target/classes:inference/target/test-classes \
 *     dev.bastion.inference.DecodeEachProbe Q8_0|Q4_0 ROWS COLS ROUNDS N
 * </pre>
 */
public final class DecodeEachProbe {

    private DecodeEachProbe() {
    }

    public static void main(String[] args) {
        GgmlType type = GgmlType.valueOf(args[0]);
        int rows = Integer.parseInt(args[1]);
        int cols = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        int n = Integer.parseInt(args[4]);
        Random random = new Random(3);
        MemorySegment w = KernelBench.weights(type, rows, cols);
        float[] x = KernelTwinsTest.gaussian(random, n * cols, 1f);
        float[] before = new float[n * rows];
        float[] after = new float[n * rows];
        Runnable[] runs = switch (type) {
            case Q8_0 -> q8(w, rows, cols, n, x, before, after);
            case Q4_0 -> q4(w, rows, cols, n, x, before, after);
            default -> throw new IllegalArgumentException("Q8_0 or Q4_0, not " + type);
        };
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
        int reps = Math.max(3, (int) (100_000_000L / ((long) rows * cols * n)));
        for (int round = 0; round < rounds; round++) {
            long[] fastest = {Long.MAX_VALUE, Long.MAX_VALUE};
            for (int k = 0; k < reps; k++) {
                for (int v = 0; v < 2; v++) {
                    long t0 = KernelBench.now();
                    runs[v].run();
                    fastest[v] = Math.min(fastest[v], KernelBench.now() - t0);
                }
            }
            for (int v = 0; v < 2; v++) {
                best[v] = Math.min(best[v], fastest[v] / (double) rows);
            }
            System.out.printf(Locale.ROOT, "round %d: single-input kernel per input %.1f ns per row, multi-input %.1f%n",
                    round, fastest[0] / (double) rows, fastest[1] / (double) rows);
        }
        for (int k = 0; k < before.length; k++) {
            if (Float.floatToRawIntBits(before[k]) != Float.floatToRawIntBits(after[k])) {
                throw new AssertionError(type + ", n = " + n + ": element " + k + " differs: " + before[k] + " against "
                        + after[k]);
            }
        }
        System.out.printf(Locale.ROOT, "%s %d x %d n=%d, bits equal; best per weight row: single-input kernel per input"
                + " %.1f ns, multi-input %.1f ns: %.2fx%n", type, rows, cols, n, best[0], best[1], best[0] / best[1]);
    }

    private static Runnable[] q8(MemorySegment w, int rows, int cols, int n, float[] x, float[] before, float[] after) {
        MemorySegment[] groups = Q8_0x4.groups(Q8_0x4.repack(w, rows, cols), rows, cols);
        short[][] xs = new short[n][];
        float[][] xd = new float[n][];
        for (int i = 0; i < n; i++) {
            Int8Kernels.Q8 q = Int8Kernels.Q8.of(java.util.Arrays.copyOfRange(x, i * cols, (i + 1) * cols), cols);
            xs[i] = Q8_0x4.widen(q, new short[2 * cols]);
            xd[i] = q.d();
        }
        float[] sc = Q8_0x4Each.scales(cols);
        return new Runnable[] {() -> {
            float[] four = new float[4];
            for (int g = 0; g < groups.length; g++) {
                for (int i = 0; i < n; i++) {
                    Q8_0x4.dot4(groups[g], xs[i], xd[i], cols, four, 0);
                    System.arraycopy(four, 0, before, i * rows + 4 * g, 4);
                }
            }
        }, () -> {
            for (int g = 0; g < groups.length; g++) {
                Q8_0x4Each.dot(groups[g], xs, xd, n, cols, after, 4 * g, rows, sc);
            }
        }};
    }

    private static Runnable[] q4(MemorySegment w, int rows, int cols, int n, float[] x, float[] before, float[] after) {
        long rowBytes = GgmlType.Q4_0.byteSize(cols);
        return new Runnable[] {() -> {
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < n; i++) {
                    before[i * rows + r] = VectorKernels.dotQ4_0(w, rowBytes * r, x, i * cols, cols);
                }
            }
        }, () -> {
            for (int r = 0; r < rows; r++) {
                Q4_0Each.dotEach(w, rowBytes * r, x, n, cols, after, r, rows);
            }
        }};
    }
}
