package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Every command of the tree, found by walking it (never a hand-kept list), answers --help and has a description. */
class HelpOptionsTest {

    /** Every command's words after {@code bastion}, from the root ("") down, at every depth. */
    static List<String> commands() {
        List<String> out = new ArrayList<>();
        walk(Main.commandLine(), "", out);
        return out;
    }

    private static void walk(CommandLine command, String path, List<String> out) {
        out.add(path);
        for (Map.Entry<String, CommandLine> sub : command.getSubcommands().entrySet()) {
            if (sub.getKey().equals(sub.getValue().getCommandName())) { // aliases name the same command again
                walk(sub.getValue(), (path.isEmpty() ? "" : path + " ") + sub.getKey(), out);
            }
        }
    }

    private static CommandLine find(String path) {
        CommandLine c = Main.commandLine();
        for (String word : path.isEmpty() ? new String[0] : path.split(" ")) {
            c = c.getSubcommands().get(word);
        }
        return c;
    }

    @Test
    void theWalkReachesNestedCommandsAndNamesEachOnce() {
        List<String> all = commands();
        assertThat(all).contains("", "dp query", "eval route", "keys create", "model pull", "model catalogue",
                "completion", "health", "audit verify").doesNotHaveDuplicates().doesNotContain("model catalog");
        assertThat(all.size()).isGreaterThan(40);
    }

    @ParameterizedTest(name = "bastion {0} --help")
    @MethodSource("commands")
    void everyCommandAnswersHelpWithItsUsageAndExitCodesAndExitsZero(String command) {
        List<String> args = new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
        args.add("--help");
        Object[] r = KeysCommandTest.run(args.toArray(String[]::new));
        assertThat(r[0]).as("stderr: %s", r[2]).isEqualTo(0);
        assertThat((String) r[1]).contains("Usage: bastion" + (command.isEmpty() ? "" : " " + command))
                .contains("-h, --help").contains("Exit codes:").contains("Refused: the privacy budget");
    }

    @ParameterizedTest(name = "bastion {0} has a description")
    @MethodSource("commands")
    void everyCommandHasADescription(String command) {
        String[] description = find(command).getCommandSpec().usageMessage().description();
        assertThat(String.join(" ", description)).as(command).isNotBlank().hasSizeGreaterThan(15);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scan", "keys list"})
    void everySubcommandAnswersVersion(String command) {
        Object[] r = KeysCommandTest.run((command + " --version").split(" "));
        assertThat(r[0]).isEqualTo(0);
        assertThat((String) r[1]).startsWith("bastion ");
    }

    @Test
    void theVersionNamesTheCommitWhenTheJarRecordsOne() {
        assertThat(Main.Version.describe("0.1.0", "4c942db")).isEqualTo("bastion 0.1.0 (commit 4c942db)");
        assertThat(Main.Version.describe("0.1.0", null)).isEqualTo("bastion 0.1.0");
        assertThat(Main.Version.describe(null, null)).isEqualTo("bastion development build");
    }

    @Test
    void aWrongOptionExitsWithTheUsageCodeTheHelpLists() {
        Object[] r = KeysCommandTest.run("keys", "list", "--no-such-option");
        assertThat(r[0]).isEqualTo(ExitCodes.USAGE);
        assertThat(ExitCodes.helpList()).containsKeys("0", "1", "2", "3");
    }
}
