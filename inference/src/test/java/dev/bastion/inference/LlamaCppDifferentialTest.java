package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bastion's engine against llama.cpp on the same generated GGUF file: the same prompt tokens, the same greedy
 * tokens for {@value #STEPS} steps, and next-token probabilities within {@value #TOLERANCE} of each other at every
 * step. llama.cpp rounds activations to 8 bits before quantised matrix products, Bastion does not, so
 * probabilities are not bit-identical; the tolerance is what that rounding costs on these models.
 */
class LlamaCppDifferentialTest {
    static final int STEPS = 24;
    static final double TOLERANCE = 0.02;
    static final String PROMPT = "the patient was seen in the clinic on monday and";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} with {1} weights")
    @CsvSource({"llama,F32", "llama,F16", "llama,BF16", "llama,Q8_0", "llama,Q4_0", "llama,Q4_K", "llama,Q5_K",
            "llama,Q6_K", "qwen2,Q8_0", "qwen3,Q4_K"})
    void greedyTokensAndProbabilitiesAgreeWithLlamaCpp(String arch, GgmlType type) throws Exception {
        TestModels.Shape shape = TestModels.Shape.tiny(arch);
        Path file = TestModels.write(dir.resolve(arch + "-" + type + ".gguf"), shape, type, 42);
        try (LocalModel ours = LocalModel.load(file, new LocalModel.Options(512, 1, 0));
                LlamaCpp cpp = new LlamaCpp(file, 512, 2)) {
            int[] theirPrompt = cpp.encode(PROMPT);
            int[] ourPrompt = ours.tokenizer().encode(PROMPT);
            assertThat(ourPrompt).as("tokens of the prompt").containsExactly(theirPrompt);
            List<LlamaCpp.Step> theirs = cpp.greedy(PROMPT, STEPS, 5);
            assertThat(theirs).hasSize(STEPS);

            Transformer t = ours.transformer();
            Transformer.Sequence s = t.newSequence(512);
            int[] tokens = new int[512];
            int length = 0;
            if (ours.tokenizer().vocabulary().addBos()) {
                tokens[length++] = ours.tokenizer().vocabulary().bos();
            }
            for (int id : ourPrompt) {
                tokens[length++] = id;
            }
            float[] logits = new float[shape.vocab()];
            t.forward(s, tokens, 0, length, logits);
            List<String> ourTexts = new ArrayList<>();
            double worst = 0;
            for (int step = 0; step < STEPS; step++) {
                double[] p = softmax(logits);
                int next = Sampler.argmax(logits);
                String text = ours.tokenizer().decode(new int[] {next});
                LlamaCpp.Step their = theirs.get(step);
                for (Map.Entry<String, Float> e : their.probabilities().entrySet()) {
                    int id = ours.tokenizer().encode(e.getKey()).length == 1 ? ours.tokenizer().encode(e.getKey())[0] : -1;
                    if (id >= 0) {
                        worst = Math.max(worst, Math.abs(p[id] - e.getValue()));
                    }
                }
                assertThat(text).as("token %d (ours %s, llama.cpp %s so far)", step, ourTexts, theirs.subList(0, step))
                        .isEqualTo(their.text());
                ourTexts.add(text);
                tokens[length++] = next;
                t.forward(s, tokens, length - 1, 1, logits);
            }
            assertThat(worst).as("largest probability difference over %d steps", STEPS).isLessThan(TOLERANCE);
        }
    }

    static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
