package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.models.pull.Progress;
import org.junit.jupiter.api.Test;

class TerminalProgressTest {
    @Test
    void offATerminalLongJobsDrawNoProgressAtAll() {
        // Under the test runner standard error is a pipe or a file, never a terminal.
        assertThat(TerminalProgress.stderrIsTerminal()).isFalse();
        assertThat(TerminalProgress.counting("notes")).isSameAs(Progress.NONE);
        assertThat(TerminalProgress.bytes()).isSameAs(Progress.NONE);
    }
}
