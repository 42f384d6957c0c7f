package dev.bastion.inference;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * A harness (not a unit test): where the CPU of a 512-token prompt goes, on one thread (thread CPU time). First
 * the whole prompt through {@link Transformer#forward} (batches of {@link Transformer#MAX_BATCH}), best of
 * {@code ROUNDS}; then each weight matrix of the first layer and the output head through
 * {@link WeightMatrix#matmul} with 64 inputs (best of {@code ROUNDS}), scaled to the prompt, so the rest
 * (attention, norms, RoPE) is the difference.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx1g -Dbastion.inference.threads=1 \
 *     -cp inference/target/classes:inference/target/test-classes dev.bastion.inference.PromptProfile FILE [ROUNDS]
 * </pre>
 */
public final class PromptProfile {

    private static final int PROMPT = 512;

    private PromptProfile() {
    }

    public static void main(String[] args) throws Exception {
        if (Parallel.threads() != 1) {
            throw new IllegalStateException("run with -Dbastion.inference.threads=1: CPU time is per thread");
        }
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        try (GgufFile file = GgufFile.open(Path.of(args[0]))) {
            ModelConfig c = ModelConfig.from(file);
            Transformer t = new Transformer(c, Weights.load(file, c), PROMPT + 16);
            int[] prompt = new int[PROMPT];
            for (int k = 0; k < PROMPT; k++) {
                prompt[k] = (k * 31 + 7) % 1000 + 2;
            }
            float[] logits = new float[c.vocabularySize()];
            double best = Double.MAX_VALUE;
            for (int round = 0; round < rounds; round++) {
                Transformer.Sequence s = t.newSequence(PROMPT + 16);
                long start = KernelBench.now();
                t.forward(s, prompt, 0, PROMPT, logits);
                double sec = (KernelBench.now() - start) / 1e9;
                best = Math.min(best, sec);
                System.out.printf(Locale.ROOT, "round %d: prompt %.3f s CPU (%.1f tokens/s)%n", round, sec,
                        PROMPT / sec);
            }
            Weights.Layer l = t.weights.layers().get(0);
            WeightMatrix[] ms = {l.wq(), l.wk(), l.wv(), l.wo(), l.gate(), l.up(), l.down()};
            String[] names = {"attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"};
            Random random = new Random(5);
            int n = Transformer.MAX_BATCH;
            double matmul = 0;
            for (int i = 0; i < ms.length; i++) {
                WeightMatrix m = ms[i];
                float[] x = KernelTwinsTest.gaussian(random, n * m.cols(), 1f);
                float[] out = new float[n * m.rows()];
                double b = Double.MAX_VALUE;
                for (int round = 0; round < rounds + 2; round++) {
                    long start = KernelBench.now();
                    m.matmul(x, n, out);
                    b = Math.min(b, (KernelBench.now() - start) / 1e9);
                }
                double perPrompt = b * c.layers() * PROMPT / n;
                matmul += perPrompt;
                System.out.printf(Locale.ROOT, "%-12s %-5s %5d x %-5d matmul n=%d %.3f ms (%.1f GFLOP/s); per prompt, all layers %.3f s%n",
                        names[i], m.type(), m.rows(), m.cols(), n, b * 1e3, 2.0 * n * m.rows() * m.cols() / b / 1e9,
                        perPrompt);
            }
            System.out.printf(Locale.ROOT, "prompt best %.3f s: layer matmuls %.3f s (%.0f%%), the rest %.3f s%n", best,
                    matmul, 100 * matmul / best, best - matmul);
        }
    }
}
