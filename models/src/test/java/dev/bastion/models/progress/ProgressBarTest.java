package dev.bastion.models.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private final AtomicLong clock = new AtomicLong();
    private final ByteArrayOutputStream sink = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8);

    private String shown() {
        return sink.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theLineShowsBytesPercentRateAndTimeLeft() {
        ProgressBar bar = new ProgressBar(out, true, clock::get);
        bar.start(0, 100L << 20);
        clock.set(2_000_000_000L); // 2 s for 25 MiB: 12.5 MiB/s, 75 MiB left: 6 s

        assertThat(bar.line(25L << 20, clock.get()))
                .isEqualTo("[######------------------]  25.0% 25.0 MiB / 100.0 MiB  12.5 MiB/s  ETA 0:06");
    }

    @Test
    void aCountingBarShowsThingsNotBytes() {
        ProgressBar bar = ProgressBar.counting(out, true, clock::get, "notes");
        bar.start(0, 2000);
        clock.set(4_000_000_000L); // 4 s for 500 notes: 125 notes/s, 1500 left: 12 s

        assertThat(bar.line(500, clock.get()))
                .isEqualTo("[######------------------]  25.0% 500 notes / 2000 notes  125 notes/s  ETA 0:12");
    }

    @Test
    void onATerminalItRedrawsOneLineAtMostFiveTimesASecond() {
        ProgressBar bar = new ProgressBar(out, true, clock::get);
        bar.start(0, 1000);
        for (int i = 1; i <= 1000; i++) {
            clock.addAndGet(1_000_000L); // 1 ms per byte: one second in all
            bar.advance(i);
        }
        bar.finish(1000);

        String s = shown();
        assertThat(s.chars().filter(c -> c == '\r').count()).isBetween(5L, 7L);
        assertThat(s.chars().filter(c -> c == '\n').count()).isEqualTo(1);
        assertThat(s).endsWith("100.0% 1000 B / 1000 B  1000 B/s\n");
    }

    @Test
    void offATerminalItPrintsAPlainLineAtEveryTenthAndNoCarriageReturns() {
        ProgressBar bar = new ProgressBar(out, false, clock::get);
        bar.start(0, 1000);
        for (int i = 1; i <= 1000; i++) {
            clock.addAndGet(1_000_000L);
            bar.advance(i);
        }
        bar.finish(1000);

        assertThat(shown()).doesNotContain("\r");
        assertThat(shown().lines()).hasSize(10).allMatch(l -> l.startsWith("["));
    }

    @Test
    void aResumedDownloadSaysWhereItResumesAndCountsOnlyNewBytesInTheRate() {
        ProgressBar bar = new ProgressBar(out, false, clock::get);
        bar.start(600L << 20, 1000L << 20);
        clock.set(1_000_000_000L);

        assertThat(shown()).startsWith("resuming at 600.0 MiB of 1000.0 MiB");
        assertThat(bar.line(610L << 20, clock.get())).contains("10.0 MiB/s").contains("ETA 0:39");
    }

    @Test
    void offATerminalEvaluationsDrawNoProgressAtAllWhileADownloadStillLogsPlainLines() {
        // Under the test runner standard error is a pipe or a file, never a terminal.
        assertThat(ProgressBar.stderrIsTerminal()).isFalse();
        assertThat(ProgressBar.onTerminal("notes")).isSameAs(Progress.NONE);
        assertThat(ProgressBar.bytesOnTerminal()).isSameAs(Progress.NONE);
        assertThat(ProgressBar.forDownload()).isNotSameAs(Progress.NONE);
    }
}
