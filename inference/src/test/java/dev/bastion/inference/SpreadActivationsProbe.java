package dev.bastion.inference;

import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.Random;

/**
 * A harness (not a unit test): the Q6_K, Q5_K or Q4_K decode kernel ({@link Q6_Kx4Bytes}, {@link Q5_Kx4Folded},
 * {@link Q4_Kx4Folded})
 * reading its activations spread four times over ({@link Q4_Kx4.Activations}: 8 bytes an activation, 64 KB for a row of 8192) against the same kernel
 * reading them as they come ({@link Q8K}, 2 bytes an activation, spread in registers), on one matrix, alternated
 * in one JVM with the order swapped every round, outputs compared bit for bit every round. One thread, thread CPU
 * time, ns per row, the best round and the mean of the per-round ratios; round 0 is the warm-up.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dbastion.inference.threads=1 \
 *     -cp inference/target/classes:inference/target/test-classes dev.bastion.inference.SpreadActivationsProbe TYPE ROWS COLS [ROUNDS]
 * </pre>
 */
public final class SpreadActivationsProbe {

    private SpreadActivationsProbe() {
    }

    public static void main(String[] args) {
        GgmlType type = GgmlType.valueOf(args[0]);
        boolean q6 = type == GgmlType.Q6_K;
        int rows = Integer.parseInt(args[1]);
        int cols = Integer.parseInt(args[2]);
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 6;
        MemorySegment w = KernelBench.weights(type, rows, cols);
        boolean q5 = type == GgmlType.Q5_K;
        MemorySegment packed = AnonymousMemory.allocate(q6 ? w.byteSize()
                : q5 ? Q5_Kx4.packedBytes(rows, cols) : Q4_Kx4.packedBytes(rows, cols)).orElseThrow();
        MemorySegment[] groups;
        if (q6) {
            Q6_Kx4.repack(w, packed, rows, cols);
            groups = Q6_Kx4.groups(packed, rows, cols);
        } else if (q5) {
            Q5_Kx4.repack(w, packed, rows, cols);
            groups = Q5_Kx4.groups(packed, rows, cols);
        } else {
            Q4_Kx4.repack(w, packed, rows, cols);
            groups = Q4_Kx4.groups(packed, rows, cols);
        }
        Q8K xq = Q8K.of(KernelTwinsTest.gaussian(new Random(1), cols, 1f), cols);
        float[][] out = {new float[rows], new float[rows]};
        int reps = Math.max(1, (int) (400_000_000L / ((long) rows * cols)));
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
        double ratios = 0;
        for (int round = 0; round <= rounds; round++) {
            double[] ns = new double[2];
            for (int side = 0; side < 2; side++) {
                int i = round % 2 == 0 ? side : 1 - side;
                long t0 = KernelBench.now();
                for (int k = 0; k < reps; k++) {
                    if (i == 0) {
                        Q4_Kx4.Activations spread = Q4_Kx4.Activations.ofThread(xq);
                        for (int g = 0; g < rows / 4; g++) {
                            if (q6) {
                                Q6_Kx4Bytes.dot4(groups[g], spread, cols, out[0], 4 * g);
                            } else if (q5) {
                                Q5_Kx4Folded.dot4(groups[g], spread, cols, out[0], 4 * g);
                            } else {
                                Q4_Kx4Folded.dot4(groups[g], spread, cols, out[0], 4 * g);
                            }
                        }
                    } else {
                        for (int g = 0; g < rows / 4; g++) {
                            if (q6) {
                                Q6_Kx4Bytes.dot4(groups[g], xq, cols, out[1], 4 * g);
                            } else if (q5) {
                                Q5_Kx4Folded.dot4(groups[g], xq, cols, out[1], 4 * g);
                            } else {
                                Q4_Kx4Folded.dot4(groups[g], xq, cols, out[1], 4 * g);
                            }
                        }
                    }
                }
                ns[i] = (KernelBench.now() - t0) / (double) reps / rows;
            }
            for (int r = 0; r < rows; r++) {
                if (Float.floatToRawIntBits(out[0][r]) != Float.floatToRawIntBits(out[1][r])) {
                    throw new AssertionError("row " + r);
                }
            }
            if (round > 0) {
                best[0] = Math.min(best[0], ns[0]);
                best[1] = Math.min(best[1], ns[1]);
                ratios += ns[0] / ns[1];
            }
            System.out.printf(Locale.ROOT, "round %d: spread %.1f ns/row, as they come %.1f ns/row%n", round, ns[0], ns[1]);
        }
        System.out.printf(Locale.ROOT, "%s %d x %d best (bits equal): spread %.1f, as they come %.1f ns/row (mean ratio %.2fx)%n",
                type, rows, cols, best[0], best[1], ratios / rounds);
    }
}
