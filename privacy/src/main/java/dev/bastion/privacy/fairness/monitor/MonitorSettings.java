package dev.bastion.privacy.fairness.monitor;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * One fairness monitor: which group attributes it splits decisions by, how many resolved decisions make a group's
 * window, how many first windows form the baseline, how far a window may move from it, and the memory bounds.
 *
 * @param name the monitor's name, as services send it ({@code credit-model})
 * @param attributes the group attributes, in order ({@code [sex]}, or {@code [race, sex]} for intersections); every
 *        decision must give exactly these
 * @param windowSize resolved decisions (decision and label known) per group per window
 * @param baselineWindows the first windows of each group, pooled, form its baseline
 * @param bound the largest difference from the baseline, in absolute rate, that is not an alert
 * @param metrics the rates tested per group and window
 * @param falseAlertRate the chance a stable window raises any alert at all, spread over every test of the window
 *        (groups times metrics, Bonferroni); 0.01 means at most one false alert per 100 stable windows
 * @param pendingTtl how long a decision waits for its label before it is dropped (and counted as expired)
 * @param maxPending decisions waiting for a label at most; a batch that would pass it is refused whole
 * @param maxGroups distinct groups at most; a decision from a new group past it is refused
 */
public record MonitorSettings(String name, List<String> attributes, int windowSize, int baselineWindows, double bound,
        List<WindowMetric> metrics, double falseAlertRate, Duration pendingTtl, int maxPending, int maxGroups) {

    /**
     * Whether {@code s} is a plain name (monitors, attributes, group values): 1 to 64 letters, digits, '_', '.' or '-',
     * starting with a letter or digit. Short and plain, since these become metric labels and audit fields.
     */
    static boolean plainName(String s) {
        return s != null && s.length() <= 64 && Character.isLetterOrDigit(first(s)) && ascii(s, "_.-");
    }

    private static char first(String s) {
        return s.isEmpty() ? ' ' : s.charAt(0);
    }

    /** Whether every character is an ASCII letter or digit or one of {@code extra}. */
    static boolean ascii(String s, String extra) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || extra.indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    public MonitorSettings {
        Objects.requireNonNull(name, "name");
        if (!plainName(name)) {
            throw new IllegalArgumentException("name must be 1 to 64 letters, digits, '_', '.' or '-', starting with a "
                    + "letter or digit");
        }
        attributes = List.copyOf(attributes);
        if (attributes.isEmpty() || attributes.size() > 4) {
            throw new IllegalArgumentException("attributes: give 1 to 4 group attributes, such as [sex]");
        }
        if (new HashSet<>(attributes).size() != attributes.size()) {
            throw new IllegalArgumentException("attributes: an attribute is listed twice");
        }
        for (String a : attributes) {
            if (!plainName(a)) {
                throw new IllegalArgumentException("attributes: '" + a + "' is not a plain name (letters, digits, '_', '.', '-')");
            }
        }
        if (windowSize < 20 || windowSize > 10_000_000) {
            throw new IllegalArgumentException("window-size must be from 20 to 10,000,000 decisions, got " + windowSize);
        }
        if (baselineWindows < 1 || baselineWindows > 1000) {
            throw new IllegalArgumentException("baseline-windows must be from 1 to 1000, got " + baselineWindows);
        }
        if (!(bound >= 0 && bound < 1)) {
            throw new IllegalArgumentException("bound must be a rate difference from 0 to below 1, got " + bound);
        }
        metrics = List.copyOf(metrics);
        if (metrics.isEmpty() || new HashSet<>(metrics).size() != metrics.size()) {
            throw new IllegalArgumentException("metrics: give each of selection-rate, tpr, fpr at most once, at least one");
        }
        if (!(falseAlertRate > 0 && falseAlertRate < 0.5)) {
            throw new IllegalArgumentException("false-alert-rate must be above 0 and below 0.5, got " + falseAlertRate);
        }
        Objects.requireNonNull(pendingTtl, "pending-ttl");
        if (pendingTtl.isNegative() || pendingTtl.isZero()) {
            throw new IllegalArgumentException("pending-ttl must be positive");
        }
        if (maxPending < 1 || maxPending > 10_000_000) {
            throw new IllegalArgumentException("max-pending must be from 1 to 10,000,000, got " + maxPending);
        }
        if (maxGroups < 1 || maxGroups > 1000) {
            throw new IllegalArgumentException("max-groups must be from 1 to 1000, got " + maxGroups);
        }
    }

    /**
     * Defaults for everything but the name, attributes and window size: 8 baseline windows, bound 0.01, all three
     * metrics, false-alert rate 0.01, pending decisions kept 7 days, at most 100,000 of them and 64 groups.
     */
    public static MonitorSettings of(String name, List<String> attributes, int windowSize) {
        return new MonitorSettings(name, attributes, windowSize, 8, 0.01, List.of(WindowMetric.values()), 0.01,
                Duration.ofDays(7), 100_000, 64);
    }

    /**
     * The two-sided miss rate of each window's intervals: the false-alert rate shared among the tests a window can
     * run, at most {@code maxGroups} (the groups seen so far, when fewer) times the metrics.
     */
    public double alphaPerTest(int groups) {
        return falseAlertRate / ((long) Math.max(1, groups) * metrics.size());
    }
}
