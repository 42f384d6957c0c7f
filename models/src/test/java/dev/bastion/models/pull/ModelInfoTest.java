package dev.bastion.models.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.models.scan.FormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelInfoTest {
    @TempDir
    Path dir;

    @Test
    void infoReadsTheArchitectureShapeVocabularyQuantisationTemplateFamilyLicenceAndHash() throws Exception {
        byte[] bytes = TestGguf.model(1024, 1);
        Path f = Files.write(dir.resolve("m.gguf"), bytes);

        ModelInfo info = ModelInfo.read(f);

        assertThat(info.architecture()).contains("llama");
        assertThat(info.fileType()).contains("Q4_K_M");
        assertThat(info.gguf().tensorTypes()).containsEntry("F32", 1L).containsEntry("Q8_0", 1L);
        assertThat(info.gguf().parameters()).isEqualTo(1024 + 128);
        assertThat(info.contextLength()).contains(4096L);
        assertThat(info.embeddingLength()).contains(64L);
        assertThat(info.layers()).contains(2L);
        assertThat(info.heads()).contains(4L);
        assertThat(info.kvHeads()).contains(2L);
        assertThat(info.vocabularySize()).contains(3L);
        assertThat(info.chatTemplateFamilies()).containsExactly("chatml (<|im_start|>)");
        assertThat(info.licence()).contains("apache-2.0");
        assertThat(info.size()).isEqualTo(bytes.length);
        assertThat(info.sha256()).isEqualTo(PullerTest.sha256(bytes));
        assertThat(info.gguf().metadata()).containsEntry("tokenizer.ggml.tokens", "array[3] of string");
        assertThat(info.gguf().chatTemplate()).isEqualTo(TestGguf.TEMPLATE);
        assertThat(String.join("\n", info.lines())).contains("vocabulary:      3")
                .contains("heads:           4 (2 key/value)").contains("file type:       Q4_K_M");
    }

    @Test
    void aLongChatTemplateIsKeptApartFromTheMetadataAndItsFamiliesRecognised() throws Exception {
        String template = "<|start_header_id|>{{ role }}<|end_header_id|>" + " ".repeat(2000) + "<think>";
        Path f = Files.write(dir.resolve("m.gguf"), TestGguf.model(1024, 1, template));

        ModelInfo info = ModelInfo.read(f);

        assertThat(info.gguf().metadata()).doesNotContainKey("tokenizer.chat_template");
        assertThat(info.gguf().chatTemplate()).isEqualTo(template);
        assertThat(info.chatTemplateFamilies()).containsExactly("llama3 (<|start_header_id|>)", "reasoning (<think>)");
    }

    @Test
    void aFileThatIsNotGgufIsAFormatErrorNotACrash() throws Exception {
        Path f = Files.writeString(dir.resolve("notes.gguf"), "hello, not a model");

        assertThatThrownBy(() -> ModelInfo.read(f)).isInstanceOf(FormatException.class)
                .hasMessageContaining("not a GGUF file");
    }

    @Test
    void listShowsEachModelWithTheHashItsPullRecordedAndFlagsUnreadableFiles() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        byte[] bytes = TestGguf.model(1024, 2);
        Files.write(models.resolve("tiny.gguf"), bytes);
        Files.writeString(models.resolve("tiny.gguf.sha256"), PullerTest.sha256(bytes) + "  tiny.gguf\n");
        Files.writeString(models.resolve("junk.gguf"), "junk");
        Files.createDirectories(models.resolve(".partial"));
        Files.write(models.resolve(".partial/next.gguf.part"), bytes);

        List<ModelDirectory.Entry> list = ModelDirectory.list(models);

        assertThat(list).extracting(ModelDirectory.Entry::name).containsExactly("junk", "tiny");
        ModelDirectory.Entry tiny = list.get(1);
        assertThat(tiny.architecture()).isEqualTo("llama");
        assertThat(tiny.quantisation()).isEqualTo("Q4_K_M");
        assertThat(tiny.size()).isEqualTo(bytes.length);
        assertThat(tiny.sha256()).isEqualTo(PullerTest.sha256(bytes));
        assertThat(list.get(0).problem()).contains("not a GGUF file");
        assertThat(list.get(0).sha256()).isEmpty();
        assertThat(ModelDirectory.list(dir.resolve("absent"))).isEmpty();
    }
}
