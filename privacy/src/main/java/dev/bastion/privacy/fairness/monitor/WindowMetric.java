package dev.bastion.privacy.fairness.monitor;

import dev.bastion.privacy.fairness.Confusion;

/**
 * A rate the monitor watches per group and window, with the counts it is a proportion of: the numerator and the
 * denominator feed the binomial interval. A window whose denominator is zero (no negative outcomes, say) has no value
 * for that metric and is not tested.
 */
public enum WindowMetric {
    /** P(decision = 1): what demographic parity compares. */
    SELECTION_RATE("selection-rate"),
    /** P(decision = 1 | label = 1). */
    TPR("tpr"),
    /** P(decision = 1 | label = 0). */
    FPR("fpr");

    private final String configName;

    WindowMetric(String configName) {
        this.configName = configName;
    }

    /** The name in config, JSON, audit records and metric labels. */
    public String configName() {
        return configName;
    }

    /** {@code selection-rate}, {@code tpr} or {@code fpr}. */
    public static WindowMetric fromConfig(String name) {
        for (WindowMetric m : values()) {
            if (m.configName.equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown fairness metric '" + name + "'; use selection-rate, tpr or fpr");
    }

    long successes(Confusion c) {
        return switch (this) {
            case SELECTION_RATE -> c.tp() + c.fp();
            case TPR -> c.tp();
            case FPR -> c.fp();
        };
    }

    long trials(Confusion c) {
        return switch (this) {
            case SELECTION_RATE -> c.n();
            case TPR -> c.tp() + c.fn();
            case FPR -> c.fp() + c.tn();
        };
    }
}
