package dev.bastion.inference;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A harness (not a unit test) to profile (JFR) where the CPU of {@code n} concurrent greedy streams goes: the model
 * loaded with {@code n} slots, products on one thread, {@code WARM} rounds then {@code ROUNDS} rounds of {@code n}
 * streams of {@code TOKENS} tokens each after their own 8-token prompts, as {@link StreamsCpuTime} runs them. Prints
 * the marker times so that a recording can be cut to the measured rounds.
 *
 * <pre>
 * java ... -XX:StartFlightRecording=... dev.bastion.inference.StreamsProfile FILE N TOKENS WARM ROUNDS
 * </pre>
 */
public final class StreamsProfile {

    private StreamsProfile() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        int tokens = Integer.parseInt(args[2]);
        int warm = Integer.parseInt(args[3]);
        int rounds = Integer.parseInt(args[4]);
        Parallel.configure(1);
        try (LocalModel m = LocalModel.load(file, new LocalModel.Options(256, n, 0, KvCacheType.parse("f32")))) {
            StringBuilder text = new StringBuilder();
            String[] words = {"the", "patient", "was", "seen", "in", "clinic", "on", "monday", "and", "results"};
            for (int i = 0; i < 200; i++) {
                text.append(i == 0 ? "" : " ").append(words[(i * 7 + i / 3) % words.length]);
            }
            int[] all = m.tokenizer().encode(text.toString());
            java.util.Map<Integer, Float> bias = new java.util.HashMap<>();
            for (int id : m.tokenizer().vocabulary().endOfGenerationTokens()) {
                bias.put(id, -100f);
            }
            SamplingParameters greedy = new SamplingParameters(0, 1, 0, 0, java.util.OptionalLong.empty(), 1, 64, bias);
            GenerationRequest request = new GenerationRequest(tokens, List.of(), greedy);
            for (int r = 0; r < warm; r++) {
                run(m, all, n, request);
            }
            System.out.println("measured rounds start " + java.time.Instant.now());
            var bean = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = ((com.sun.management.OperatingSystemMXBean) bean).getProcessCpuTime();
            long generated = 0;
            for (int r = 0; r < rounds; r++) {
                generated += run(m, all, n, request);
            }
            long cpu = ((com.sun.management.OperatingSystemMXBean) bean).getProcessCpuTime() - cpu0;
            System.out.printf(java.util.Locale.ROOT, "measured rounds end %s: %d streams, %.1f ms CPU per token%n",
                    java.time.Instant.now(), n, cpu / 1e6 / generated);
        }
    }

    private static long run(LocalModel m, int[] all, int n, GenerationRequest request) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        long generated = 0;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Completion>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int[] prompt = java.util.Arrays.copyOfRange(all, 8 * i, 8 * i + 8);
                futures.add(pool.submit(() -> {
                    start.await();
                    return m.generate(prompt, request, s -> true);
                }));
            }
            start.countDown();
            for (Future<Completion> f : futures) {
                generated += f.get().completionTokens();
            }
        }
        return generated;
    }
}
