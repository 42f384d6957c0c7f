package dev.bastion.models.progress;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The command line's one progress bar, on a stream (standard error): amount, percent, rate and time left. On a
 * terminal it is one line redrawn at most five times a second; otherwise (a log file, CI) a plain line at every
 * tenth of the way, or every 30 seconds when the size is unknown. The rate counts only this run's amount, not a
 * resumed prefix. Downloads use {@link #forDownload()} (plain lines in logs too); long evaluations and scans use
 * {@link #onTerminal(String)} and {@link #bytesOnTerminal()}, which draw nothing off a terminal so captured output stays clean.
 * Not thread-safe: one job, one bar.
 */
public final class ProgressBar implements Progress {
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final long PLAIN_EVERY_NANOS = 30_000_000_000L;
    private static final int WIDTH = 24;

    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier nanos;
    private final java.util.function.LongFunction<String> amount;
    private long startNanos;
    private long lastShown;
    private long base;
    private long total = -1;
    private int nextTenth;
    private int lastLength;

    /**
     * @param terminal whether {@code out} is a terminal (redraw one line) or not (occasional plain lines)
     * @param nanos the clock, {@code System::nanoTime} outside tests
     */
    public ProgressBar(PrintStream out, boolean terminal, LongSupplier nanos) {
        this(out, terminal, nanos, ProgressBar::bytes);
    }

    private ProgressBar(PrintStream out, boolean terminal, LongSupplier nanos,
            java.util.function.LongFunction<String> amount) {
        this.out = out;
        this.terminal = terminal;
        this.nanos = nanos;
        this.amount = amount;
    }

    /** A download's bar on standard error: redrawn on a terminal, plain lines in a log. */
    public static ProgressBar forDownload() {
        return new ProgressBar(System.err, stderrIsTerminal(), System::nanoTime);
    }

    /** A bar on standard error counting {@code unit}s (texts, notes, files), or {@link Progress#NONE} off a terminal. */
    public static Progress onTerminal(String unit) {
        return stderrIsTerminal() ? counting(System.err, true, System::nanoTime, unit) : Progress.NONE;
    }

    /** A bar on standard error counting bytes, or {@link Progress#NONE} off a terminal. */
    public static Progress bytesOnTerminal() {
        return stderrIsTerminal() ? new ProgressBar(System.err, true, System::nanoTime) : Progress.NONE;
    }

    /**
     * Whether file descriptor 2 is a terminal: on Linux, whether /proc/self/fd/2 points at a tty or pty device;
     * elsewhere, whether Java sees a console (standard input and output both terminals).
     */
    public static boolean stderrIsTerminal() {
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

    /**
     * A bar that counts things rather than bytes (texts scored, notes generated, training rounds), each shown as
     * {@code N unit}: the same bar, the same redraw and plain-line rules.
     */
    public static ProgressBar counting(PrintStream out, boolean terminal, LongSupplier nanos, String unit) {
        return new ProgressBar(out, terminal, nanos, n -> n + " " + unit);
    }

    @Override
    public void start(long alreadyHave, long total) {
        this.base = alreadyHave;
        this.total = total;
        this.startNanos = nanos.getAsLong();
        this.lastShown = startNanos;
        this.nextTenth = total > 0 ? (int) (alreadyHave * 10 / total) + 1 : 0;
        if (alreadyHave > 0) {
            out.println("resuming at " + amount.apply(alreadyHave) + (total > 0 ? " of " + amount.apply(total) : ""));
        }
    }

    @Override
    public void advance(long done) {
        long now = nanos.getAsLong();
        if (terminal) {
            if (now - lastShown >= REDRAW_NANOS) {
                redraw(done, now);
            }
        } else if (total > 0 ? done * 10 / total >= nextTenth && done < total : now - lastShown >= PLAIN_EVERY_NANOS) {
            if (total > 0) {
                nextTenth = (int) (done * 10 / total) + 1;
            }
            lastShown = now;
            out.println(line(done, now));
        }
    }

    @Override
    public void finish(long done) {
        long now = nanos.getAsLong();
        if (terminal) {
            redraw(done, now);
            out.println();
        } else {
            out.println(line(done, now));
        }
        out.flush();
    }

    private void redraw(long done, long now) {
        lastShown = now;
        String l = line(done, now);
        out.print("\r" + l + " ".repeat(Math.max(0, lastLength - l.length())));
        out.flush();
        lastLength = l.length();
    }

    /** The progress line: what is done, of how much, how fast, and how long until the end. */
    String line(long done, long now) {
        double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
        double rate = (done - base) / seconds;
        StringBuilder b = new StringBuilder();
        if (total > 0) {
            double fraction = Math.min(1.0, (double) done / total);
            int filled = (int) Math.round(fraction * WIDTH);
            b.append('[').append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append("] ");
            b.append(String.format(Locale.ROOT, "%5.1f%% ", fraction * 100));
            b.append(amount.apply(done)).append(" / ").append(amount.apply(total));
        } else {
            b.append(amount.apply(done));
        }
        b.append("  ").append(amount.apply((long) rate)).append("/s");
        if (total > 0 && done < total) {
            b.append("  ETA ").append(rate >= 1 ? duration((long) ((total - done) / rate)) : "?");
        }
        return b.toString();
    }

    /** A byte count for people: {@code 512 B}, {@code 1.5 KiB}, {@code 807.7 MiB}. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String duration(long seconds) {
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
    }
}
