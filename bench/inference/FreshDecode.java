import dev.bastion.inference.*;
import java.lang.management.*;
import java.nio.file.*;
import java.util.*;

/**
 * Decode rounds of one fresh process (issue 22; docs/inference-kernels.md, round eighteen): loads FILE, runs a
 * 64-token warm-up and a 512-token prompt as bench/inference/run.sh does, then ROUNDS rounds of 32 greedy tokens,
 * printing each round's rate, the JIT's compile time in it and the young collections in it. A kernel that C2
 * compiled with Vector API values boxed shows as hundreds of collections a round: compare processes by that count,
 * which the machine's load does not change, rather than by their rate.
 *
 * <p>{@code java --add-modules jdk.incubator.vector -cp inference/target/classes bench/inference/FreshDecode.java FILE THREADS ROUNDS}
 */
public class FreshDecode {
    public static void main(String[] a) throws Exception {
        if (a.length != 3) {
            System.err.println("usage: FreshDecode.java FILE THREADS ROUNDS");
            System.exit(2);
        }
        Path file = Path.of(a[0]);
        int threads = Integer.parseInt(a[1]);
        int rounds = Integer.parseInt(a[2]);
        Parallel.configure(threads);
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long start = System.nanoTime();
        try (LocalModel m = LocalModel.load(file, new LocalModel.Options(1024, 1, 0))) {
            int[] all = new int[700];
            for (int i = 0; i < all.length; i++) all[i] = 100 + (i * 37) % 5000;
            m.generate(Arrays.copyOf(all, 64), new GenerationRequest(16, List.of(), SamplingParameters.greedy()), s -> true);
            all[0] = 7;
            m.generate(Arrays.copyOf(all, 512), new GenerationRequest(1, List.of(), SamplingParameters.greedy()), s -> true);
            for (int r = 0; r < rounds; r++) {
                long c0 = jit.getTotalCompilationTime();
                long cpu0 = cpu();
                long g0 = gcs();
                long t0 = System.nanoTime();
                int[] p = Arrays.copyOfRange(all, 100 + r, 108 + r);
                Completion tg = m.generate(p, new GenerationRequest(33, List.of(), SamplingParameters.greedy()), s -> true);
                double rate = (tg.completionTokens() - 1) / (tg.generationNanos() / 1e9);
                System.out.printf(Locale.ROOT, "t=%5.1fs round %2d tg=%6.2f tok/s jit_ms=%5d procCPU/wall=%.2f gcs_in_round=%d%n",
                        (System.nanoTime() - start) / 1e9, r, rate, jit.getTotalCompilationTime() - c0,
                        (cpu() - cpu0) / (double) (System.nanoTime() - t0), gcs() - g0);
            }
        }
        System.exit(0);
    }
    static long gcs() {
        long n = 0;
        for (var g : ManagementFactory.getGarbageCollectorMXBeans()) n += g.getCollectionCount();
        return n;
    }
    static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
