package dev.bastion.inference;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A harness (not a unit test): the CPU time of one generated token of the whole forward pass, per file, on one
 * thread, where the thread's CPU time leaves out the time slices other processes of a shared machine take. Files
 * are alternated over rounds; the best round of each is printed, with the bytes the thread allocated per token in
 * its last round (all of a token's work runs on the caller with one thread), and the bytes one 64-token prompt
 * batch allocates (the matmul path).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dbastion.inference.threads=1 \
 *     -cp inference/target/classes:inference/target/test-classes dev.bastion.inference.TokenCpuTime FILE...
 * </pre>
 */
public final class TokenCpuTime {

    private static final int TOKENS = 16;
    /** Rounds per file: {@code -Dbastion.bench.rounds}, 4 unless set (more give C2 time to compile every kernel). */
    private static final int ROUNDS = Integer.getInteger("bastion.bench.rounds", 4);

    private TokenCpuTime() {
    }

    public static void main(String[] args) throws Exception {
        if (Parallel.threads() != 1) {
            throw new IllegalStateException("run with -Dbastion.inference.threads=1: CPU time is per thread");
        }
        int n = args.length;
        GgufFile[] files = new GgufFile[n];
        Transformer[] models = new Transformer[n];
        for (int i = 0; i < n; i++) {
            files[i] = GgufFile.open(Path.of(args[i]));
            ModelConfig c = ModelConfig.from(files[i]);
            models[i] = new Transformer(c, Weights.load(files[i], c), 256);
        }
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().threadId();
        long[] allocated = new long[n];
        double[] best = new double[n];
        java.util.Arrays.fill(best, Double.MAX_VALUE);
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < n; i++) {
                Transformer t = models[i];
                Transformer.Sequence s = t.newSequence(256);
                float[] logits = new float[t.config.vocabularySize()];
                int[] token = {1};
                long bytes = threads.getThreadAllocatedBytes(self);
                long start = KernelBench.now();
                for (int k = 0; k < TOKENS; k++) {
                    t.forward(s, token, 0, 1, logits);
                    token[0] = (token[0] * 31 + 7) % 1000 + 2;
                }
                best[i] = Math.min(best[i], (KernelBench.now() - start) / 1e6 / TOKENS);
                allocated[i] = (threads.getThreadAllocatedBytes(self) - bytes) / TOKENS;
            }
        }
        for (int i = 0; i < n; i++) { // one prompt batch of 64 tokens: the matmul path
            Transformer t = models[i];
            Transformer.Sequence s = t.newSequence(256);
            int[] prompt = new int[64];
            for (int k = 0; k < prompt.length; k++) {
                prompt[k] = (k * 31 + 7) % 1000 + 2;
            }
            float[] logits = new float[t.config.vocabularySize()];
            t.forward(s, prompt, 0, prompt.length, logits); // warm
            s = t.newSequence(256);
            long bytes = threads.getThreadAllocatedBytes(self);
            t.forward(s, prompt, 0, prompt.length, logits);
            System.out.printf(Locale.ROOT, "%s: %d bytes allocated by a 64-token prompt batch%n",
                    Path.of(args[i]).getFileName(), threads.getThreadAllocatedBytes(self) - bytes);
        }
        for (int i = 0; i < n; i++) {
            System.out.printf(Locale.ROOT, "%s: %.1f ms CPU per generated token (best of " + ROUNDS + " rounds of %d; %.1f tokens/s"
                    + " of CPU time), %d bytes allocated per token%n", Path.of(args[i]).getFileName(), best[i], TOKENS,
                    1000 / best[i], allocated[i]);
            files[i].close();
        }
    }
}
