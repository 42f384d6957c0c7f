package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bastion completion bash|zsh}: scripts that the shells accept and that complete real commands. */
class CompletionCommandTest {
    @TempDir
    Path dir;

    private static boolean hasBash() {
        return Files.isExecutable(Path.of("/bin/bash")) || Files.isExecutable(Path.of("/usr/bin/bash"));
    }

    /** Runs a bash script and returns {exit code, stdout and stderr}. */
    private static Object[] bash(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "bash";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Object[] {p.exitValue(), out};
    }

    private Path script(String shell) throws Exception {
        Object[] r = KeysCommandTest.run("completion", shell);
        assertThat(r[0]).as("stderr: %s", r[2]).isEqualTo(0);
        Path file = dir.resolve("bastion." + shell);
        Files.writeString(file, (String) r[1]);
        return file;
    }

    @Test
    void theBashScriptIsValidBashAndRegistersCompletionForBastion() throws Exception {
        Path file = script("bash");
        assertThat(Files.readString(file)).contains("complete ").contains("bastion");
        assumeTrue(hasBash(), "bash is not installed");
        Object[] syntax = bash("-n", file.toString());
        assertThat(syntax[0]).as((String) syntax[1]).isEqualTo(0);
        Object[] registered = bash("-c", "source '" + file + "' && complete -p bastion");
        assertThat(registered[0]).as((String) registered[1]).isEqualTo(0);
        assertThat((String) registered[1]).contains("complete").contains("bastion");
    }

    @Test
    void theBashScriptCompletesSubcommandsAndTheirOptions() throws Exception {
        Path file = script("bash");
        assumeTrue(hasBash(), "bash is not installed");
        String complete = "source '" + file + "'; f=$(complete -p bastion | sed -n 's/.*-F \\([^ ]*\\).*/\\1/p'); "
                + "COMP_WORDS=(bastion %s); COMP_CWORD=%d; COMP_LINE='bastion %s'; COMP_POINT=${#COMP_LINE}; "
                + "$f; printf '%%s\\n' \"${COMPREPLY[@]}\"";
        Object[] top = bash("-c", String.format(complete, "mod", 1, "mod"));
        assertThat(((String) top[1]).lines()).as((String) top[1]).contains("model");
        Object[] nested = bash("-c", String.format(complete, "dp query --ep", 3, "dp query --ep"));
        assertThat(((String) nested[1]).lines()).as((String) nested[1]).contains("--epsilon");
    }

    @Test
    void theZshScriptIsTheBashScriptAfterBashcompinit() throws Exception {
        String bash = Files.readString(script("bash"));
        String zsh = Files.readString(script("zsh"));
        assertThat(zsh).startsWith(CompletionCommand.ZSH_PRELUDE).endsWith(bash).contains("bashcompinit");
        Object[] help = KeysCommandTest.run("completion", "--help");
        assertThat((String) help[1]).contains("bashcompinit");
    }

    @Test
    void theZshScriptRegistersTheCompletionFunctionInZsh() throws Exception {
        Path file = script("zsh");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/zsh")) || Files.isExecutable(Path.of("/bin/zsh")),
                "zsh is not installed");
        ProcessBuilder pb = new ProcessBuilder("zsh", "-c", "source '" + file + "' && print -r -- ${_comps[bastion]}")
                .redirectErrorStream(true);
        pb.environment().put("HOME", dir.toString()); // compinit writes its dump file there
        pb.environment().remove("ZDOTDIR");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("_complete_bastion");
    }

    @Test
    void anUnknownShellIsRefusedByName() {
        Object[] r = KeysCommandTest.run("completion", "fish");
        assertThat(r[0]).isEqualTo(ExitCodes.FAILED);
        assertThat((String) r[2]).contains("bash or zsh, got 'fish'");
        assertThat((String) r[1]).isEmpty();
    }
}
