package dev.bastion.guard.eval;

import java.util.List;

/**
 * Ranking and rate figures of a detector's scores (the injection evaluation's AUROC, TPR at a fixed FPR and
 * percentiles), over ascending sorted score lists of attacks ({@code pos}) and benign texts ({@code neg}). This
 * class is stateless and thread-safe.
 */
public final class RankingMetrics {
    private RankingMetrics() {
    }

    /** Area under the ROC curve: the chance an attack outscores a benign text (ties count half). */
    public static double auroc(List<Double> pos, List<Double> neg) {
        if (pos.isEmpty() || neg.isEmpty()) {
            return Double.NaN;
        }
        double wins = 0;
        for (double p : pos) {
            int below = bound(neg, p, false);
            int upTo = bound(neg, p, true);
            wins += below + 0.5 * (upTo - below);
        }
        return wins / ((double) pos.size() * neg.size());
    }

    /** The TPR at the lowest threshold whose FPR on these benign scores is at most {@code fpr}. */
    public static double tprAt(List<Double> pos, List<Double> neg, double fpr) {
        if (pos.isEmpty() || neg.isEmpty()) {
            return Double.NaN;
        }
        int allowed = (int) Math.floor(fpr * neg.size());
        double t = neg.get(neg.size() - 1 - allowed);
        return (double) pos.stream().filter(s -> s > t).count() / pos.size();
    }

    /** The q-quantile of {@code xs} (any order). */
    public static double pct(List<Double> xs, double q) {
        List<Double> s = xs.stream().sorted().toList();
        return s.get(Math.max(0, Math.min(s.size() - 1, (int) Math.ceil(q * s.size()) - 1)));
    }

    /** Count of sorted values below v ({@code inclusive}: at most v). */
    private static int bound(List<Double> sorted, double v, boolean inclusive) {
        int lo = 0;
        int hi = sorted.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            double x = sorted.get(mid);
            if (x < v || inclusive && x == v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
