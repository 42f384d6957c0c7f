package dev.bastion.privacy.dp;

/**
 * An interval that contains the true (non-private, contribution-bounded) value with probability at least
 * {@code confidence}, computed from the noise distribution alone, so publishing it costs no privacy.
 */
public record ConfidenceInterval(double lower, double upper, double confidence) {
    public ConfidenceInterval {
        if (Double.isNaN(lower) || Double.isNaN(upper) || lower > upper) {
            throw new IllegalArgumentException("need lower <= upper, got [" + lower + ", " + upper + "]");
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
        }
    }

    public boolean contains(double value) {
        return value >= lower && value <= upper;
    }
}
