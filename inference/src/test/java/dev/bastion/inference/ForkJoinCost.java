package dev.bastion.inference;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * A harness (not a unit test): what one {@link Parallel#forRange} costs on the pool as configured (run it with
 * {@code -Dbastion.inference.threads=2}), wall time: (a) a call whose chunks do nothing, (b) a small matvec (the
 * 512 x 2048 attn_k/attn_v shape of a Llama 3.2 1B, Q4_K) through {@link WeightMatrix#matvec} against the same
 * rows computed on the caller alone. Calls alternate; medians and 90th percentiles of many, since a shared
 * machine preempts some of them.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dbastion.inference.threads=2 \
 *     -cp inference/target/classes:inference/target/test-classes dev.bastion.inference.ForkJoinCost
 * </pre>
 */
public final class ForkJoinCost {

    private ForkJoinCost() {
    }

    public static void main(String[] args) {
        int rows = 512;
        int cols = 2048;
        GgmlType type = GgmlType.Q4_K;
        MemorySegment data = KernelBench.weights(type, rows, cols);
        WeightMatrix w = WeightMatrix.of(type, data, rows, cols);
        float[] x = KernelTwinsTest.gaussian(new Random(1), cols, 1f);
        float[] out = new float[rows];
        long rb = type.byteSize(cols);
        int[] sink = new int[1];
        int n = 20_000;
        long[] empty = new long[n];
        long[] pooled = new long[n];
        long[] alone = new long[n];
        for (int warm = 0; warm < 2; warm++) {
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                Parallel.forRange(Parallel.threads() * 4, (s, e) -> sink[0] += e - s);
                long t1 = System.nanoTime();
                w.matvec(x, out);
                long t2 = System.nanoTime();
                Q8K xq = ActivationBuffers.q8k(x, cols);
                for (int r = 0; r < rows; r++) {
                    out[r] = KQuantInt8.dotQ4_K(data, rb * r, xq, cols);
                }
                long t3 = System.nanoTime();
                empty[i] = t1 - t0;
                pooled[i] = t2 - t1;
                alone[i] = t3 - t2;
            }
        }
        System.out.printf(Locale.ROOT, "threads %d, %d calls each (wall time, us): median / p90%n", Parallel.threads(), n);
        print("forRange, empty chunks", empty);
        print("matvec 512 x 2048 Q4_K, pool", pooled);
        print("same rows on the caller alone", alone);
    }

    private static void print(String what, long[] t) {
        long[] s = t.clone();
        Arrays.sort(s);
        System.out.printf(Locale.ROOT, "  %-32s %8.2f / %8.2f%n", what, s[s.length / 2] / 1e3, s[s.length * 9 / 10] / 1e3);
    }
}
