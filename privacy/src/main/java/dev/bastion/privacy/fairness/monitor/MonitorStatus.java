package dev.bastion.privacy.fairness.monitor;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of one monitor: its counters, each group's windows, and its most recent alerts. Immutable.
 *
 * @param settings the monitor's settings
 * @param decisions decisions accepted since start
 * @param resolved decisions joined to a label
 * @param pending decisions waiting for a label now
 * @param expired decisions dropped unresolved after the pending time-to-live
 * @param orphans outcomes that matched no pending decision
 * @param duplicates decisions posted again while pending
 * @param alertsRaised alerts since start
 * @param groups each group, in the order first seen
 * @param recentAlerts the latest alerts, oldest first (at most {@link FairnessMonitor#RECENT_ALERTS})
 */
public record MonitorStatus(MonitorSettings settings, long decisions, long resolved, int pending, long expired,
        long orphans, long duplicates, long alertsRaised, List<Group> groups, List<Alert> recentAlerts) {
    public MonitorStatus {
        Objects.requireNonNull(settings, "settings");
        groups = List.copyOf(groups);
        recentAlerts = List.copyOf(recentAlerts);
    }

    /**
     * One group.
     *
     * @param group its name ({@code sex=female})
     * @param closedWindows windows closed so far
     * @param baselineReady whether its baseline windows are all closed (windows after them are tested)
     * @param filling resolved decisions in the window being filled
     * @param metrics per metric: the last closed window and the baseline
     */
    public record Group(String group, long closedWindows, boolean baselineReady, long filling,
            Map<WindowMetric, Metric> metrics) {
        public Group {
            Objects.requireNonNull(group, "group");
            metrics = Map.copyOf(metrics);
        }
    }

    /**
     * A metric of a group: the last closed window's value and interval, and the baseline; NaN where undefined (no
     * closed window yet, or no trials).
     */
    public record Metric(double value, double low, double high, double baseline) {
    }
}
