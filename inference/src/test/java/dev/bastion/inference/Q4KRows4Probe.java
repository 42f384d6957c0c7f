package dev.bastion.inference;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.Random;

/**
 * A harness (not a unit test): the row-by-row Q4_K (or Q6_K) kernel ({@link KQuantInt8}) timed side by side
 * with the 4-row interleaved one ({@link Q4_Kx4#dot4}, {@link Q6_Kx4#dot4}), alternated over rounds in one JVM, each first checked against
 * the scalar twin; one thread, thread CPU time ({@link KernelBench#now}), ns per row (the activation spreading of
 * Q4_Kx4 included, once per pass, as a matvec does it).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dbastion.inference.threads=1 \
 *     -cp inference/target/classes:inference/target/test-classes dev.bastion.inference.Q4KRows4Probe ROWS COLS [ROUNDS [Q5_K|Q6_K]]
 * </pre>
 */
public final class Q4KRows4Probe {

    private Q4KRows4Probe() {
    }

    private static void dot4(boolean q6, boolean q5, MemorySegment g, Q4_Kx4.Activations x, int cols, float[] out,
            int r) {
        if (q6) {
            Q6_Kx4.dot4(g, x, cols, out, r);
        } else if (q5) {
            Q5_Kx4.dot4(g, x, cols, out, r);
        } else {
            Q4_Kx4.dot4(g, x, cols, out, r);
        }
    }

    public static void main(String[] args) {
        int rows = Integer.parseInt(args[0]);
        int cols = Integer.parseInt(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        boolean q6 = args.length > 3 && args[3].equals("Q6_K");
        boolean q5 = args.length > 3 && args[3].equals("Q5_K");
        MemorySegment w = KernelBench.weights(q6 ? GgmlType.Q6_K : q5 ? GgmlType.Q5_K : GgmlType.Q4_K, rows, cols);
        MemorySegment packed = Arena.ofAuto().allocate(q6 ? w.byteSize() : q5 ? Q5_Kx4.packedBytes(rows, cols)
                : Q4_Kx4.packedBytes(rows, cols));
        if (q6) {
            Q6_Kx4.repack(w, packed, rows, cols);
        } else if (q5) {
            Q5_Kx4.repack(w, packed, rows, cols);
        } else {
            Q4_Kx4.repack(w, packed, rows, cols);
        }
        MemorySegment[] groups = q6 ? Q6_Kx4.groups(packed, rows, cols) : q5 ? Q5_Kx4.groups(packed, rows, cols)
                : Q4_Kx4.groups(packed, rows, cols);
        float[] x = KernelTwinsTest.gaussian(new Random(1), cols, 1f);
        Q8K xq = Q8K.of(x, cols);
        long rowBytes = (q6 ? 210L : q5 ? 176L : 144L) * (cols / 256);
        float[] a = new float[rows];
        float[] b = new float[rows];
        for (int r = 0; r < rows; r++) {
            a[r] = q6 ? KQuantInt8.dotQ6_K(w, rowBytes * r, xq, cols) : q5 ? KQuantInt8.dotQ5_K(w, rowBytes * r, xq, cols)
                    : KQuantInt8.dotQ4_K(w, rowBytes * r, xq, cols);
        }
        Q4_Kx4.Activations xa = Q4_Kx4.Activations.of(xq);
        for (int g = 0; g < rows / 4; g++) {
            dot4(q6, q5, groups[g], xa, cols, b, 4 * g);
        }
        double worst = 0;
        for (int r = 0; r < Math.min(rows, 64); r++) {
            float twin = q6 ? KQuantInt8Scalar.dotQ6_K(w, rowBytes * r, xq, cols)
                    : q5 ? KQuantInt8Scalar.dotQ5_K(w, rowBytes * r, xq, cols)
                    : KQuantInt8Scalar.dotQ4_K(w, rowBytes * r, xq, cols);
            worst = Math.max(worst, Math.max(Math.abs(a[r] - twin), Math.abs(b[r] - twin)) / (Math.abs(twin) + 1e-3));
        }
        System.out.printf(Locale.ROOT, "checked against the scalar twin: worst relative difference %.2e%n", worst);
        int reps = Math.max(1, (int) (400_000_000L / ((long) rows * cols)));
        double bestA = Double.MAX_VALUE;
        double bestB = Double.MAX_VALUE;
        for (int round = 0; round < rounds; round++) {
            long t0 = KernelBench.now();
            for (int k = 0; k < reps; k++) {
                if (q6) {
                    for (int r = 0; r < rows; r++) {
                        a[r] = KQuantInt8.dotQ6_K(w, rowBytes * r, xq, cols);
                    }
                } else if (q5) {
                    for (int r = 0; r < rows; r++) {
                        a[r] = KQuantInt8.dotQ5_K(w, rowBytes * r, xq, cols);
                    }
                } else {
                    for (int r = 0; r < rows; r++) {
                        a[r] = KQuantInt8.dotQ4_K(w, rowBytes * r, xq, cols);
                    }
                }
            }
            long t1 = KernelBench.now();
            long bytes0 = ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                    .getCurrentThreadAllocatedBytes();
            for (int k = 0; k < reps; k++) {
                Q4_Kx4.Activations spread = Q4_Kx4.Activations.ofThread(xq);
                if (q6) {
                    for (int g = 0; g < rows / 4; g++) {
                        Q6_Kx4.dot4(groups[g], spread, cols, b, 4 * g);
                    }
                } else if (q5) {
                    for (int g = 0; g < rows / 4; g++) {
                        Q5_Kx4.dot4(groups[g], spread, cols, b, 4 * g);
                    }
                } else {
                    for (int g = 0; g < rows / 4; g++) {
                        Q4_Kx4.dot4(groups[g], spread, cols, b, 4 * g);
                    }
                }
            }
            long t2 = KernelBench.now();
            long bytes1 = ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                    .getCurrentThreadAllocatedBytes();
            double na = (t1 - t0) / (double) reps / rows;
            double nb = (t2 - t1) / (double) reps / rows;
            bestA = Math.min(bestA, na);
            bestB = Math.min(bestB, nb);
            System.out.printf(Locale.ROOT, "round %d: per row %.1f ns, interleaved by 4 %.1f ns (%d bytes allocated a pass)%n",
                    round, na, nb, (bytes1 - bytes0) / reps);
        }
        System.out.printf(Locale.ROOT, "%d x %d best: per row %.1f ns, interleaved by 4 %.1f ns (%.2fx)%n",
                rows, cols, bestA, bestB, bestA / bestB);
    }
}
