package dev.bastion.privacy.fairness.monitor;

import dev.bastion.privacy.fairness.Confusion;
import java.util.Optional;

/**
 * One group's tumbling windows: the confusion counts of the window being filled, the pooled counts of its first
 * baseline windows, and the last closed window. Counts only. Not thread-safe: {@link FairnessMonitor} guards it.
 */
final class GroupWindows {
    private final String group;
    private final int windowSize;
    private final int baselineWindows;
    private long tp;
    private long fp;
    private long fn;
    private long tn;
    private long closed;
    private Confusion baseline = new Confusion(0, 0, 0, 0);
    private Confusion last;

    GroupWindows(String group, int windowSize, int baselineWindows) {
        this.group = group;
        this.windowSize = windowSize;
        this.baselineWindows = baselineWindows;
    }

    /** A closed window: its number (from 1), its counts, and whether it went into the baseline. */
    record Closed(long window, Confusion counts, boolean baseline) {
    }

    /** Counts one resolved decision; the window it closes, if it fills one. */
    Optional<Closed> add(boolean decision, boolean label) {
        if (decision) {
            if (label) {
                tp++;
            } else {
                fp++;
            }
        } else if (label) {
            fn++;
        } else {
            tn++;
        }
        if (tp + fp + fn + tn < windowSize) {
            return Optional.empty();
        }
        Confusion window = new Confusion(tp, fp, fn, tn);
        tp = fp = fn = tn = 0;
        closed++;
        last = window;
        boolean intoBaseline = closed <= baselineWindows;
        if (intoBaseline) {
            baseline = new Confusion(baseline.tp() + window.tp(), baseline.fp() + window.fp(),
                    baseline.fn() + window.fn(), baseline.tn() + window.tn());
        }
        return Optional.of(new Closed(closed, window, intoBaseline));
    }

    String group() {
        return group;
    }

    Confusion baseline() {
        return baseline;
    }

    boolean baselineReady() {
        return closed >= baselineWindows;
    }

    long closedWindows() {
        return closed;
    }

    Optional<Confusion> lastWindow() {
        return Optional.ofNullable(last);
    }

    Confusion filling() {
        return new Confusion(tp, fp, fn, tn);
    }
}
