package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One step over rows of several sequences gives each sequence what running it alone gives: the rows share the
 * reading of the weights, but one-token calls are multiplied as they are alone (the int8 path for Q8_0 and the
 * K-quants) and each row attends only to its own cache, at its own positions. With float weights they agree to
 * 1e-5 of the largest logit (the same arithmetic; the JIT may sum a vector's lanes in another order once it has
 * compiled a kernel than the interpreter did before). With int8 activations such a last-bit difference can move a
 * value across a rounding step, so the quantised types are held to the activation rounding, as in
 * {@link TransformerConsistencyTest}; end to end, concurrent and sequential greedy texts are compared exactly
 * ({@link ContinuousBatchingTest}).
 */
class BatchedStepTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} with {1} weights")
    @CsvSource({"llama,F32", "qwen3,Q4_K", "qwen2,Q8_0"})
    void aSharedStepGivesEverySequenceTheLogitsItWouldGetAlone(String arch, GgmlType type) throws Exception {
        TestModels.Shape shape = TestModels.Shape.tiny(arch);
        Path file = TestModels.write(dir.resolve("m.gguf"), shape, type, 11);
        try (LocalModel model = LocalModel.load(file, new LocalModel.Options(256, 1, 0))) {
            Transformer t = model.transformer();
            int[][] prompts = {tokens(5, 3), tokens(17, 5), tokens(40, 7)};
            int vocab = shape.vocab();
            // alone: each prompt, then one more token
            float[][] alone = new float[3][vocab];
            for (int s = 0; s < 3; s++) {
                Transformer.Sequence seq = t.newSequence(256);
                float[] ignored = new float[vocab];
                t.forward(seq, prompts[s], 0, prompts[s].length - 1, ignored);
                t.forward(seq, prompts[s], prompts[s].length - 1, 1, alone[s]);
            }
            // together: the same prompts but the last token of all three in one step, with a whole prompt of a
            // fourth sequence in the same step (rows of one sequence take consecutive positions)
            Transformer.Sequence[] seqs = new Transformer.Sequence[3];
            for (int s = 0; s < 3; s++) {
                seqs[s] = t.newSequence(256);
                t.forward(seqs[s], prompts[s], 0, prompts[s].length - 1, new float[vocab]);
            }
            Transformer.Sequence fourth = t.newSequence(256);
            int[] fourthPrompt = tokens(9, 13);
            Transformer.Sequence[] rows = new Transformer.Sequence[3 + fourthPrompt.length];
            int[] rowTokens = new int[rows.length];
            for (int s = 0; s < 3; s++) {
                rows[s] = seqs[s];
                rowTokens[s] = prompts[s][prompts[s].length - 1];
            }
            for (int i = 0; i < fourthPrompt.length; i++) {
                rows[3 + i] = fourth;
                rowTokens[3 + i] = fourthPrompt[i];
            }
            float[][] together = new float[4][vocab];
            t.step(t.newScratch(4), rows, rowTokens, rows.length, 3, new int[] {0, 1, 2, rows.length - 1}, together, 4);
            float[] fourthAlone = new float[vocab];
            t.forward(t.newSequence(256), fourthPrompt, 0, fourthPrompt.length, fourthAlone);

            for (int s = 0; s < 3; s++) {
                assertSame(together[s], alone[s], type, "sequence " + s);
                assertThat(seqs[s].cache.length()).isEqualTo(prompts[s].length);
            }
            assertSame(together[3], fourthAlone, type, "the prompt in the same step");
            assertThat(fourth.cache.length()).isEqualTo(fourthPrompt.length);
        }
    }

    @org.junit.jupiter.api.Test
    void aScratchHoldsLogitsForAsManyCallsAsItWasMadeForAndAStepWantingMoreRunsNothing() throws Exception {
        TestModels.Shape shape = TestModels.Shape.tiny("llama");
        Path file = TestModels.write(dir.resolve("m.gguf"), shape, GgmlType.F32, 5);
        try (LocalModel model = LocalModel.load(file, new LocalModel.Options(256, 1, 0))) {
            Transformer t = model.transformer();
            Transformer.Scratch two = t.newScratch(2);
            assertThat(two.logits).hasSize(2 * shape.vocab());
            assertThat(t.newScratch(1).logits).isEmpty();
            Transformer.Sequence[] seqs = {t.newSequence(256), t.newSequence(256), t.newSequence(256)};
            float[][] logits = new float[3][shape.vocab()];
            assertThatThrownBy(() -> t.step(two, seqs, new int[] {1, 2, 3}, 3, 3, new int[] {0, 1, 2}, logits, 3))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scratch's 2");
            for (Transformer.Sequence s : seqs) {
                assertThat(s.cache.length()).isZero();
            }
            assertThatThrownBy(() -> t.newScratch(Transformer.MAX_BATCH + 1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"F16", "Q8_0"})
    void aSmallerCacheTypeGivesLogitsCloseToTheFloatCacheAndTakesItsShareOfTheMemory(KvCacheType type)
            throws Exception {
        TestModels.Shape shape = TestModels.Shape.tiny("llama");
        Path file = TestModels.write(dir.resolve("m.gguf"), shape, GgmlType.F32, 3);
        try (LocalModel model = LocalModel.load(file, new LocalModel.Options(256, 1, 0))) {
            Transformer t = model.transformer();
            int[] prompt = tokens(60, 3);
            float[] full = new float[shape.vocab()];
            float[] small = new float[shape.vocab()];
            Transformer.Sequence f32 = t.newSequence(256, KvCacheType.F32);
            Transformer.Sequence other = t.newSequence(256, type);
            t.forward(f32, prompt, 0, prompt.length, full);
            t.forward(other, prompt, 0, prompt.length, small);
            float scale = maxAbs(full);
            for (int i = 0; i < full.length; i++) {
                assertThat(small[i]).as("logit %d", i).isCloseTo(full[i], Offset.offset(0.02f * scale));
            }
            double ratio = (double) other.cache.bytes() / f32.cache.bytes();
            assertThat(ratio).isEqualTo(type == KvCacheType.F16 ? 0.5 : (1 + 4.0 / 32) / 4);
            assertThat(ratio).isLessThanOrEqualTo(type == KvCacheType.F16 ? 0.5 : 0.3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"f32,F32", "F16,F16", "q8_0,Q8_0"})
    void cacheTypesAreNamedAsLlamaCppNamesThem(String name, KvCacheType type) {
        assertThat(KvCacheType.parse(name)).isEqualTo(type);
    }

    @org.junit.jupiter.api.Test
    void anUnknownCacheTypeIsRefusedNamingTheThree() {
        assertThatThrownBy(() -> KvCacheType.parse("q4_0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("f32, f16 or q8_0");
    }

    private static int[] tokens(int n, int seed) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = (i * 31 + seed * 17 + 5) % 500;
        }
        return t;
    }

    private static float maxAbs(float[] a) {
        float m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static void assertSame(float[] actual, float[] expected, GgmlType type, String what) {
        float share = type.blockSize() == 256 ? 5e-2f : type == GgmlType.Q8_0 ? 3e-2f : 1e-5f;
        float tolerance = share * maxAbs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("%s, logit %d", what, i).isCloseTo(expected[i], Offset.offset(tolerance));
        }
    }
}
