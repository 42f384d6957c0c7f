package dev.bastion.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleConfigTest {
    @TempDir
    Path dir;

    private LoadedConfig load(String yaml, Map<String, String> env) throws Exception {
        Files.writeString(dir.resolve("bastion.yaml"), yaml);
        return ConfigLoader.load(Optional.empty(), dir, env, Map.of(), Path.of("/home/someone"));
    }

    @Test
    void theConsoleIsOnAndOnLoopbackPort8081ByDefault() throws Exception {
        ConsoleSettings console = load("{}\n", Map.of()).config().console();
        assertThat(console).isEqualTo(ConsoleSettings.DEFAULTS);
        assertThat(console.enabled()).isTrue();
        assertThat(console.host()).isEqualTo("127.0.0.1");
        assertThat(console.port()).isEqualTo(8081);
        assertThat(console.loopbackOnly()).isTrue();
    }

    @Test
    void consoleKeysComeFromTheFileAndTheEnvironmentAndArePrinted() throws Exception {
        LoadedConfig loaded = load("console:\n  enabled: false\n  host: 0.0.0.0\n", Map.of("BASTION_CONSOLE_PORT", "9443"));
        assertThat(loaded.config().console()).isEqualTo(new ConsoleSettings(false, "0.0.0.0", 9443));
        assertThat(loaded.config().console().loopbackOnly()).isFalse();
        assertThat(ConfigPrinter.print(loaded)).contains("console.enabled: false").contains("console.host: 0.0.0.0")
                .contains("console.port: 9443    # env BASTION_CONSOLE_PORT");
    }

    @Test
    void aBadConsolePortNamesItsKey() throws Exception {
        Files.writeString(dir.resolve("bastion.yaml"), "console:\n  port: 70000\n");
        try {
            ConfigLoader.load(Optional.empty(), dir, Map.of(), Map.of(), Path.of("/home/someone"));
            throw new AssertionError("expected a ConfigException");
        } catch (ConfigException e) {
            assertThat(e.problems()).anyMatch(p -> p.contains("console.port"));
        }
    }
}
