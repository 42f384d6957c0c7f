package dev.bastion.privacy.fairness;

import java.util.HashMap;
import java.util.Map;

/**
 * Reweighing (Kamiran and Calders 2012): a weight per row, w(g, y) = P(g) P(y) / P(g, y), so that on the weighted
 * data the outcome is independent of the group (every group has the same weighted base rate). The weights feed a
 * trainer that accepts example weights; the rows themselves are not changed.
 */
public final class Reweighing {
    private Reweighing() {
    }

    /** The weight of each row. */
    public static double[] weights(boolean[] outcome, String[] group) {
        int n = outcome.length;
        Map<String, Integer> perGroup = new HashMap<>();
        Map<String, Integer> perGroupPositive = new HashMap<>();
        int positive = 0;
        for (int r = 0; r < n; r++) {
            perGroup.merge(group[r], 1, Integer::sum);
            if (outcome[r]) {
                perGroupPositive.merge(group[r], 1, Integer::sum);
                positive++;
            }
        }
        double pPositive = (double) positive / n;
        double[] w = new double[n];
        for (int r = 0; r < n; r++) {
            double pGroup = (double) perGroup.get(group[r]) / n;
            int joint = outcome[r] ? perGroupPositive.getOrDefault(group[r], 0)
                    : perGroup.get(group[r]) - perGroupPositive.getOrDefault(group[r], 0);
            double pJoint = (double) joint / n;
            double pY = outcome[r] ? pPositive : 1 - pPositive;
            w[r] = pGroup * pY / pJoint;
        }
        return w;
    }

    /** The weighted share of positive outcomes in each group. */
    public static Map<String, Double> weightedBaseRates(boolean[] outcome, String[] group, double[] weights) {
        Map<String, double[]> sums = new HashMap<>();
        for (int r = 0; r < outcome.length; r++) {
            double[] s = sums.computeIfAbsent(group[r], g -> new double[2]);
            s[0] += weights[r];
            if (outcome[r]) {
                s[1] += weights[r];
            }
        }
        Map<String, Double> rates = new java.util.TreeMap<>();
        sums.forEach((g, s) -> rates.put(g, s[1] / s[0]));
        return rates;
    }
}
