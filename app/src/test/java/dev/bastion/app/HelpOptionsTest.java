package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HelpOptionsTest {
    @ParameterizedTest
    @ValueSource(strings = {"scan", "dp query", "eval route", "keys create", "model pull", "serve"})
    void everySubcommandAnswersHelpWithItsUsageAndExitsZero(String command) {
        String[] args = (command + " --help").split(" ");
        Object[] r = KeysCommandTest.run(args);
        assertThat(r[0]).isEqualTo(0);
        assertThat((String) r[1]).contains("Usage: bastion " + command).contains("-h, --help");
    }

    @ParameterizedTest
    @ValueSource(strings = {"scan", "keys list"})
    void everySubcommandAnswersVersion(String command) {
        Object[] r = KeysCommandTest.run((command + " --version").split(" "));
        assertThat(r[0]).isEqualTo(0);
        assertThat((String) r[1]).startsWith("bastion ");
    }
}
