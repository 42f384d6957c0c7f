package dev.bastion.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleStartTest {
    @TempDir
    Path dir;

    @Test
    void aConsoleOffLoopbackWithoutTlsRefusesToStart() {
        assertThatThrownBy(() -> ConsoleFixture.start(dir, "console:\n  host: 0.0.0.0\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("console.host")
                .hasMessageContaining("server.tls");
    }

    @Test
    void aDisabledConsoleOpensNoListener() {
        try (ConsoleFixture console = ConsoleFixture.start(dir, "console:\n  enabled: false\n")) {
            assertThat(console.gateway.consolePort()).isEmpty();
            assertThat(console.gateway.port()).isPositive();
        }
    }
}
