package dev.bastion.inference;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A harness (not a unit test): process CPU time per generated token of {@code n} concurrent greedy streams against
 * one stream, on one model loaded with {@code n} slots (both through the batcher), with the matrix products on one
 * thread ({@code Parallel.configure(1)}), so that the figure is the work done rather than the share of a loaded
 * machine this process got. Each stream generates {@code TOKENS} tokens after its own 8-token prompt (as
 * {@code InferenceBench streams}); one warm-up of each shape, then {@code ROUNDS} alternated rounds; prints each and
 * the ratio of the best (CPU per token of one stream over CPU per token of n: the aggregate speed-up a compute-bound
 * machine would see). JIT and GC threads count too, which is why the rounds are after a warm-up.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx2g \
 *     -cp inference/target/classes:inference/target/test-classes dev.bastion.inference.StreamsCpuTime FILE N TOKENS ROUNDS
 * </pre>
 */
public final class StreamsCpuTime {

    private StreamsCpuTime() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        int tokens = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        Parallel.configure(1);
        try (LocalModel m = LocalModel.load(file, new LocalModel.Options(256, n, 0, KvCacheType.parse("f32")))) {
            StringBuilder text = new StringBuilder();
            String[] words = {"the", "patient", "was", "seen", "in", "clinic", "on", "monday", "and", "results"};
            for (int i = 0; i < 200; i++) {
                text.append(i == 0 ? "" : " ").append(words[(i * 7 + i / 3) % words.length]);
            }
            int[] all = m.tokenizer().encode(text.toString());
            java.util.Map<Integer, Float> bias = new java.util.HashMap<>(); // no early end: every stream runs to the end
            for (int id : m.tokenizer().vocabulary().endOfGenerationTokens()) {
                bias.put(id, -100f);
            }
            SamplingParameters greedy = new SamplingParameters(0, 1, 0, 0, java.util.OptionalLong.empty(), 1, 64, bias);
            GenerationRequest warm = new GenerationRequest(8, List.of(), greedy);
            GenerationRequest request = new GenerationRequest(tokens, List.of(), greedy);
            run(m, all, n, warm);
            run(m, all, 1, warm);
            double best1 = Double.MAX_VALUE;
            double bestN = Double.MAX_VALUE;
            for (int r = 0; r < rounds; r++) {
                double one = run(m, all, 1, request);
                long[] before = m.stepCounts();
                double many = run(m, all, n, request);
                long[] after = m.stepCounts();
                best1 = Math.min(best1, one);
                bestN = Math.min(bestN, many);
                System.out.printf(Locale.ROOT, "round %d: 1 stream %.1f ms CPU per token, %d streams %.1f ms (%.2fx);"
                        + " %d streams: %d steps, %.2f rows a step%n", r + 1, one, n, many, one / many, n,
                        after[0] - before[0], (after[1] - before[1]) / (double) (after[0] - before[0]));
            }
            System.out.printf(Locale.ROOT, "%s best: 1 stream %.1f ms CPU per token, %d streams %.1f ms: %.2fx%n",
                    file.getFileName(), best1, n, bestN, best1 / bestN);
        }
    }

    /** {@code n} generations at once; process CPU milliseconds per generated token. */
    private static double run(LocalModel m, int[] all, int n, GenerationRequest request) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        CountDownLatch start = new CountDownLatch(1);
        long generated = 0;
        long cpu0;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Completion>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int[] prompt = java.util.Arrays.copyOfRange(all, 8 * i, 8 * i + 8);
                futures.add(pool.submit(() -> {
                    start.await();
                    return m.generate(prompt, request, s -> true);
                }));
            }
            cpu0 = os.getProcessCpuTime();
            start.countDown();
            for (Future<Completion> f : futures) {
                generated += f.get().completionTokens();
            }
        }
        return (os.getProcessCpuTime() - cpu0) / 1e6 / generated;
    }
}
