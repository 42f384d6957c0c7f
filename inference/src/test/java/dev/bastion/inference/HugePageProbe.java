package dev.bastion.inference;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.Random;

/**
 * A harness (not a unit test): one Q6_K, Q4_K or Q5_K matrix repacked twice into anonymous memory
 * ({@link AnonymousMemory#allocate}), once as it comes (4 KiB pages unless THP is "always") and once advised
 * {@code MADV_HUGEPAGE} before it is written, and the matvec kernel {@link WeightMatrix#matvec} uses timed on each,
 * alternated in one JVM with the order swapped every round; outputs compared bit for bit. One thread, thread CPU
 * time, ns per row; round 0 is the warm-up.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dbastion.inference.threads=1 \
 *     -cp inference/target/classes:inference/target/test-classes dev.bastion.inference.HugePageProbe TYPE ROWS COLS [ROUNDS]
 * </pre>
 */
@SuppressWarnings("restricted") // madvise through the FFM API, on purpose
public final class HugePageProbe {

    private HugePageProbe() {
    }

    public static void main(String[] args) throws Throwable {
        GgmlType type = GgmlType.valueOf(args[0]);
        int rows = Integer.parseInt(args[1]);
        int cols = Integer.parseInt(args[2]);
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 6;
        MemorySegment w = KernelBench.weights(type, rows, cols);
        long bytes = switch (type) {
            case Q4_K -> Q4_Kx4.packedBytes(rows, cols);
            case Q5_K -> Q5_Kx4.packedBytes(rows, cols);
            default -> w.byteSize();
        };
        MemorySegment small = AnonymousMemory.allocate(bytes).orElseThrow();
        MemorySegment huge = AnonymousMemory.allocate(bytes).orElseThrow();
        MethodHandle madvise = Linker.nativeLinker().downcallHandle(
                Linker.nativeLinker().defaultLookup().find("madvise").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
        int rc = (int) madvise.invokeExact(huge, bytes, 14); // MADV_HUGEPAGE
        System.out.println("madvise " + rc);
        MemorySegment[][] groups = new MemorySegment[2][];
        MemorySegment[] packed = {small, huge};
        for (int i = 0; i < 2; i++) {
            switch (type) {
                case Q4_K -> {
                    Q4_Kx4.repack(w, packed[i], rows, cols);
                    groups[i] = Q4_Kx4.groups(packed[i], rows, cols);
                }
                case Q5_K -> {
                    Q5_Kx4.repack(w, packed[i], rows, cols);
                    groups[i] = Q5_Kx4.groups(packed[i], rows, cols);
                }
                default -> {
                    Q6_Kx4.repack(w, packed[i], rows, cols);
                    groups[i] = Q6_Kx4.groups(packed[i], rows, cols);
                }
            }
        }
        System.out.println(java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/meminfo")).stream()
                .filter(l -> l.startsWith("AnonHugePages")).findFirst().orElse("?"));
        Q8K xq = Q8K.of(KernelTwinsTest.gaussian(new Random(1), cols, 1f), cols);
        float[][] out = {new float[rows], new float[rows]};
        int reps = Math.max(1, (int) (400_000_000L / ((long) rows * cols)));
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
        for (int round = 0; round <= rounds; round++) {
            double[] ns = new double[2];
            for (int side = 0; side < 2; side++) {
                int i = round % 2 == 0 ? side : 1 - side;
                long t0 = KernelBench.now();
                for (int k = 0; k < reps; k++) {
                    Q4_Kx4.Activations spread = Q4_Kx4.Activations.ofThread(xq);
                    for (int g = 0; g < rows / 4; g++) {
                        switch (type) {
                            case Q4_K -> Q4_Kx4Folded.dot4(groups[i][g], spread, cols, out[i], 4 * g);
                            case Q5_K -> Q5_Kx4Folded.dot4(groups[i][g], spread, cols, out[i], 4 * g);
                            default -> Q6_Kx4Bytes.dot4(groups[i][g], spread, cols, out[i], 4 * g);
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
            }
            System.out.printf(Locale.ROOT, "round %d: 4 KiB pages %.1f ns/row, huge pages %.1f ns/row%n", round, ns[0], ns[1]);
        }
        System.out.printf(Locale.ROOT, "%s %d x %d best (bits equal): 4 KiB pages %.1f, huge pages %.1f ns/row (%.2fx)%n",
                type, rows, cols, best[0], best[1], best[0] / best[1]);
    }
}
