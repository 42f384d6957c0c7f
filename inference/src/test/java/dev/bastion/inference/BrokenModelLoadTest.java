package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LocalModel#load} refuses a model broken in one way with a {@link GgufFormatException} that names the
 * problem (which tensor, which shape or type, which count), while the same model unbroken loads.
 */
class BrokenModelLoadTest {
    static final LocalModel.Options OPTIONS = new LocalModel.Options(64, 1, 0);

    @TempDir
    Path dir;

    private AbstractThrowableAssert<?, ? extends Throwable> loading(BrokenModels.Flaw flaw) throws IOException {
        Path file = BrokenModels.write(dir.resolve(flaw.name().toLowerCase(java.util.Locale.ROOT) + ".gguf"), flaw, 3);
        return assertThatThrownBy(() -> LocalModel.load(file, OPTIONS).close())
                .isInstanceOf(GgufFormatException.class);
    }

    @Test
    void theHealthyModelTheBrokenOnesStartFromLoads() throws IOException {
        Path file = TestModels.write(dir.resolve("healthy.gguf"), BrokenModels.SHAPE, GgmlType.Q8_0, 3);
        try (LocalModel model = LocalModel.load(file, OPTIONS)) {
            assertThat(model.config().vocabularySize()).isEqualTo(BrokenModels.SHAPE.vocab());
            assertThat(model.contextSize()).isEqualTo(64);
        }
    }

    @Test
    void aMissingTensorIsNamed() throws IOException {
        loading(BrokenModels.Flaw.MISSING_TENSOR).hasMessageContaining("tensor blk.1.ffn_down.weight is missing");
    }

    @Test
    void aTensorOfTheWrongShapeIsNamedWithItsShape() throws IOException {
        loading(BrokenModels.Flaw.WRONG_SHAPE).hasMessageContaining("blk.0.attn_q.weight")
                .hasMessageContaining("[256, 128]");
    }

    @Test
    void anUnsupportedTensorTypeIsNamedWithTheTensor() throws IOException {
        loading(BrokenModels.Flaw.UNSUPPORTED_TENSOR_TYPE).hasMessageContaining("blk.0.ffn_up.weight")
                .hasMessageContaining("Q2_K");
    }

    @Test
    void aVocabularyThatDoesNotMatchTheEmbeddingGivesBothCounts() throws IOException {
        loading(BrokenModels.Flaw.VOCABULARY_MISMATCH).hasMessageContaining("600 tokens")
                .hasMessageContaining("599 rows");
    }

    @Test
    void anUnsupportedArchitectureIsNamed() throws IOException {
        loading(BrokenModels.Flaw.UNSUPPORTED_ARCHITECTURE).hasMessageContaining("'mamba'");
    }

    @Test
    void aTruncatedFileIsRefusedAsTruncated() throws IOException {
        loading(BrokenModels.Flaw.TRUNCATED).hasMessageContaining("truncated.gguf").hasMessageContaining("truncated file?");
    }

    @Test
    void randomBytesAreRefusedAsNotGguf() throws IOException {
        loading(BrokenModels.Flaw.RANDOM_BYTES).hasMessageContaining("random_bytes.gguf").hasMessageContaining("not a GGUF file");
    }
}
