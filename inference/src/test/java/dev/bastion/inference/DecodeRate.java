package dev.bastion.inference;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * A harness (not a unit test): decode tokens per second of wall time at the configured thread count, with
 * {@link Parallel#forRows} taking over a descheduled worker's chunks and without (as before), alternated round by
 * round in one JVM so that both meet the same load. Each round generates {@code TOKENS} tokens one by one from
 * position 0 (the cache is short, so attention is small). Prints every round with the CPU time per token of the
 * caller and the pool's workers (if it stays put while tokens/s falls, the time went to other processes),
 * then the medians of each way and the chunks taken over per token.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dbastion.inference.threads=2 \
 *     -cp inference/target/classes:inference/target/test-classes dev.bastion.inference.DecodeRate FILE [TOKENS] [ROUNDS]
 * </pre>
 */
public final class DecodeRate {

    private DecodeRate() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        try (GgufFile f = GgufFile.open(file)) {
            ModelConfig c = ModelConfig.from(f);
            Transformer t = new Transformer(c, Weights.load(f, c), 256);
            float[] logits = new float[c.vocabularySize()];
            double[][] rate = new double[2][rounds];
            double[][] cpu = new double[2][rounds];
            long[] taken = new long[2];
            var os = ManagementFactory.getOperatingSystemMXBean();
            run(t, logits, tokens); // warm-up, both ways
            Parallel.takeOver = false;
            run(t, logits, tokens);
            for (int round = 0; round < rounds; round++) {
                for (int way = 0; way < 2; way++) {
                    int w = round % 2 == 0 ? way : 1 - way; // the order swapped every round
                    Parallel.takeOver = w == 1;
                    long before = Parallel.chunksTakenOver();
                    long cpu0 = poolCpuNanos();
                    rate[w][round] = run(t, logits, tokens);
                    cpu[w][round] = (poolCpuNanos() - cpu0) / 1e6 / tokens;
                    taken[w] += Parallel.chunksTakenOver() - before;
                    System.out.printf(Locale.ROOT, "round %d %s %.2f tokens/s, %.1f ms of CPU per token, load %.1f%n",
                            round, w == 1 ? "take-over" : "wait     ", rate[w][round], cpu[w][round],
                            os.getSystemLoadAverage());
                }
            }
            System.out.printf(Locale.ROOT, "%s threads=%d: median tokens/s wait %.2f, take-over %.2f (%.3fx); median ms of"
                    + " CPU per token wait %.1f, take-over %.1f; chunks taken over per token %.1f%n",
                    file.getFileName(), Parallel.threads(), median(rate[0]), median(rate[1]),
                    median(rate[1]) / median(rate[0]), median(cpu[0]), median(cpu[1]),
                    taken[1] / (double) (rounds * tokens));
        }
    }

    /** CPU time of this thread and the pool's workers (the threads a token runs on), nanoseconds. */
    private static long poolCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = mx.getCurrentThreadCpuTime();
        for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("bastion-inference-")) {
                sum += Math.max(0, mx.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    private static double run(Transformer t, float[] logits, int tokens) {
        Transformer.Sequence s = t.newSequence(256);
        int[] token = {1};
        long start = System.nanoTime();
        for (int k = 0; k < tokens; k++) {
            t.forward(s, token, 0, 1, logits);
            token[0] = (token[0] * 31 + 7) % 1000 + 2;
        }
        return tokens / ((System.nanoTime() - start) / 1e9);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
