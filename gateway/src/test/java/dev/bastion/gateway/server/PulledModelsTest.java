package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local first: with no models in the config, the gateway serves the GGUF files in {@code <data-dir>/models} (where
 * {@code bastion model pull} puts them) with the local engine; a declared model list turns that off. Skipped, not
 * passed, when the shared model file is absent.
 */
class PulledModelsTest {
    private static final String ENGINE = "local-engine:\n  context-size: 128\n  threads: 1\n  max-tokens: 8\n";

    @TempDir
    Path dir;

    private Path pull() throws Exception {
        Optional<Path> file = LocalBaseModelTest.PLACES.stream().filter(Files::isRegularFile).findFirst();
        assumeTrue(file.isPresent(), "stories260K.gguf not found at " + LocalBaseModelTest.PLACES);
        Path models = Files.createDirectories(dir.resolve("data/models"));
        Files.copy(file.get(), models.resolve("stories260K.gguf"));
        Files.writeString(models.resolve("broken.gguf"), "not a model");
        return models;
    }

    @Test
    void withNoModelsConfiguredEveryReadablePulledModelIsServedLocally() throws Exception {
        pull();
        try (TestGateway g = TestGateway.start(dir, ENGINE)) {
            String key = g.createKey(Role.USER, "t", List.of("*"));
            String listed = g.get("/v1/models", key).body();
            assertThat(listed).contains("\"stories260K\"").doesNotContain("broken");
            assertThat(g.gateway().localBackend().loaded("stories260K")).isPresent();
        }
    }

    @Test
    void aDeclaredModelListIsServedAsWrittenWithoutThePulledFiles() throws Exception {
        pull();
        try (FakeUpstream up = FakeUpstream.start();
                TestGateway g = TestGateway.start(dir, ENGINE + "models:\n" + TestGateway.model("m", up, "local"))) {
            String key = g.createKey(Role.USER, "t", List.of("*"));
            assertThat(g.get("/v1/models", key).body()).contains("\"m\"").doesNotContain("stories260K");
        }
    }
}
