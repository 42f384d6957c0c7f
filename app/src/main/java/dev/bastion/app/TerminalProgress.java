package dev.bastion.app;

import dev.bastion.models.pull.Progress;
import dev.bastion.models.pull.ProgressBar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Progress of a long command (an eval over a big file, a scan) on standard error, drawn by the CLI's one
 * {@link ProgressBar} and only when standard error is a terminal: redirected to a file or a pipe, a command writes
 * no progress at all, so logs and captured output stay clean.
 */
final class TerminalProgress {
    private TerminalProgress() {
    }

    /** A bar counting {@code unit}s (texts, notes, files), or {@link Progress#NONE} off a terminal. */
    static Progress counting(String unit) {
        return stderrIsTerminal() ? ProgressBar.counting(System.err, true, System::nanoTime, unit) : Progress.NONE;
    }

    /** A bar counting bytes, or {@link Progress#NONE} off a terminal. */
    static Progress bytes() {
        return stderrIsTerminal() ? new ProgressBar(System.err, true, System::nanoTime) : Progress.NONE;
    }

    /**
     * Whether file descriptor 2 is a terminal: on Linux, whether /proc/self/fd/2 points at a tty or pty device;
     * elsewhere, whether Java sees a console (standard input and output both terminals).
     */
    static boolean stderrIsTerminal() {
        Path fd = Path.of("/proc/self/fd/2");
        try {
            if (Files.isSymbolicLink(fd)) {
                String target = Files.readSymbolicLink(fd).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // fall through to the console check
        }
        java.io.Console console = System.console();
        return console != null && console.isTerminal();
    }
}
