package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bastion's engine against llama.cpp (de.kherud:llama 4.2.0) on the same generated GGUF file, for every supported
 * tensor type and the llama, qwen2 and qwen3 layouts: the prompt tokenises to the same ids, and greedy decoding
 * gives the same {@value #STEPS} tokens after each of several prompts (each prompt exercises the batched prompt
 * pass, each step the single-token pass and the cache).
 *
 * <p>llama.cpp rounds activations to 8 bits before quantised matrix products and Bastion keeps them in float, so
 * logits differ slightly; the test models have well-separated logits so that greedy choices are not near ties.
 * The binding's probability output (n_probs) aborts the JVM in 4.2.0, so probabilities are compared against our
 * own scalar reference instead ({@code ScalarReferenceTest}).
 */
class LlamaCppDifferentialTest {
    static final int STEPS = 8;
    static final List<String> PROMPTS = List.of(
            "the patient was seen in the clinic on monday and",
            "the bank reviewed the account",
            "count to five one two",
            "the court heard the case and the lawyer for the defence asked the judge to read the statement again "
                    + "because the records are kept in the hospital where the doctor",
            "hello");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} with {1} weights")
    @CsvSource({"llama,F32", "llama,F16", "llama,BF16", "llama,Q8_0", "llama,Q4_0", "llama,Q4_K", "llama,Q5_K",
            "llama,Q6_K", "qwen2,Q8_0", "qwen3,Q4_K"})
    void greedyTokensAgreeWithLlamaCpp(String arch, GgmlType type) throws Exception {
        TestModels.Shape shape = TestModels.Shape.tiny(arch);
        Path file = TestModels.write(dir.resolve(arch + "-" + type + ".gguf"), shape, type, 42);
        try (LocalModel ours = LocalModel.load(file, new LocalModel.Options(512, 1, 0));
                LlamaCpp cpp = new LlamaCpp(file, 512, 2)) {
            int agreeing = 0;
            for (String prompt : PROMPTS) {
                assertThat(ours.tokenizer().encode(prompt)).as("tokens of '%s'", prompt)
                        .containsExactly(cpp.encode(prompt));
                List<String> theirs = cpp.greedy(prompt, STEPS);
                List<String> mine = greedy(ours, prompt, STEPS);
                assertThat(mine).as("greedy tokens after '%s'", prompt).isEqualTo(theirs);
                agreeing++;
            }
            assertThat(agreeing).isEqualTo(PROMPTS.size());
        }
    }

    /** Our greedy tokens, end-of-generation tokens not stopping it (as llama.cpp's ignore_eos). */
    static List<String> greedy(LocalModel model, String prompt, int steps) {
        Transformer t = model.transformer();
        Transformer.Sequence s = t.newSequence(512);
        int[] tokens = new int[512];
        int[] p = model.rawPrompt(prompt);
        System.arraycopy(p, 0, tokens, 0, p.length);
        int length = p.length;
        float[] logits = new float[model.config().vocabularySize()];
        t.forward(s, tokens, 0, length, logits);
        List<String> out = new ArrayList<>();
        for (int step = 0; step < steps; step++) {
            int next = Sampler.argmax(logits);
            out.add(model.tokenizer().decode(new int[] {next}));
            tokens[length++] = next;
            t.forward(s, tokens, length - 1, 1, logits);
        }
        return out;
    }
}
