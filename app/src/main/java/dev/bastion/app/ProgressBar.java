package dev.bastion.app;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress bar on standard error for work over a file of known size: {@code [#####-----]  50%  1,234 lines},
 * redrawn in place at most every 200 ms. Nothing is drawn for inputs of unknown size (standard input). Not
 * thread-safe.
 */
final class ProgressBar {
    private static final int WIDTH = 30;
    private static final long EVERY_NANOS = 200_000_000L;

    private final PrintStream err;
    private final String label;
    private final long total;
    private final LongSupplier clock;
    private long lastDraw;
    private boolean drawn;

    /** @param total bytes of the whole input; 0 or less draws nothing */
    ProgressBar(PrintStream err, String label, long total, LongSupplier nanoClock) {
        this.err = err;
        this.label = label;
        this.total = total;
        this.clock = nanoClock;
        this.lastDraw = nanoClock.getAsLong();
    }

    /** Redraws if enough time has passed since the last drawing. */
    void update(long done, long lines) {
        long now = clock.getAsLong();
        if (total > 0 && now - lastDraw >= EVERY_NANOS) {
            lastDraw = now;
            draw(done, lines);
        }
    }

    /** Draws the final state and ends the line, if anything was drawn. */
    void finish(long done, long lines) {
        if (drawn) {
            draw(done, lines);
            err.println();
        }
    }

    private void draw(long done, long lines) {
        double share = Math.min(1.0, done / (double) total);
        int filled = (int) Math.round(share * WIDTH);
        err.print(String.format(Locale.ROOT, "\r%s [%s%s] %3d%%  %,d lines", label, "#".repeat(filled),
                "-".repeat(WIDTH - filled), Math.round(share * 100), lines));
        err.flush();
        drawn = true;
    }
}
