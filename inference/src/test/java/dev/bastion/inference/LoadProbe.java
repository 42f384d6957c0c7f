package dev.bastion.inference;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A harness (not a unit test): where a cold start's time goes before the first token, in a fresh JVM, phase by
 * phase on the calling thread: mapping and parsing the file, {@link Weights#load} (the Q8_0 repacking), the
 * vocabulary, a 45-token prompt and one decoded token. Per phase: wall time, the process's CPU time (all threads,
 * compilers included), the page faults the process took and its resident memory after.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC \
 *     -cp inference/target/classes:inference/target/test-classes dev.bastion.inference.LoadProbe FILE
 * </pre>
 *
 * {@code -Dprobe.warm=true} runs {@link KernelWarmup} on a thread of its own during the weights and the tokenizer
 * (as {@link LocalModel#loadWarmed} overlaps them), {@code -Dprobe.tokens=N} sets the prompt's length (45), and
 * {@code -Dprobe.repeat=N} runs the prompt N times, each into a new cache: the later runs cost what a compiled
 * prompt costs.
 */
public final class LoadProbe {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private LoadProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[0]);
        Phase p = new Phase();
        try (GgufFile file = GgufFile.open(path)) {
            ModelConfig config = ModelConfig.from(file);
            p.end("open");
            if (Boolean.getBoolean("probe.ffm")) {
                AnonymousMemory.allocate(1 << 20).orElseThrow();
                p.end("ffm");
                Parallel.forRange(64, (a, b) -> { });
                p.end("pool");
            }
            Thread warm = null;
            if (Boolean.getBoolean("probe.warm")) {
                warm = Thread.ofPlatform().name("bastion-warmup").start(() -> {
                    try {
                        KernelWarmup.run(file, config, KvCacheType.F32, LocalModel.WARMUP_ROUNDS);
                    } catch (GgufFormatException e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
            Weights weights = Weights.load(file, config);
            p.end("weights");
            if (Boolean.getBoolean("probe.twice")) {
                weights = null;
                weights = Weights.load(file, config);
                p.end("weights2");
            }
            Vocabulary vocabulary = GgufVocabulary.read(file.metadata());
            Tokenizer tokenizer = Tokenizer.of(vocabulary);
            p.end("tokenizer");
            if (warm != null) {
                warm.join();
                p.end("warm-join");
            }
            Transformer t = new Transformer(config, weights, 512);
            Transformer.Sequence s = t.newSequence(512, KvCacheType.F32);
            int n = Integer.getInteger("probe.tokens", 45);
            int[] tokens = new int[n + 1];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = (i * 7919 + 13) % config.vocabularySize();
            }
            float[] logits = new float[config.vocabularySize()];
            for (int r = 0; r < Integer.getInteger("probe.repeat", 1); r++) {
                s = t.newSequence(512, KvCacheType.F32);
                t.forward(s, tokens, 0, n, logits);
                p.end("prompt" + n);
                t.forward(s, tokens, n, 1, logits);
                p.end("decode1");
            }
            if (tokenizer == null || Float.isNaN(logits[0])) {
                throw new IllegalStateException("no logits");
            }
        }
    }

    /** Times consecutive phases. */
    private static final class Phase {
        private long wall = System.nanoTime();
        private long cpu = processCpuNanos();
        private long mainCpu = THREADS.getCurrentThreadCpuTime();
        private long[] faults = faults();

        void end(String name) throws Exception {
            long w = System.nanoTime();
            long c = processCpuNanos();
            long m = THREADS.getCurrentThreadCpuTime();
            long[] f = faults();
            System.out.printf(Locale.ROOT, "%-10s wall %6.0f ms  cpu %6.0f ms (user %5d sys %5d; this thread %6.0f)  minflt %7d majflt %4d  %s  load %s%n",
                    name, (w - wall) / 1e6, (c - cpu) / 1e6, 10 * (f[2] - faults[2]), 10 * (f[3] - faults[3]), (m - mainCpu) / 1e6, f[0] - faults[0], f[1] - faults[1],
                    memory(), Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
            wall = w;
            cpu = c;
            mainCpu = m;
            faults = f;
        }

        private static long processCpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
        }

        private static long[] faults() {
            String stat;
            try {
                stat = Files.readString(Path.of("/proc/self/stat"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[7]), Long.parseLong(f[9]), Long.parseLong(f[11]), Long.parseLong(f[12])};
        }

        private static String memory() throws Exception {
            StringBuilder sb = new StringBuilder();
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("RssAnon") || line.startsWith("RssFile") || line.startsWith("VmHWM")) {
                    sb.append(line.replaceAll("\\s+", " ").replace(" kB", "k")).append(' ');
                }
            }
            return sb.toString().strip();
        }
    }
}
