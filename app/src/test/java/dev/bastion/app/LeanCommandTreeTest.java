package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code bastion NAME ...} builds only NAME's tree, and NAME behaves in it exactly as in the whole tree. */
class LeanCommandTreeTest {

    static Stream<String> topLevelCommands() {
        return Main.commandLine().getSubcommands().entrySet().stream()
                .filter(e -> e.getKey().equals(e.getValue().getCommandName()))
                .map(Map.Entry::getKey)
                .filter(name -> !List.of("help", "completion").contains(name));
    }

    @ParameterizedTest(name = "bastion {0}")
    @MethodSource("topLevelCommands")
    void aRunNamingOneCommandBuildsThatCommandAloneWithTheSameHelpAsTheWholeTree(String name) {
        CommandLine lean = Main.commandLineFor(name);
        CommandLine whole = Main.commandLine().getSubcommands().get(name);

        assertThat(lean.getSubcommands().keySet()).containsOnly(name);
        assertThat(lean.getSubcommands().get(name).getUsageMessage()).isEqualTo(whole.getUsageMessage());
    }

    @ParameterizedTest(name = "bastion {0} ...")
    @ValueSource(strings = {"help", "completion", "--help", "-V", "serv", ""})
    void helpCompletionOptionsAndUnknownWordsGetTheWholeTree(String first) {
        assertThat(Main.commandLineFor(first).getSubcommands().keySet())
                .isEqualTo(Main.commandLine().getSubcommands().keySet());
    }
}
