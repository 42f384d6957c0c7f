package dev.bastion.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.guard.Action;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private LoadedConfig load(String yaml, Map<String, String> env, Map<String, String> flags) throws Exception {
        Path file = dir.resolve("bastion.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(Optional.empty(), dir, env, flags, Path.of("/home/someone"));
    }

    private ConfigException failure(String yaml, Map<String, String> env) throws Exception {
        Path file = dir.resolve("bastion.yaml");
        Files.writeString(file, yaml);
        try {
            ConfigLoader.load(Optional.empty(), dir, env, Map.of(), Path.of("/home/someone"));
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException");
    }

    @Test
    void defaultsComeFromTheReferenceFile() {
        LoadedConfig loaded = ConfigLoader.load(Optional.empty(), dir, Map.of(), Map.of(), Path.of("/home/someone"));
        GatewayConfig c = loaded.config();
        assertThat(loaded.file()).isEmpty();
        assertThat(c.dataDir()).isEqualTo(Path.of("/home/someone/.bastion"));
        assertThat(c.server().host()).isEqualTo("127.0.0.1");
        assertThat(c.server().port()).isEqualTo(8080);
        assertThat(c.server().maxBodyBytes()).isEqualTo(4L * 1024 * 1024);
        assertThat(c.server().tls()).isEmpty();
        assertThat(c.store().url()).isEmpty();
        assertThat(c.limits().perKey().requestsPerMinute()).isEqualTo(600);
        assertThat(c.embeddings().enabled()).isTrue();
        assertThat(c.models()).isEmpty();
        assertThat(c.routes()).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("default");
            assertThat(r.matches("anything")).isTrue();
        });
        assertThat(loaded.origins()).containsEntry("server.port", "default");
    }

    /**
     * Round fifteen (docs/injection-model.md): the default route, and any route that names no scanners, judges what
     * the user typed with the direct injection scanner at the default route's operating point; a route that names its
     * scanners keeps the model's own threshold unless it sets one.
     */
    @Test
    void theDefaultRouteAndARouteNamingNoScannersJudgeUserMessagesAtTheOperatingPoint() throws Exception {
        RouteSettings reference = ConfigLoader.load(Optional.empty(), dir, Map.of(), Map.of(), Path.of("/home/someone"))
                .config().routes().getFirst();
        assertThat(reference.inputScanners()).containsExactly("structure", "secrets", "pii", "injection",
                "tool-injection");
        assertThat(reference.injectionThreshold()).contains(0.95);
        assertThat(reference.indirectInjectionThreshold()).isEmpty();

        List<RouteSettings> routes = load("""
                routes:
                  - name: unnamed-scanners
                    models: [a]
                  - name: own-scanners
                    models: [b]
                    input-scanners: [structure, injection]
                  - name: own-threshold
                    models: [c]
                    injection-threshold: 0.8
                """, Map.of(), Map.of()).config().routes();
        assertThat(routes.get(0).inputScanners()).isEqualTo(ConfigMapper.DEFAULT_INPUT_SCANNERS).contains("injection");
        assertThat(routes.get(0).injectionThreshold()).contains(ConfigMapper.DEFAULT_ROUTE_INJECTION_THRESHOLD);
        assertThat(routes.get(1).injectionThreshold()).isEmpty();
        assertThat(routes.get(2).injectionThreshold()).contains(0.8);
    }

    @Test
    void fileEnvironmentAndFlagsOverrideInThatOrder() throws Exception {
        String yaml = "server:\n  port: 9000\n  host: 0.0.0.0\n  idle-timeout: 90s\n";
        LoadedConfig fileOnly = load(yaml, Map.of(), Map.of());
        assertThat(fileOnly.config().server().port()).isEqualTo(9000);
        assertThat(fileOnly.config().server().idleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(fileOnly.origins().get("server.port")).endsWith("bastion.yaml:2");

        LoadedConfig withEnv = load(yaml, Map.of("BASTION_SERVER_PORT", "9100", "BASTION_DATA_DIR", "/srv/b"), Map.of());
        assertThat(withEnv.config().server().port()).isEqualTo(9100);
        assertThat(withEnv.config().dataDir()).isEqualTo(Path.of("/srv/b"));
        assertThat(withEnv.origins()).containsEntry("server.port", "env BASTION_SERVER_PORT");

        LoadedConfig withFlag = load(yaml, Map.of("BASTION_SERVER_PORT", "9100"), Map.of("server.port", "9200"));
        assertThat(withFlag.config().server().port()).isEqualTo(9200);
        assertThat(withFlag.origins()).containsEntry("server.port", "flag");
        assertThat(withFlag.config().server().host()).isEqualTo("0.0.0.0");
    }

    @Test
    void modelsAndRoutesAreMappedWithDefaultsAndRelativePaths() throws Exception {
        LoadedConfig loaded = load("""
                models:
                  - name: gpt
                    backend: openai
                    base-url: https://api.example.com/v1
                    api-key-env: OPENAI_API_KEY
                  - name: ollama
                    backend: openai
                    base-url: http://127.0.0.1:11434/v1
                  - name: llama
                    backend: local
                    path: models/llama.gguf
                routes:
                  - name: strict
                    models: [gpt]
                    local-only: true
                    input-scanners: [structure, deny-list]
                    actions: {DENY_LIST: force-local}
                    local-model: ollama
                    deny-patterns: [secret]
                """, Map.of(), Map.of());
        GatewayConfig c = loaded.config();
        assertThat(c.models()).extracting(ModelSettings::location)
                .containsExactly(Location.CLOUD, Location.LOCAL, Location.LOCAL);
        ModelSettings gpt = c.model("gpt").orElseThrow();
        assertThat(gpt.upstreamModel()).isEqualTo("gpt");
        assertThat(gpt.apiKey()).contains(new SecretRef.FromEnv("OPENAI_API_KEY"));
        assertThat(gpt.readTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(c.model("llama").orElseThrow().path()).contains(dir.resolve("models/llama.gguf"));
        RouteSettings strict = c.routes().getFirst();
        assertThat(strict.localOnly()).isTrue();
        assertThat(strict.actions()).containsEntry("DENY_LIST", Action.FORCE_LOCAL);
        assertThat(strict.localModel()).contains("ollama");
        assertThat(c.routes()).hasSize(1);
    }

    @Test
    void unknownKeysAtAnyDepthAreNamedWithFileAndLineAndReportedTogether() throws Exception {
        ConfigException e = failure("""
                server:
                  port: 8080
                  prot: 1
                models:
                  - name: a
                    backend: openai
                    base-url: http://x/v1
                  - name: b
                    backend: openai
                    base-url: http://y/v1
                    colour: blue
                wat: 1
                """, Map.of());
        assertThat(e.problems()).hasSize(3);
        assertThat(e.getMessage()).contains("server.prot (").contains("bastion.yaml:3")
                .contains("models[1].colour (").contains("bastion.yaml:11").contains("wat (");
    }

    @Test
    void invalidValuesNameTheirKey() throws Exception {
        assertThat(failure("server:\n  port: 70000\n", Map.of()).getMessage()).contains("server.port");
        assertThat(failure("server:\n  idle-timeout: soon\n", Map.of()).getMessage()).contains("server.idle-timeout")
                .contains("not a duration");
        assertThat(failure("server:\n  max-body-size: lots\n", Map.of()).getMessage()).contains("server.max-body-size");
        assertThat(failure("routes:\n  - name: r\n    default-action: explode\n", Map.of()).getMessage())
                .contains("routes[0].default-action").contains("unknown action");
        assertThat(failure("models:\n  - name: m\n    backend: magic\n", Map.of()).getMessage()).contains("models[m].backend");
        assertThat(failure("", Map.of("BASTION_SERVER_PROT", "1")).getMessage()).contains("BASTION_SERVER_PROT");
        assertThat(failure("", Map.of("BASTION_SERVER_PORT", "x")).getMessage()).contains("server.port")
                .contains("env BASTION_SERVER_PORT");
    }

    @Test
    void requireAssessmentListsKnownKindsAndNeedsTrustedKeys() throws Exception {
        Path pub = Files.writeString(dir.resolve("k.pub"), "not read at load");
        LoadedConfig ok = load("model-security:\n  trusted-keys: [" + pub + "]\n  require-assessment: [membership, "
                + "fairness]\n", Map.of(), Map.of());
        assertThat(ok.config().modelSecurity().requireAssessment()).containsExactly("membership", "fairness");
        assertThat(failure("model-security:\n  trusted-keys: [" + pub + "]\n  require-assessment: [vibes]\n",
                Map.of()).getMessage()).contains("model-security.require-assessment").contains("vibes");
        assertThat(failure("model-security:\n  require-assessment: [membership]\n", Map.of()).getMessage())
                .contains("needs at least one file in model-security.trusted-keys");
    }

    @Test
    void inlineSecretsAreRefusedWithTheRightAlternative() throws Exception {
        String message = failure("models:\n  - name: m\n    backend: openai\n    base-url: http://x/v1\n    api-key: sk-123\n",
                Map.of()).getMessage();
        assertThat(message).contains("api-key-env").contains("api-key-file").doesNotContain("sk-123");
        assertThat(failure("store:\n  password: hunter2\n", Map.of()).getMessage()).contains("password-env")
                .doesNotContain("hunter2");
    }

    @Test
    void missingExplicitFileIsAnError() {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(dir.resolve("nope.yaml")), dir, Map.of(), Map.of(), dir))
                .isInstanceOf(ConfigException.class).hasMessageContaining("does not exist");
    }

    @Test
    void everyKeyTheLoaderKnowsIsDocumentedInTheReferenceFile() {
        Set<String> documented = new HashSet<>();
        ConfigLoader.leaves(ConfigLoader.reference(), "", (path, v) -> documented.add(path));
        LoadedConfig loaded = ConfigLoader.load(Optional.empty(), dir, Map.of(), Map.of(), dir);
        String printed = ConfigPrinter.print(loaded);
        for (String key : documented) {
            if (!key.startsWith("routes[") && !key.startsWith("server.tls") && !key.startsWith("store.")
                    && !key.startsWith("conversations.master-key")) {
                assertThat(printed).as(key).contains(key + ": ");
            }
        }
        String reference = new String(readReference(), java.nio.charset.StandardCharsets.UTF_8);
        for (String k : ConfigLoader.MODEL_KEYS) {
            assertThat(reference).as("models[]." + k).contains(k + ":");
        }
        for (String k : ConfigLoader.ROUTE_KEYS) {
            assertThat(reference).as("routes[]." + k).contains(k + ":");
        }
        assertThat(documented).contains("server.tls.keystore-password-env", "store.password-file",
                "limits.per-tenant.concurrent-requests", "guard.stream-window-chars");
    }

    private static byte[] readReference() {
        try (var in = ConfigLoader.class.getResourceAsStream(ConfigLoader.REFERENCE)) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void printShowsOriginsAndSecretReferencesButNeverSecretValues() throws Exception {
        String canary = "sk-canary-print-123";
        LoadedConfig loaded = load("models:\n  - name: m\n    backend: openai\n    base-url: http://x/v1\n"
                + "    api-key-env: MY_KEY\nstore:\n  url: jdbc:postgresql://db/b?password=hunter2\n",
                Map.of("MY_KEY", canary, "BASTION_SERVER_PORT", "9999"), Map.of());
        String printed = ConfigPrinter.print(loaded);
        assertThat(printed).contains("models[0].api-key: env:MY_KEY").contains("server.port: 9999    # env BASTION_SERVER_PORT")
                .contains("models[0].name: m    # ").contains("bastion.yaml:2")
                .doesNotContain(canary).doesNotContain("hunter2");
    }

    @Test
    void durationsAndSizesParseTheirDocumentedForms() {
        assertThat(ConfigValues.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ConfigValues.duration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(ConfigValues.duration("PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThat(ConfigValues.size("4MiB")).isEqualTo(4L << 20);
        assertThat(ConfigValues.size("512KiB")).isEqualTo(512L << 10);
        assertThat(ConfigValues.size("1048576")).isEqualTo(1048576L);
        assertThatThrownBy(() -> ConfigValues.size("-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConfigValues.duration("30 seconds")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void telemetryAndLoggingKeysAreReadCheckedAndPrinted() throws Exception {
        LoadedConfig defaults = load("{}\n", Map.of(), Map.of());
        assertThat(defaults.config().telemetry()).isEqualTo(TelemetrySettings.DEFAULTS);
        LoadedConfig set = load("telemetry:\n  otlp-endpoint: http://127.0.0.1:4318\n  service-name: gw\n"
                + "  sampling-ratio: 0.25\nlogging:\n  format: json\n", Map.of(), Map.of());
        assertThat(set.config().telemetry().otlpEndpoint()).contains(java.net.URI.create("http://127.0.0.1:4318"));
        assertThat(set.config().telemetry().serviceName()).isEqualTo("gw");
        assertThat(set.config().telemetry().samplingRatio()).isEqualTo(0.25);
        assertThat(set.config().telemetry().logFormat()).isEqualTo(TelemetrySettings.LogFormat.JSON);
        assertThat(ConfigPrinter.print(set)).contains("telemetry.otlp-endpoint: http://127.0.0.1:4318")
                .contains("telemetry.sampling-ratio: 0.25").contains("logging.format: json");
        assertThat(failure("logging:\n  format: xml\n", Map.of()).problems()).anyMatch(p -> p.contains("logging.format"));
        assertThat(failure("telemetry:\n  sampling-ratio: 2\n", Map.of()).problems())
                .anyMatch(p -> p.contains("telemetry.sampling-ratio"));
        assertThat(failure("telemetry:\n  otlp-endpoint: not a url\n", Map.of()).problems())
                .anyMatch(p -> p.contains("telemetry.otlp-endpoint"));
    }

    @Test
    void auditCommitWaitIsOffByDefaultReadFromEnvAndCheckedWithItsKeyNamed() throws Exception {
        assertThat(load("{}\n", Map.of(), Map.of()).config().audit().commitWait()).isZero();
        LoadedConfig set = load("{}\n", Map.of("BASTION_AUDIT_COMMIT_WAIT", "1ms"), Map.of());
        assertThat(set.config().audit().commitWait()).isEqualTo(Duration.ofMillis(1));
        assertThat(ConfigPrinter.print(set)).contains("audit.commit-wait: PT0.001S");
        assertThat(failure("audit:\n  commit-wait: 200ms\n", Map.of()).problems())
                .anyMatch(p -> p.contains("audit.commit-wait") && p.contains("100ms"));
        assertThat(failure("audit:\n  commit-wait: soon\n", Map.of()).problems())
                .anyMatch(p -> p.contains("audit.commit-wait"));
    }

    @Test
    void warmUpRequestsAreOffByDefaultReadFromEnvAndCheckedWithTheirKeyNamed() throws Exception {
        assertThat(load("{}\n", Map.of(), Map.of()).config().server().warmUpRequests()).isZero();
        LoadedConfig set = load("{}\n", Map.of("BASTION_SERVER_WARM_UP_REQUESTS", "300"), Map.of());
        assertThat(set.config().server().warmUpRequests()).isEqualTo(300);
        assertThat(ConfigPrinter.print(set)).contains("server.warm-up-requests: 300");
        assertThat(failure("server:\n  warm-up-requests: -1\n", Map.of()).problems())
                .anyMatch(p -> p.contains("server.warm-up-requests"));
    }
}
