package dev.bastion.inference;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A quick harness (not a unit test) that times the matvec kernels at the shapes of Llama 3.2 1B, the float
 * kernels (approach a) against int8 activations (approach b, {@link Int8Kernels}), and matmul per vector.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dbastion.inference.threads=1 \
 *     -cp inference/target/classes:inference/target/test-classes dev.bastion.inference.KernelBench [TYPE...]
 * </pre>
 */
public final class KernelBench {

    private static final int[][] SHAPES = {{2048, 2048}, {512, 2048}, {8192, 2048}, {2048, 8192}, {128256, 2048}};

    private KernelBench() {
    }

    public static void main(String[] args) {
        List<GgmlType> types = args.length == 0 ? List.of(GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K)
                : java.util.Arrays.stream(args).map(GgmlType::valueOf).toList();
        System.out.printf("threads=%d lanes=%d clock=%s%n", Parallel.threads(), VectorKernels.LANES,
                Parallel.threads() == 1 ? "thread CPU time" : "wall time");
        int[] sink = new int[1];
        double call = time(() -> Parallel.forRange(64, (s, e) -> sink[0] += e - s));
        System.out.printf(Locale.ROOT, "Parallel.forRange(64, trivial body): %.2f us per call%n", call * 1e6);
        for (GgmlType type : types) {
            for (int[] shape : SHAPES) {
                run(type, shape[0], shape[1]);
            }
        }
    }

    private static void run(GgmlType type, int rows, int cols) {
        MemorySegment data = weights(type, rows, cols);
        WeightMatrix m = WeightMatrix.of(type, data, rows, cols);
        Random random = new Random(1);
        float[] x = KernelTwinsTest.gaussian(random, cols, 1f);
        float[] out = new float[rows];
        double flops = 2.0 * rows * cols;
        long rowBytes = type.byteSize(cols);
        double a = time(() -> Parallel.forRange(rows, (s, e) -> {
            for (int r = s; r < e; r++) {
                out[r] = VectorKernels.dot(type, data, r * rowBytes, x, 0, cols);
            }
        }));
        report(type, rows, cols, "a: float dot", a, flops, data.byteSize());
        if (type == GgmlType.Q8_0 || type == GgmlType.Q4_0) {
            double b = time(() -> {
                Int8Kernels.Q8 xq = Int8Kernels.Q8.of(x, cols);
                short[] xs = Int8Q4_0.widen(xq);
                Parallel.forRange(rows, (s, e) -> {
                    for (int r = s; r < e; r++) {
                        out[r] = type == GgmlType.Q8_0 ? Int8Kernels.dotQ8_0(data, r * rowBytes, xq, cols)
                                : Int8Q4_0.dotQ4_0(data, r * rowBytes, xs, xq.d(), cols);
                    }
                });
            });
            report(type, rows, cols, "b: int8 dot", b, flops, data.byteSize());
        }
        if (type.blockSize() == 256) {
            double c = time(() -> {
                Q8K xq = Q8K.of(x, cols);
                Parallel.forRange(rows, (s, e) -> {
                    for (int r = s; r < e; r++) {
                        out[r] = switch (type) {
                            case Q4_K -> KQuantInt8.dotQ4_K(data, r * rowBytes, xq, cols);
                            case Q5_K -> KQuantInt8.dotQ5_K(data, r * rowBytes, xq, cols);
                            default -> KQuantInt8.dotQ6_K(data, r * rowBytes, xq, cols);
                        };
                    }
                });
            });
            report(type, rows, cols, "c: int8 K dot", c, flops, data.byteSize());
        }
        report(type, rows, cols, "WeightMatrix.matvec", time(() -> m.matvec(x, out)), flops, data.byteSize());
        if (rows <= 8192) {
            int n = Transformer.MAX_BATCH;
            float[] xs = KernelTwinsTest.gaussian(random, n * cols, 1f);
            float[] outs = new float[n * rows];
            double t = time(() -> m.matmul(xs, n, outs)) / n;
            report(type, rows, cols, "matmul n=" + n + ", per vector", t, flops, data.byteSize());
        }
    }

    private static void report(GgmlType type, int rows, int cols, String what, double seconds, double flops,
            long bytes) {
        System.out.printf(Locale.ROOT, "%-5s %6d x %-5d %-24s %8.3f ms %7.1f GFLOP/s %6.1f GB/s %7.1f ns/row%n",
                type, rows, cols, what, seconds * 1e3, flops / seconds / 1e9, bytes / seconds / 1e9,
                seconds * 1e9 / rows);
    }

    /**
     * Seconds per call: warm up, then the best of 15 rounds of about 50 ms each. The best round, because on a
     * shared machine the slow rounds measure the other processes, not the kernel.
     */
    static double time(Runnable r) {
        for (int i = 0; i < 5; i++) {
            r.run();
        }
        long t0 = now();
        r.run();
        long one = Math.max(1, now() - t0);
        int reps = (int) Math.max(1, Math.min(5000, 50_000_000L / one));
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 15; round++) {
            long s = now();
            for (int i = 0; i < reps; i++) {
                r.run();
            }
            best = Math.min(best, (now() - s) / 1e9 / reps);
        }
        return best;
    }

    private static final java.lang.management.ThreadMXBean CPU =
            java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * Nanoseconds: with one thread all work runs on the caller, so its CPU time, which leaves out the time slices
     * the other processes of a shared machine take (the wall time measured them more than the kernel); with more
     * threads the wall time.
     */
    static long now() {
        return Parallel.threads() == 1 ? CPU.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /** Random quantised weights in native memory; a block of 64 random rows repeated, to save quantising time. */
    static MemorySegment weights(GgmlType type, int rows, int cols) {
        int unit = Math.min(rows, 64);
        float[] v = KernelTwinsTest.gaussian(new Random(9), unit * cols, 0.05f);
        MemorySegment chunk = MemorySegment.ofArray(Quantizer.quantize(type, v));
        MemorySegment data = Arena.ofAuto().allocate(rows * type.byteSize(cols), 64);
        for (long r = 0; r < rows; r += unit) {
            MemorySegment.copy(chunk, 0, data, r * type.byteSize(cols), unit * type.byteSize(cols));
        }
        return data;
    }
}
