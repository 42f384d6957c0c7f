package dev.bastion.privacy.fairness;

/**
 * A binary confusion matrix: positive means the favourable decision (a loan granted, a high-risk flag: whatever the
 * caller calls positive). Rates whose denominator is zero are NaN, never a made-up 0.
 */
public record Confusion(long tp, long fp, long fn, long tn) {
    public Confusion {
        if (tp < 0 || fp < 0 || fn < 0 || tn < 0) {
            throw new IllegalArgumentException("confusion counts must not be negative");
        }
    }

    public long n() {
        return tp + fp + fn + tn;
    }

    /** P(decision = positive). */
    public double selectionRate() {
        return ratio(tp + fp, n());
    }

    /** P(decision = positive | outcome = positive). */
    public double tpr() {
        return ratio(tp, tp + fn);
    }

    /** P(decision = positive | outcome = negative). */
    public double fpr() {
        return ratio(fp, fp + tn);
    }

    /** P(decision = negative | outcome = positive). */
    public double fnr() {
        return ratio(fn, tp + fn);
    }

    /** P(outcome = positive | decision = positive). */
    public double precision() {
        return ratio(tp, tp + fp);
    }

    /** P(outcome = positive): the base rate. */
    public double baseRate() {
        return ratio(tp + fn, n());
    }

    private static double ratio(long a, long b) {
        return b == 0 ? Double.NaN : (double) a / b;
    }

    /** Counts decisions against outcomes over the rows {@code rows} (null = every row). */
    public static Confusion of(boolean[] outcome, boolean[] decision, int[] rows) {
        long tp = 0;
        long fp = 0;
        long fn = 0;
        long tn = 0;
        int n = rows == null ? outcome.length : rows.length;
        for (int i = 0; i < n; i++) {
            int r = rows == null ? i : rows[i];
            if (decision[r]) {
                if (outcome[r]) {
                    tp++;
                } else {
                    fp++;
                }
            } else if (outcome[r]) {
                fn++;
            } else {
                tn++;
            }
        }
        return new Confusion(tp, fp, fn, tn);
    }
}
