package dev.bastion.inference;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.Random;

/**
 * A harness (not a unit test): the three decode kernels on rows interleaved by four, {@link Q4_Kx4Folded},
 * {@link Q4_0x4} and {@link Q8_0x4}, on one shape, alternated round by round in one JVM, one thread, thread CPU
 * time ({@link KernelBench#now}); each pass includes the activations' rounding and layout, as
 * {@link WeightMatrix#matvec} does it. Prints per round and kernel the ns per row, per weight byte and per 32
 * weights (round twenty's comparison, docs/inference-kernels.md).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dbastion.inference.threads=1 \
 *     -cp inference/target/classes:inference/target/test-classes dev.bastion.inference.DecodeKernelCostProbe ROWS COLS [ROUNDS]
 * </pre>
 */
public final class DecodeKernelCostProbe {

    private DecodeKernelCostProbe() {
    }

    public static void main(String[] args) {
        int rows = Integer.parseInt(args[0]);
        int cols = Integer.parseInt(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        float[] x = KernelTwinsTest.gaussian(new Random(1), cols, 1f);
        MemorySegment k4 = KernelBench.weights(GgmlType.Q4_K, rows, cols);
        MemorySegment k4p = Arena.ofAuto().allocate(Q4_Kx4.packedBytes(rows, cols), 64);
        Q4_Kx4.repack(k4, k4p, rows, cols);
        MemorySegment[] k4g = Q4_Kx4.groups(k4p, rows, cols);
        MemorySegment q4 = KernelBench.weights(GgmlType.Q4_0, rows, cols);
        MemorySegment q4p = Arena.ofAuto().allocate(q4.byteSize(), 64);
        Q4_0x4.repack(q4, q4p, rows, cols);
        MemorySegment[] q4g = Q4_0x4.groups(q4p, rows, cols);
        MemorySegment q8 = KernelBench.weights(GgmlType.Q8_0, rows, cols);
        MemorySegment q8p = Q8_0x4.repack(q8, rows, cols);
        MemorySegment[] q8g = Q8_0x4.groups(q8p, rows, cols);
        k4 = null;
        q4 = null;
        q8 = null;
        float[] out = new float[rows];
        long[] bytes = {Q4_Kx4.packedBytes(rows, cols), q4p.byteSize(), q8p.byteSize(), q8p.byteSize()};
        String[] names = {"Q4_Kx4Folded", "Q4_0x4 (dot4)", "Q8_0x4 (widened)", "Q8_0x4 (as they come)"};
        int reps = Math.max(1, (int) (200_000_000L / ((long) rows * cols)));
        for (int round = 0; round < rounds; round++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%d x %d round %d:", rows, cols, round));
            for (int k = 0; k < names.length; k++) {
                long t0 = KernelBench.now();
                for (int i = 0; i < reps; i++) {
                    switch (k) {
                        case 0 -> {
                            Q8K xq = ActivationBuffers.q8k(x, cols);
                            for (int g = 0; g < k4g.length; g++) {
                                Q4_Kx4Folded.dot4(k4g[g], xq, cols, out, 4 * g);
                            }
                        }
                        case 1 -> {
                            Q4_0x4.Activations xa = Q4_0x4.activations(ActivationBuffers.q8(x, cols));
                            for (int g = 0; g < q4g.length; g++) {
                                Q4_0x4.dot4(q4g[g], xa, cols, out, 4 * g);
                            }
                        }
                        case 3 -> {
                            Int8Kernels.Q8 xq = ActivationBuffers.q8(x, cols);
                            for (int g = 0; g < q8g.length; g++) {
                                Q8_0x4.dot4(q8g[g], xq.q(), xq.d(), cols, out, 4 * g);
                            }
                        }
                        default -> {
                            Int8Kernels.Q8 xq = ActivationBuffers.q8(x, cols);
                            short[] xs = Q8_0x4.widen(xq);
                            for (int g = 0; g < q8g.length; g++) {
                                Q8_0x4.dot4(q8g[g], xs, xq.d(), cols, out, 4 * g);
                            }
                        }
                    }
                }
                double ns = (KernelBench.now() - t0) / (double) reps;
                line.append(String.format(Locale.ROOT, "  %s %.1f ns/row %.3f ns/B %.2f ns/32w", names[k], ns / rows,
                        ns / bytes[k], ns / ((double) rows * cols / 32)));
            }
            System.out.println(line);
        }
    }
}
