package dev.bastion.inference;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.Random;

/**
 * A harness (not a unit test): the reference kernel of an interleaved K-quant matrix ({@link Q4_Kx4#dot4},
 * {@link Q5_Kx4#dot4}, {@link Q6_Kx4#dot4}) timed side by side with the matvec kernel {@link WeightMatrix#matvec}
 * uses for it ({@link Q4_Kx4Folded#dot4}, {@link Q5_Kx4Folded#dot4}, {@link Q6_Kx4Bytes#dot4}), alternated over
 * rounds in one JVM on one matrix; the outputs are compared bit for bit in every round. One thread, thread CPU time ({@link KernelBench#now}), ns per
 * row, the activation spreading included once per pass on both sides; round 0 is the warm-up.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dbastion.inference.threads=1 \
 *     -cp inference/target/classes:inference/target/test-classes dev.bastion.inference.FoldedKernelsProbe Q4_K|Q5_K|Q6_K ROWS COLS [ROUNDS]
 * </pre>
 */
public final class FoldedKernelsProbe {

    private FoldedKernelsProbe() {
    }

    public static void main(String[] args) {
        boolean q6 = args[0].equals("Q6_K");
        boolean q5 = args[0].equals("Q5_K");
        int rows = Integer.parseInt(args[1]);
        int cols = Integer.parseInt(args[2]);
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        MemorySegment w = KernelBench.weights(q6 ? GgmlType.Q6_K : q5 ? GgmlType.Q5_K : GgmlType.Q4_K, rows, cols);
        MemorySegment packed = Arena.ofAuto().allocate(q6 ? w.byteSize()
                : q5 ? Q5_Kx4.packedBytes(rows, cols) : Q4_Kx4.packedBytes(rows, cols), 64); // aligned as anonymous memory is
        if (q6) {
            Q6_Kx4.repack(w, packed, rows, cols);
        } else if (q5) {
            Q5_Kx4.repack(w, packed, rows, cols);
        } else {
            Q4_Kx4.repack(w, packed, rows, cols);
        }
        MemorySegment[] groups = q6 ? Q6_Kx4.groups(packed, rows, cols)
                : q5 ? Q5_Kx4.groups(packed, rows, cols) : Q4_Kx4.groups(packed, rows, cols);
        Q8K xq = Q8K.of(KernelTwinsTest.gaussian(new Random(1), cols, 1f), cols);
        float[] a = new float[rows];
        float[] b = new float[rows];
        int reps = Math.max(1, (int) (400_000_000L / ((long) rows * cols)));
        double bestA = Double.MAX_VALUE;
        double bestB = Double.MAX_VALUE;
        for (int round = 0; round <= rounds; round++) {
            long t0 = KernelBench.now();
            for (int k = 0; k < reps; k++) {
                Q4_Kx4.Activations spread = Q4_Kx4.Activations.ofThread(xq);
                for (int g = 0; g < rows / 4; g++) {
                    if (q6) {
                        Q6_Kx4.dot4(groups[g], spread, cols, a, 4 * g);
                    } else if (q5) {
                        Q5_Kx4.dot4(groups[g], spread, cols, a, 4 * g);
                    } else {
                        Q4_Kx4.dot4(groups[g], spread, cols, a, 4 * g);
                    }
                }
            }
            long t1 = KernelBench.now();
            for (int k = 0; k < reps; k++) {
                Q4_Kx4.Activations spread = Q4_Kx4.Activations.ofThread(xq);
                for (int g = 0; g < rows / 4; g++) {
                    if (q6) {
                        Q6_Kx4Bytes.dot4(groups[g], spread, cols, b, 4 * g);
                    } else if (q5) {
                        Q5_Kx4Folded.dot4(groups[g], spread, cols, b, 4 * g);
                    } else {
                        Q4_Kx4Folded.dot4(groups[g], spread, cols, b, 4 * g);
                    }
                }
            }
            long t2 = KernelBench.now();
            for (int r = 0; r < rows; r++) {
                if (Float.floatToRawIntBits(a[r]) != Float.floatToRawIntBits(b[r])) {
                    throw new AssertionError("row " + r + ": " + a[r] + " against " + b[r]);
                }
            }
            double na = (t1 - t0) / (double) reps / rows;
            double nb = (t2 - t1) / (double) reps / rows;
            if (round > 0) {
                bestA = Math.min(bestA, na);
                bestB = Math.min(bestB, nb);
            }
            System.out.printf(Locale.ROOT, "round %d: reference %.1f ns/row, matvec kernel %.1f ns/row%n", round, na, nb);
        }
        System.out.printf(Locale.ROOT, "%s %d x %d best (bits equal): reference %.1f ns/row, matvec kernel %.1f ns/row (%.2fx)%n",
                args[0], rows, cols, bestA, bestB, bestA / bestB);
    }
}
