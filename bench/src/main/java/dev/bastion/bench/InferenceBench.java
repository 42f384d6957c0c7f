package dev.bastion.bench;

import dev.bastion.inference.Completion;
import dev.bastion.inference.GenerationRequest;
import dev.bastion.inference.GgmlType;
import dev.bastion.inference.LlamaCpp;
import dev.bastion.inference.LocalModel;
import dev.bastion.inference.QuantMix;
import dev.bastion.inference.SamplingParameters;
import dev.bastion.inference.TestModels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bastion's engine and llama.cpp (de.kherud:llama) on the same GGUF file, one engine per process so that peak RSS
 * is each engine's own: prompt processing of a 512-token prompt, generation of 128 tokens, time to first token.
 * Also measures this machine's memory read bandwidth, for the bound on generation speed.
 *
 * <pre>
 *   InferenceBench models DIR             write Llama-3.2-1B-shaped files (random weights): Q8_0, Q4_0,
 *                                         Q4_K_M, Q5_K_M (llama.cpp's mixes) and Q6_K
 *   InferenceBench run bastion|llamacpp FILE THREADS
 *   InferenceBench bandwidth THREADS
 *   InferenceBench streams FILE THREADS N ROUNDS [CACHE]   aggregate generation of N concurrent streams against
 *                                         one stream, same model and slots, alternated ROUNDS times
 * </pre>
 *
 * Each {@code run} prints one line: engine, file, pp tokens/s, tg tokens/s, ttft ms, the process's CPU time per
 * generated token in ms ({@code tg_cpu_ms}: every thread of the process, from the generation's start to its end,
 * over the 128 tokens; the figure to compare under load), the young and full collections during the generation
 * ({@code tg_gcs}, Bastion only: hundreds mean kernels compiled with boxed vectors), peak RSS MiB.
 */
public final class InferenceBench {
    static final int PROMPT = 512;
    static final int GENERATE = 128;

    private InferenceBench() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "models" -> models(Path.of(args[1]));
            case "run" -> run(args[1], Path.of(args[2]), Integer.parseInt(args[3]));
            case "bandwidth" -> bandwidth(Integer.parseInt(args[1]));
            case "streams" -> streams(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), args.length > 5 ? args[5] : "f32");
            case "streams-llamacpp" -> streamsLlamaCpp(Path.of(args[1]), Integer.parseInt(args[2]),
                    Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            default -> throw new IllegalArgumentException("models | run | bandwidth | streams | streams-llamacpp");
        }
        System.exit(0); // llama.cpp's threads would keep the JVM alive
    }

    static void models(Path dir) throws Exception {
        Files.createDirectories(dir);
        List<QuantMix> mixes = List.of(QuantMix.pure(GgmlType.Q8_0), QuantMix.pure(GgmlType.Q4_0), QuantMix.Q4_K_M,
                QuantMix.Q5_K_M, QuantMix.pure(GgmlType.Q6_K));
        for (QuantMix mix : mixes) {
            Path f = dir.resolve("llama-3.2-1b-shape-" + mix.name() + ".gguf");
            if (!Files.exists(f)) {
                long t0 = System.nanoTime();
                TestModels.write(f, TestModels.Shape.llama32OneB(), mix, 1);
                System.out.printf("wrote %s (%d MiB) in %.0f s%n", f, Files.size(f) >> 20, (System.nanoTime() - t0) / 1e9);
            }
        }
    }

    /** A text that both tokenisers split into at least 512 tokens (checked by the caller). */
    static String promptText() {
        StringBuilder sb = new StringBuilder();
        String[] words = {"the", "patient", "was", "seen", "in", "clinic", "on", "monday", "and", "results", "of",
            "test", "were", "sent", "to", "doctor", "bank", "account", "transfer", "court", "lawyer", "judge"};
        for (int i = 0; sb.length() < 20_000; i++) {
            sb.append(i == 0 ? "" : " ").append(words[(i * 7 + i / 3) % words.length]);
        }
        return sb.toString();
    }

    static void run(String engine, Path file, int threads) throws Exception {
        String text = promptText();
        String result = switch (engine) {
            case "bastion" -> bastion(file, threads, text);
            case "llamacpp" -> llamaCpp(file, threads, text);
            default -> throw new IllegalArgumentException(engine);
        };
        System.out.printf(Locale.ROOT, "%s %s %s rss_mib=%d%n", engine, file.getFileName(), result, peakRssMiB());
    }

    static String bastion(Path file, int threads, String text) throws Exception {
        dev.bastion.inference.Parallel.configure(threads);
        try (LocalModel m = LocalModel.load(file, new LocalModel.Options(PROMPT + GENERATE + 16, 1, 0))) {
            int[] all = m.tokenizer().encode(text);
            int[] prompt = java.util.Arrays.copyOf(all, PROMPT);
            // Warm-up: the JIT compiles the kernels (llama.cpp gets the same warm-up below).
            m.generate(java.util.Arrays.copyOf(all, 64), new GenerationRequest(16, List.of(), SamplingParameters.greedy()), s -> true);
            // Prompt processing: 512 new tokens (a different first token, so no cached prefix is reused).
            prompt[0] = (prompt[0] + 1) % 200;
            AtomicLong first = new AtomicLong();
            long t0 = System.nanoTime();
            Completion pp = m.generate(prompt, new GenerationRequest(1, List.of(), SamplingParameters.greedy()), s -> {
                first.compareAndSet(0, System.nanoTime());
                return true;
            });
            double ppSeconds = pp.promptNanos() / 1e9;
            double ttft = (first.get() == 0 ? System.nanoTime() : first.get()) - t0;
            // Generation: 128 tokens after a short prompt.
            int[] shortPrompt = java.util.Arrays.copyOfRange(all, 100, 108);
            long gcs = collections();
            long cpu0 = processCpuNanos();
            Completion tg = m.generate(shortPrompt, new GenerationRequest(GENERATE, List.of(), noEnd(m)), s -> true);
            double cpuMs = (processCpuNanos() - cpu0) / 1e6 / tg.completionTokens();
            gcs = collections() - gcs;
            double tgRate = (tg.completionTokens() - 1) / (tg.generationNanos() / 1e9);
            return String.format(Locale.ROOT, "pp_tps=%.1f tg_tps=%.2f ttft_ms=%.0f tg_cpu_ms=%.2f tg_gcs=%d generated=%d",
                    PROMPT / ppSeconds, tgRate, ttft / 1e6, cpuMs, gcs, tg.completionTokens());
        }
    }

    /**
     * Continuous batching: {@code n} streams generating at once against one stream alone, on one model with
     * {@code n} slots (so both go through the same batcher), each stream 64 tokens after its own 8-token prompt.
     * Prints one line per measurement and the medians' ratio.
     */
    static void streams(Path file, int threads, int n, int rounds, String cache) throws Exception {
        dev.bastion.inference.Parallel.configure(threads);
        int tokens = 64;
        try (LocalModel m = LocalModel.load(file, new LocalModel.Options(256, n, 0,
                dev.bastion.inference.KvCacheType.parse(cache)))) {
            int[] all = m.tokenizer().encode(promptText());
            GenerationRequest request = new GenerationRequest(tokens, List.of(), noEnd(m));
            concurrent(m, all, n, new GenerationRequest(16, List.of(), noEnd(m))); // JIT warm-up, both shapes
            concurrent(m, all, 1, new GenerationRequest(16, List.of(), noEnd(m)));
            double[] medians = alternate("streams", n, rounds, k -> concurrent(m, all, k, request));
            double a = medians[0];
            double b = medians[1];
            System.out.printf(Locale.ROOT, "streams %s threads=%d cache=%s medians: 1 stream %.2f, %d streams %.2f "
                    + "tokens/s in all: %.2fx (target >= 2.5x on Q4_K_M with 4)%n", file.getFileName(), threads, cache,
                    a, n, b, b / a);
        }
    }

    /** Aggregate tokens/s of {@code streams} generations at once. */
    @FunctionalInterface
    interface Rate {
        double of(int streams) throws Exception;
    }

    /**
     * One stream, then {@code n} at once, {@code rounds} times, a line per round (starting with {@code label}, as
     * streams.sh greps them); returns the medians (the upper one of an even count) of one stream and of {@code n}.
     */
    static double[] alternate(String label, int n, int rounds, Rate rate) throws Exception {
        double[] one = new double[rounds];
        double[] many = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            one[r] = rate.of(1);
            many[r] = rate.of(n);
            System.out.printf(Locale.ROOT, "%s round %d: 1 stream %.2f tokens/s, %d streams %.2f tokens/s in all "
                    + "(%.2fx)%n", label, r + 1, one[r], n, many[r], many[r] / one[r]);
        }
        java.util.Arrays.sort(one);
        java.util.Arrays.sort(many);
        return new double[] {one[rounds / 2], many[rounds / 2]};
    }

    /**
     * The peer of {@link #streams}: llama.cpp's own continuous batching (its server slots, as in llama-server
     * {@code --parallel}) on the same file, {@code n} streams at once against one alone, each 64 tokens after its own
     * 8-token prompt, alternated {@code rounds} times in one process. Prints lines in {@link #streams}'s form.
     */
    static void streamsLlamaCpp(Path file, int threads, int n, int rounds) throws Exception {
        int tokens = 64;
        try (LlamaCpp cpp = new LlamaCpp(file, 256 * n, threads, n)) {
            int[] all = cpp.encode(promptText());
            List<String> prompts = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                prompts.add(cpp.decodePrefix(java.util.Arrays.copyOfRange(all, 100 + 8 * i, all.length), 8));
            }
            concurrentLlamaCpp(cpp, prompts, n, 16); // warm-up, both shapes, as Bastion's
            concurrentLlamaCpp(cpp, prompts, 1, 16);
            double[] medians = alternate("streams llama.cpp", n, rounds,
                    k -> concurrentLlamaCpp(cpp, prompts, k, tokens));
            double a = medians[0];
            double b = medians[1];
            System.out.printf(Locale.ROOT, "streams llama.cpp %s threads=%d medians: 1 stream %.2f, %d streams %.2f "
                    + "tokens/s in all: %.2fx%n", file.getFileName(), threads, a, n, b, b / a);
        }
    }

    /** {@code n} llama.cpp completions of {@code tokens} tokens at once (end of text ignored); tokens/s in all. */
    static double concurrentLlamaCpp(LlamaCpp cpp, List<String> prompts, int n, int tokens) throws Exception {
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(n)) {
            List<java.util.concurrent.Future<String>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                String prompt = prompts.get(i);
                futures.add(pool.submit(() -> {
                    start.await();
                    return cpp.complete(prompt, tokens);
                }));
            }
            long t0 = System.nanoTime();
            start.countDown();
            for (var f : futures) {
                f.get();
            }
            return (long) n * tokens / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** Runs {@code n} generations at once, each after its own 8-token prompt; tokens generated per second in all. */
    static double concurrent(LocalModel m, int[] all, int n, GenerationRequest request) throws Exception {
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<Completion>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                int[] prompt = java.util.Arrays.copyOfRange(all, 100 + 8 * i, 108 + 8 * i);
                futures.add(pool.submit(() -> {
                    start.await();
                    return m.generate(prompt, request, s -> true);
                }));
            }
            long t0 = System.nanoTime();
            start.countDown();
            long generated = 0;
            for (var f : futures) {
                generated += f.get().completionTokens();
            }
            return generated / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** Greedy with the end-of-generation tokens banned, so 128 tokens are always generated (llama.cpp: ignore_eos). */
    static SamplingParameters noEnd(LocalModel m) {
        java.util.Map<Integer, Float> bias = new java.util.HashMap<>();
        for (int id : m.tokenizer().vocabulary().endOfGenerationTokens()) {
            bias.put(id, -100f);
        }
        return new SamplingParameters(0, 1, 0, 0, java.util.OptionalLong.empty(), 1, 64, bias);
    }

    static String llamaCpp(Path file, int threads, String text) {
        try (LlamaCpp cpp = new LlamaCpp(file, PROMPT + GENERATE + 16, threads)) {
            int[] all = cpp.encode(text);
            String prompt = cpp.decodePrefix(all, PROMPT);
            String warm = cpp.decodePrefix(all, 64);
            cpp.complete(warm, 16);
            String altered = "x " + cpp.decodePrefix(java.util.Arrays.copyOfRange(all, 2, all.length), PROMPT - 2);
            long t0 = System.nanoTime();
            long[] firstAt = cpp.timeTokens(altered, 1);
            double ttft = firstAt[0] - t0;
            String shortPrompt = cpp.decodePrefix(java.util.Arrays.copyOfRange(all, 100, all.length), 8);
            long cpu0 = processCpuNanos();
            long[] times = cpp.timeTokens(shortPrompt, GENERATE);
            double cpuMs = (processCpuNanos() - cpu0) / 1e6 / GENERATE;
            double tgRate = (GENERATE - 1) / ((times[GENERATE - 1] - times[0]) / 1e9);
            int promptTokens = cpp.encode(altered).length;
            return String.format(Locale.ROOT, "pp_tps=%.1f tg_tps=%.2f ttft_ms=%.0f tg_cpu_ms=%.2f prompt_tokens=%d",
                    promptTokens / (ttft / 1e9), tgRate, ttft / 1e6, cpuMs, promptTokens) + (prompt.isEmpty() ? "" : "");
        }
    }

    /** CPU time of every thread of this process so far, in ns. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Collections of every collector of this JVM so far. */
    static long collections() {
        long n = 0;
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    static long peakRssMiB() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }

    /** Read bandwidth over 2 GiB off-heap with {@code threads} threads, best of 5 passes, GB/s. */
    static void bandwidth(int threads) throws Exception {
        long bytes = 2L << 30;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment s = arena.allocate(bytes, 64);
            s.fill((byte) 1);
            double best = 0;
            for (int pass = 0; pass < 5; pass++) {
                Thread[] ts = new Thread[threads];
                long t0 = System.nanoTime();
                for (int t = 0; t < threads; t++) {
                    long from = bytes / threads * t;
                    long to = bytes / threads * (t + 1);
                    ts[t] = new Thread(() -> sum(s, from, to));
                    ts[t].start();
                }
                for (Thread t : ts) {
                    t.join();
                }
                best = Math.max(best, bytes / ((System.nanoTime() - t0) / 1e9) / 1e9);
            }
            System.out.printf(Locale.ROOT, "bandwidth_gbps=%.2f threads=%d%n", best, threads);
        }
    }

    static volatile long sink;

    static void sum(MemorySegment s, long from, long to) {
        var species = jdk.incubator.vector.LongVector.SPECIES_PREFERRED;
        var acc = jdk.incubator.vector.LongVector.zero(species);
        long step = species.vectorByteSize();
        for (long o = from; o + step <= to; o += step) {
            acc = acc.add(jdk.incubator.vector.LongVector.fromMemorySegment(species, s, o, java.nio.ByteOrder.LITTLE_ENDIAN));
        }
        sink += acc.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
        if (s.get(ValueLayout.JAVA_BYTE, from) == 2) {
            sink++;
        }
    }
}
