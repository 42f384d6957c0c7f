package dev.bastion.inference;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Random;

/**
 * A harness (not a unit test): one pass of {@code n} inputs over a matrix of interleaved K-quant groups, as
 * {@link WeightMatrix#matvecEach} did it before round eleven (the single-input {@code dot4} once per input and
 * group, into a scratch array copied out) against {@link KQuantGroupsEach} (each group unpacked once for all the
 * inputs), for n = 1, 2, 4, 8, alternated over rounds in one JVM, each timed by its fastest pass of a round; the outputs are checked bit for bit
 * first. One thread, thread CPU time ({@link KernelBench#now}); prints ns per weight row (all n inputs), per row and
 * input, and bytes allocated per pass. The activations are spread ({@code Q4_Kx4.Activations}) once, outside the
 * timing, on both sides.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp inference/target/classes:inference/target/test-classes \
 *     dev.bastion.inference.GroupsEachProbe ROWS COLS [ROUNDS [Q4_K|Q5_K|Q6_K ...]]
 * </pre>
 */
public final class GroupsEachProbe {

    private GroupsEachProbe() {
    }

    public static void main(String[] args) {
        int rows = Integer.parseInt(args.length > 0 ? args[0] : "2048");
        int cols = Integer.parseInt(args.length > 1 ? args[1] : "2048");
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        String[] types = args.length > 3 ? java.util.Arrays.copyOfRange(args, 3, args.length)
                : new String[] {"Q4_K", "Q6_K", "Q5_K"};
        int[] counts = {1, 2, 4, 8};
        for (String name : types) {
            GgmlType type = GgmlType.valueOf(name);
            MemorySegment w = KernelBench.weights(type, rows, cols);
            MemorySegment[] groups = switch (type) {
                case Q4_K -> {
                    MemorySegment p = Arena.ofAuto().allocate(Q4_Kx4.packedBytes(rows, cols));
                    Q4_Kx4.repack(w, p, rows, cols);
                    yield Q4_Kx4.groups(p, rows, cols);
                }
                case Q5_K -> {
                    MemorySegment p = Arena.ofAuto().allocate(Q5_Kx4.packedBytes(rows, cols));
                    Q5_Kx4.repack(w, p, rows, cols);
                    yield Q5_Kx4.groups(p, rows, cols);
                }
                default -> {
                    MemorySegment p = Arena.ofAuto().allocate(w.byteSize());
                    Q6_Kx4.repack(w, p, rows, cols);
                    yield Q6_Kx4.groups(p, rows, cols);
                }
            };
            Random random = new Random(3);
            Q4_Kx4.Activations[] all = new Q4_Kx4.Activations[8];
            for (int i = 0; i < all.length; i++) {
                all[i] = Q4_Kx4.Activations.of(Q8K.of(KernelTwinsTest.gaussian(random, cols, 1f), cols));
            }
            Runnable[][] runs = new Runnable[counts.length][2];
            float[][][] outs = new float[counts.length][2][];
            for (int c = 0; c < counts.length; c++) {
                int n = counts[c];
                Q4_Kx4.Activations[] xa = java.util.Arrays.copyOf(all, n);
                float[] before = new float[n * rows];
                float[] after = new float[n * rows];
                outs[c][0] = before;
                outs[c][1] = after;
                runs[c][0] = () -> {
                    float[] four = new float[4];
                    for (int g = 0; g < groups.length; g++) {
                        for (int i = 0; i < n; i++) {
                            switch (type) {
                                case Q4_K -> Q4_Kx4.dot4(groups[g], xa[i], cols, four, 0);
                                case Q5_K -> Q5_Kx4.dot4(groups[g], xa[i], cols, four, 0);
                                default -> Q6_Kx4.dot4(groups[g], xa[i], cols, four, 0);
                            }
                            System.arraycopy(four, 0, before, i * rows + 4 * g, 4);
                        }
                    }
                };
                int[] ints = KQuantGroupsEach.ints(n);
                float[] floats = KQuantGroupsEach.floats(n);
                runs[c][1] = () -> {
                    for (int g = 0; g < groups.length; g++) {
                        switch (type) {
                            case Q4_K -> KQuantGroupsEach.q4K(groups[g], xa, cols, after, 4 * g, rows, ints, floats);
                            case Q5_K -> KQuantGroupsEach.q5K(groups[g], xa, cols, after, 4 * g, rows, ints, floats);
                            default -> KQuantGroupsEach.q6K(groups[g], xa, cols, after, 4 * g, rows, ints, floats);
                        }
                    }
                };
                check(type, n, runs[c], outs[c]);
            }
            System.out.printf(Locale.ROOT, "%s %d x %d: bits checked for n = 1, 2, 4, 8%n", type, rows, cols);
            double[][] best = new double[counts.length][2];
            for (double[] b : best) {
                java.util.Arrays.fill(b, Double.MAX_VALUE);
            }
            com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            for (int round = 0; round < rounds; round++) {
                StringBuilder line = new StringBuilder("round " + round + ":");
                for (int c = 0; c < counts.length; c++) {
                    int n = counts[c];
                    int reps = Math.max(1, (int) (200_000_000L / ((long) rows * cols * n)));
                    for (int v = 0; v < 2; v++) {
                        long bytes0 = bean.getCurrentThreadAllocatedBytes();
                        long fastest = Long.MAX_VALUE; // the least disturbed pass: on a loaded machine the others
                        for (int k = 0; k < reps; k++) { // carry other processes' cache misses and preemptions
                            long t0 = KernelBench.now();
                            runs[c][v].run();
                            fastest = Math.min(fastest, KernelBench.now() - t0);
                        }
                        long bytes = (bean.getCurrentThreadAllocatedBytes() - bytes0) / reps;
                        double ns = fastest / (double) rows;
                        best[c][v] = Math.min(best[c][v], ns);
                        line.append(String.format(Locale.ROOT, " n=%d %s %.1f ns (%d B)", n,
                                NAMES[v], ns, bytes));
                    }
                }
                System.out.println(line);
            }
            for (int c = 0; c < counts.length; c++) { // again, compiled
                check(type, counts[c], runs[c], outs[c]);
            }
            for (int c = 0; c < counts.length; c++) {
                int n = counts[c];
                System.out.printf(Locale.ROOT, "%s %d x %d n=%d best per weight row: dot4 each %.1f ns (%.1f per input),"
                        + " groups each %.1f ns (%.1f per input), %.2fx%n", type, rows, cols, n, best[c][0],
                        best[c][0] / n, best[c][1], best[c][1] / n, best[c][0] / best[c][1]);
            }
        }
    }

    private static final String[] NAMES = {"before", "after"};

    private static void check(GgmlType type, int n, Runnable[] runs, float[][] outs) {
        for (int v = 0; v < runs.length; v++) {
            java.util.Arrays.fill(outs[v], Float.NaN);
            runs[v].run();
        }
        for (int v = 1; v < runs.length; v++) {
            for (int k = 0; k < outs[0].length; k++) {
                if (Float.floatToRawIntBits(outs[0][k]) != Float.floatToRawIntBits(outs[v][k])) {
                    throw new AssertionError(type + ", n = " + n + ", " + NAMES[v] + ": element " + k + " differs: "
                            + outs[0][k] + " against " + outs[v][k]);
                }
            }
        }
    }
}
