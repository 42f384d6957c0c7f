package dev.bastion.privacy.fairness.monitor;

import java.util.Objects;

/**
 * A window that left its group's baseline: the metric differs from the baseline by more than the bound, and the
 * window's whole confidence interval lies outside baseline ± bound. Metadata only: no request id, no case.
 *
 * @param monitor the monitor's name
 * @param group the group ({@code sex=female}; attributes in the monitor's order)
 * @param metric the rate that moved
 * @param window the group's window number, from 1
 * @param value the rate in the window
 * @param baseline the rate over the group's baseline windows
 * @param low the interval's lower end
 * @param high the interval's upper end
 * @param bound the configured bound
 */
public record Alert(String monitor, String group, WindowMetric metric, long window, double value, double baseline,
        double low, double high, double bound) {
    public Alert {
        Objects.requireNonNull(monitor, "monitor");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(metric, "metric");
        if (window < 1 || !(low <= value && value <= high) || Double.isNaN(baseline)) {
            throw new IllegalArgumentException("an alert needs a window from 1, low <= value <= high and a baseline");
        }
        if (!(low > baseline + bound || high < baseline - bound)) {
            throw new IllegalArgumentException("an alert's interval must lie outside baseline ± bound");
        }
    }

    /** One line for audit records and logs: names and numbers only. */
    public String describe() {
        return "monitor=" + monitor + " group=" + group + " metric=" + metric.configName() + " window=" + window
                + " value=" + round(value) + " baseline=" + round(baseline) + " ci=[" + round(low) + "," + round(high)
                + "] bound=" + round(bound);
    }

    private static String round(double v) {
        return String.format(java.util.Locale.ROOT, "%.4f", v);
    }
}
