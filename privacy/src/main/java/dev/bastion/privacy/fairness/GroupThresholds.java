package dev.bastion.privacy.fairness;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Post-processing mitigation (Hardt, Price and Srebro 2016, the deterministic variant): one decision threshold per
 * group on a score, chosen so every group reaches the same selection rate (demographic parity) or the same true
 * positive rate (equal opportunity) as the whole population has at the original threshold. The cost is reported as
 * the change in accuracy. Stateless.
 */
public final class GroupThresholds {
    /** What the thresholds equalise. */
    public enum Target { SELECTION_RATE, TPR }

    /**
     * The chosen thresholds and what they give.
     *
     * @param thresholds a score at or above it is a positive decision, per group
     * @param target the rate every group gets (the population's at the original threshold)
     * @param before the groups' confusion at the original threshold
     * @param after the groups' confusion at their own thresholds
     * @param accuracyBefore accuracy over all rows at the original threshold
     * @param accuracyAfter accuracy over all rows at the group thresholds
     */
    public record Result(Map<String, Double> thresholds, double target, Map<String, Confusion> before,
            Map<String, Confusion> after, double accuracyBefore, double accuracyAfter) {
    }

    private GroupThresholds() {
    }

    public static Result choose(boolean[] outcome, double[] score, String[] group, double threshold, Target target) {
        int n = outcome.length;
        boolean[] original = new boolean[n];
        for (int i = 0; i < n; i++) {
            original[i] = score[i] >= threshold;
        }
        Confusion all = Confusion.of(outcome, original, null);
        double goal = target == Target.SELECTION_RATE ? all.selectionRate() : all.tpr();
        Map<String, List<Integer>> members = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            members.computeIfAbsent(group[i], g -> new ArrayList<>()).add(i);
        }
        Map<String, Double> thresholds = new LinkedHashMap<>();
        Map<String, Confusion> before = new LinkedHashMap<>();
        Map<String, Confusion> after = new LinkedHashMap<>();
        boolean[] decided = new boolean[n];
        for (Map.Entry<String, List<Integer>> e : members.entrySet()) {
            int[] rows = e.getValue().stream().mapToInt(Integer::intValue).toArray();
            before.put(e.getKey(), Confusion.of(outcome, original, rows));
            // The pool whose rate is equalised: every row of the group, or its positive outcomes for the TPR.
            double[] pool = Arrays.stream(rows).filter(r -> target == Target.SELECTION_RATE || outcome[r])
                    .mapToDouble(r -> score[r]).sorted().toArray();
            double t = pool.length == 0 ? threshold : cut(pool, goal);
            thresholds.put(e.getKey(), t);
            for (int r : rows) {
                decided[r] = score[r] >= t;
            }
            after.put(e.getKey(), Confusion.of(outcome, decided, rows));
        }
        return new Result(thresholds, goal, before, after, accuracy(outcome, original), accuracy(outcome, decided));
    }

    /** The threshold that selects the share {@code rate} of {@code sorted} (ascending): the k-th largest score. */
    static double cut(double[] sorted, double rate) {
        int k = (int) Math.round(rate * sorted.length);
        if (k <= 0) {
            return Math.nextUp(sorted[sorted.length - 1]);
        }
        if (k >= sorted.length) {
            return sorted[0];
        }
        return sorted[sorted.length - k];
    }

    private static double accuracy(boolean[] outcome, boolean[] decision) {
        int right = 0;
        for (int i = 0; i < outcome.length; i++) {
            right += outcome[i] == decision[i] ? 1 : 0;
        }
        return (double) right / outcome.length;
    }
}
