package dev.bastion.inference;

import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.Random;

/**
 * A harness (not a unit test): the Q8_0 matvec kernel {@link Q8_0x4#dot4} against round thirteen's
 * ({@link Q8_0x4Round13}, whose lane sums went through calls C2 did not inline), alternated in one JVM on one
 * thread, the order swapped every round; thread CPU time per row, best of the rounds after a warm-up, the
 * outputs compared bit for bit every round.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dbastion.inference.threads=1 \
 *     -cp inference/target/classes:inference/target/test-classes \
 *     dev.bastion.inference.Q8LaneSumProbe ROWS COLS [ROUNDS]
 * </pre>
 */
public final class Q8LaneSumProbe {

    private Q8LaneSumProbe() {
    }

    public static void main(String[] args) {
        int rows = Integer.parseInt(args[0]);
        int cols = Integer.parseInt(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        Random random = new Random(14);
        MemorySegment packed = Q8_0x4.repack(KernelTwinsTest.randomMatrix(GgmlType.Q8_0, rows, cols, random), rows, cols);
        Int8Kernels.Q8 xq = Int8Kernels.Q8.of(KernelTwinsTest.gaussian(random, cols, 1f), cols);
        short[] xs = Q8_0x4.widen(xq);
        long gb = Q8_0x4.groupBytes(cols);
        MemorySegment[] groups = new MemorySegment[rows / 4];
        for (int g = 0; g < groups.length; g++) {
            groups[g] = packed.asSlice(gb * g, gb);
        }
        float[] now = new float[rows];
        float[] before = new float[rows];
        double bestNow = Double.MAX_VALUE;
        double bestBefore = Double.MAX_VALUE;
        for (int round = 0; round <= rounds; round++) {
            for (int k = 0; k < 2; k++) {
                boolean isNow = (round + k) % 2 == 0;
                long t0 = KernelBench.now();
                for (int g = 0; g < groups.length; g++) {
                    if (isNow) {
                        Q8_0x4.dot4(groups[g], xs, xq.d(), cols, now, 4 * g);
                    } else {
                        Q8_0x4Round13.dot4(groups[g], xs, xq.d(), cols, before, 4 * g);
                    }
                }
                double ns = (KernelBench.now() - t0) / (double) rows;
                if (round > 0) { // round 0 warms up
                    if (isNow) {
                        bestNow = Math.min(bestNow, ns);
                    } else {
                        bestBefore = Math.min(bestBefore, ns);
                    }
                }
            }
            for (int r = 0; r < rows; r++) {
                if (Float.floatToRawIntBits(now[r]) != Float.floatToRawIntBits(before[r])) {
                    throw new IllegalStateException("row " + r + " differs: " + now[r] + " against " + before[r]);
                }
            }
        }
        System.out.printf(Locale.ROOT, "Q8_0 %d x %d: round thirteen %.1f ns per row, in place %.1f (%.2fx), same bits%n",
                rows, cols, bestBefore, bestNow, bestBefore / bestNow);
    }
}
