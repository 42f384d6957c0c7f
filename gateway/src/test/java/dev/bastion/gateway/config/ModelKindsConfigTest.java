package dev.bastion.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backend: anthropic} and {@code kind: embeddings} entries of {@code models}: defaults, checks, printing. */
class ModelKindsConfigTest {
    @TempDir
    Path dir;

    private LoadedConfig load(String yaml) throws Exception {
        Files.writeString(dir.resolve("bastion.yaml"), yaml);
        return ConfigLoader.load(Optional.empty(), dir, Map.of(), Map.of(), Path.of("/home/someone"));
    }

    private String problems(String yaml) throws Exception {
        try {
            load(yaml);
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected a ConfigException");
    }

    @Test
    void anAnthropicModelDefaultsToAnthropicsApiAsACloudModel() throws Exception {
        LoadedConfig loaded = load("""
                models:
                  - name: claude
                    backend: anthropic
                    api-key-env: ANTHROPIC_API_KEY
                    upstream-model: claude-sonnet-4-5
                """);
        ModelSettings m = loaded.config().models().getFirst();
        assertThat(m.baseUrl()).contains(URI.create("https://api.anthropic.com"));
        assertThat(m.location()).isEqualTo(Location.CLOUD);
        assertThat(m.anthropicVersion()).isEqualTo("2023-06-01");
        assertThat(m.maxTokens()).isEqualTo(4096);
        assertThat(m.kind()).isEqualTo(ModelSettings.Kind.CHAT);
        assertThat(ConfigPrinter.print(loaded)).contains("models[0].anthropic-version").contains("models[0].max-tokens");
    }

    @Test
    void anAnthropicModelTakesItsVersionAndMaxTokens() throws Exception {
        ModelSettings m = load("""
                models:
                  - name: claude
                    backend: anthropic
                    anthropic-version: "2024-01-01"
                    max-tokens: 512
                """).config().models().getFirst();
        assertThat(m.anthropicVersion()).isEqualTo("2024-01-01");
        assertThat(m.maxTokens()).isEqualTo(512);
    }

    @Test
    void anEmbeddingsModelIsReadAndOnlyTheOpenAiBackendMayServeOne() throws Exception {
        ModelSettings m = load("""
                models:
                  - name: text-embedding-3-small
                    backend: openai
                    kind: embeddings
                    base-url: https://api.openai.com/v1
                """).config().models().getFirst();
        assertThat(m.kind()).isEqualTo(ModelSettings.Kind.EMBEDDINGS);

        assertThat(problems("""
                models:
                  - name: e
                    backend: anthropic
                    kind: embeddings
                """)).contains("models[e].kind").contains("backend openai");
        assertThat(problems("""
                models:
                  - name: e
                    backend: openai
                    base-url: http://127.0.0.1:1/v1
                    kind: vectors
                """)).contains("models[0].kind").contains("chat or embeddings");
    }

    @Test
    void aMalformedAnthropicVersionOrMaxTokensIsAStartupErrorNamingTheKey() throws Exception {
        assertThat(problems("""
                models:
                  - name: claude
                    backend: anthropic
                    anthropic-version: latest
                """)).contains("anthropic-version");
        assertThat(problems("""
                models:
                  - name: claude
                    backend: anthropic
                    max-tokens: 0
                """)).contains("max-tokens");
    }
}
