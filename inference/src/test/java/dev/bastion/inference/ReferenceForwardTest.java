package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The engine's forward pass (batched, cached, SIMD) gives the logits of a naive reference written from the
 * architectures' definitions ({@link ReferenceForward}), for llama, qwen2 (biases, NeoX RoPE, separate output head)
 * qwen3 (per-head q/k RMSNorm), which llama.cpp's bundled build cannot run, and the mistral architecture name.
 * The reference multiplies in float; the engine's single-token products for Q8_0 and the K-quants use int8
 * activations, so for those the logits agree within the activation rounding (the tolerance
 * {@code TransformerConsistencyTest} uses for it), for the other types to float rounding.
 */
class ReferenceForwardTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} with {1} weights")
    @CsvSource({"llama,F32", "mistral,Q4_0", "qwen2,F32", "qwen3,F32", "qwen3,Q4_K", "qwen2,Q6_K"})
    void engineLogitsMatchTheNaiveReference(String arch, GgmlType type) throws Exception {
        TestModels.Shape shape = TestModels.Shape.tiny(arch);
        Path file = TestModels.write(dir.resolve("m.gguf"), shape, type, 11);
        int[] tokens = new int[20];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = (i * 53 + 5) % 590;
        }
        float[] expected;
        try (GgufFile g = GgufFile.open(file)) {
            expected = new ReferenceForward(g).logits(tokens);
        }
        try (LocalModel model = LocalModel.load(file, new LocalModel.Options(64, 1, 0))) {
            Transformer t = model.transformer();
            float[] actual = new float[shape.vocab()];
            Transformer.Sequence s = t.newSequence(64);
            t.forward(s, tokens, 0, 12, actual);              // a batch of 12
            t.forward(s, tokens, 12, 8, actual);              // then 8 more on top of the cache
            float scale = 0;
            for (float v : expected) {
                scale = Math.max(scale, Math.abs(v));
            }
            assertThat(scale).isGreaterThan(1f);
            boolean int8 = type == GgmlType.Q8_0 || type.blockSize() == 256;
            float tolerance = (int8 ? 3e-2f : 2e-3f) * scale;
            for (int i = 0; i < expected.length; i++) {
                assertThat(actual[i]).as("logit %d", i).isCloseTo(expected[i], Offset.offset(tolerance));
            }
        }
    }
}
