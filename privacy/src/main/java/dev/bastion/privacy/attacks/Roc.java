package dev.bastion.privacy.attacks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How well attack scores separate members from non-members: the ROC curve, its area, the true-positive rate at low
 * false-positive rates with exact (Clopper-Pearson) intervals, and the lower bound on epsilon those counts prove
 * (Jagielski, Ullman and Oprea 2020: a mechanism that is (epsilon, delta)-DP bounds every test's TPR by
 * e^epsilon FPR + delta, so counts at one threshold give epsilon >= ln((TPR_low - delta) / FPR_high)). The bound
 * here is the largest over about 400 thresholds of one curve, each at 95% confidence; choosing the threshold on the
 * same scores makes it optimistic, so a run that fails on it deserves a second run on fresh data.
 * Higher scores mean "member". Immutable.
 *
 * @param fpr the curve's false-positive rates, increasing, from 0 to 1
 * @param tpr the curve's true-positive rates at those points
 * @param auc the area under the curve (ties count half)
 * @param members the number of member scores
 * @param nonMembers the number of non-member scores
 */
public record Roc(double[] fpr, double[] tpr, double auc, int members, int nonMembers) {

    /** The curve of {@code scores}, {@code member[i]} saying which are members. */
    public static Roc of(double[] scores, boolean[] member) {
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        int positives = 0;
        for (boolean m : member) {
            positives += m ? 1 : 0;
        }
        int negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("an ROC needs members and non-members");
        }
        List<double[]> points = new ArrayList<>();
        points.add(new double[] {0, 0});
        int tp = 0;
        int fp = 0;
        double auc = 0;
        int i = 0;
        while (i < n) {
            int tiedTp = 0;
            int tiedFp = 0;
            double s = scores[order[i]];
            while (i < n && scores[order[i]] == s) {
                if (member[order[i]]) {
                    tiedTp++;
                } else {
                    tiedFp++;
                }
                i++;
            }
            auc += tiedFp * (tp + tiedTp / 2.0);
            tp += tiedTp;
            fp += tiedFp;
            points.add(new double[] {(double) fp / negatives, (double) tp / positives});
        }
        double[] f = new double[points.size()];
        double[] t = new double[points.size()];
        for (int k = 0; k < f.length; k++) {
            f[k] = points.get(k)[0];
            t[k] = points.get(k)[1];
        }
        return new Roc(f, t, auc / ((double) positives * negatives), positives, negatives);
    }

    /** The highest TPR at an FPR of at most {@code maxFpr}. */
    public double tprAt(double maxFpr) {
        double best = 0;
        for (int k = 0; k < fpr.length; k++) {
            if (fpr[k] <= maxFpr + 1e-12) {
                best = Math.max(best, tpr[k]);
            }
        }
        return best;
    }

    /** A 95% Clopper-Pearson interval for the TPR at {@link #tprAt}. */
    public double[] tprIntervalAt(double maxFpr) {
        int tp = (int) Math.round(tprAt(maxFpr) * members);
        return ClopperPearson.interval(tp, members, 0.05);
    }

    /**
     * The largest epsilon the curve proves at {@code delta}, over every point and in both directions (member as
     * positive, and non-member as positive), with 95% confidence per point (Clopper-Pearson); 0 when none.
     */
    public double epsilonLowerBound(double delta) {
        // At most about 400 points, spread over the curve: the bound is a maximum over thresholds, and each point
        // costs four one-sided interval ends (64 bisection steps of a continued fraction each: on Adult's 32,561
        // rows this was a quarter of an assessment's CPU time). Only the end each bound uses is computed, and the
        // points are independent, so they run in parallel; a maximum does not depend on the order.
        int stride = Math.max(1, fpr.length / 400);
        int points = fpr.length <= 2 ? 0 : (fpr.length - 2 + stride - 1) / stride;
        return java.util.stream.IntStream.range(0, points).parallel()
                .mapToDouble(p -> boundAt(1 + p * stride, delta)).reduce(0, Math::max);
    }

    private double boundAt(int k, double delta) {
        double best = 0;
        int tp = (int) Math.round(tpr[k] * members);
        int fp = (int) Math.round(fpr[k] * nonMembers);
        double tprLow = ClopperPearson.lower(tp, members, 0.05);
        double fprHigh = ClopperPearson.upper(fp, nonMembers, 0.05);
        if (fprHigh > 0 && tprLow - delta > 0) {
            best = Math.max(best, Math.log((tprLow - delta) / fprHigh));
        }
        double tnrLow = ClopperPearson.lower(nonMembers - fp, nonMembers, 0.05);
        double fnrHigh = ClopperPearson.upper(members - tp, members, 0.05);
        if (fnrHigh > 0 && tnrLow - delta > 0) {
            best = Math.max(best, Math.log((tnrLow - delta) / fnrHigh));
        }
        return best;
    }
}
