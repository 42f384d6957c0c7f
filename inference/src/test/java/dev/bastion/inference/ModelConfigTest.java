package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelConfigTest {
    @TempDir
    Path dir;

    @Test
    void hyperparametersComeFromTheMetadata() throws Exception {
        Path file = TestModels.write(dir.resolve("q.gguf"), TestModels.Shape.tiny("qwen3"), GgmlType.F32, 1);
        try (GgufFile g = GgufFile.open(file)) {
            ModelConfig c = ModelConfig.from(g);
            assertThat(c.architecture()).isEqualTo("qwen3");
            assertThat(c.dim()).isEqualTo(256);
            assertThat(c.heads()).isEqualTo(4);
            assertThat(c.kvHeads()).isEqualTo(2);
            assertThat(c.headDim()).isEqualTo(64);
            assertThat(c.ropeNeox()).isTrue();
            assertThat(c.ropeBase()).isEqualTo(1_000_000f);
            assertThat(c.vocabularySize()).isEqualTo(600);
        }
    }

    @Test
    void anUnsupportedRopeScalingIsRefusedNotIgnored() throws Exception {
        Path file = dir.resolve("yarn.gguf");
        TestModels.writer(TestModels.Shape.tiny("llama"), GgmlType.F32, 1)
                .putString("llama.rope.scaling.type", "yarn").write(file);
        assertThatThrownBy(() -> LocalModel.load(file, new LocalModel.Options(64, 1, 0)))
                .isInstanceOf(GgufFormatException.class).hasMessageContaining("rope.scaling.type is 'yarn'");
    }

    @Test
    void linearRopeScalingStretchesPositions() throws Exception {
        Path file = dir.resolve("linear.gguf");
        TestModels.writer(TestModels.Shape.tiny("llama"), GgmlType.F32, 1)
                .putString("llama.rope.scaling.type", "linear").putF32("llama.rope.scaling.factor", 4f).write(file);
        try (GgufFile g = GgufFile.open(file)) {
            assertThat(ModelConfig.from(g).ropeScale()).isEqualTo(0.25f);
        }
    }
}
