package dev.bastion.privacy.fairness;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Who a set of decisions fails: per group (and per intersection of several sensitive columns) the count, selection
 * rate, TPR, FPR, FNR and precision with bootstrap intervals, and the disparities between groups.
 *
 * <p>Disparities are reported two ways, since both are in use: Fairlearn's (over all groups: the largest minus the
 * smallest rate, and the smallest over the largest) and, against a privileged group, AIF360's statistical parity
 * difference (unprivileged minus privileged selection rate) and disparate impact (their ratio), with the US
 * four-fifths rule flagged when a group's selection rate is under 80% of the highest.
 *
 * @param groups each group's metrics, by group name (intersections are joined with {@code " & "})
 * @param parityDifference largest minus smallest selection rate
 * @param parityRatio smallest over largest selection rate
 * @param equalizedOddsDifference the larger of the TPR spread and the FPR spread
 * @param equalizedOddsRatio the smaller of the TPR ratio and the FPR ratio
 * @param privileged the reference group (given, or the one with the highest selection rate)
 * @param versusPrivileged each other group's statistical parity difference and disparate impact against it
 * @param fourFifths groups whose selection rate is under 80% of the highest
 */
public record FairnessReport(Map<String, Group> groups, double parityDifference, double parityRatio,
        double equalizedOddsDifference, double equalizedOddsRatio, String privileged,
        Map<String, double[]> versusPrivileged, List<String> fourFifths) {

    /**
     * One group's figures; {@code intervals} maps a metric name to its 95% bootstrap interval {low, high}.
     */
    public record Group(String name, Confusion confusion, Map<String, double[]> intervals) {
        public Group {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(confusion, "confusion");
        }
    }

    /** The metrics reported per group, by name. */
    public static final Map<String, ToDoubleFunction<Confusion>> METRICS = metrics();

    private static Map<String, ToDoubleFunction<Confusion>> metrics() {
        Map<String, ToDoubleFunction<Confusion>> m = new LinkedHashMap<>();
        m.put("selection_rate", Confusion::selectionRate);
        m.put("tpr", Confusion::tpr);
        m.put("fpr", Confusion::fpr);
        m.put("fnr", Confusion::fnr);
        m.put("precision", Confusion::precision);
        return m;
    }

    /**
     * Measures {@code decision} against {@code outcome} per value of {@code group}.
     *
     * @param privileged the reference group, or null for the group with the highest selection rate
     * @param bootstrap resamples per interval (0 = no intervals)
     * @param seed the bootstrap's seed, so a report can be reproduced
     */
    public static FairnessReport measure(boolean[] outcome, boolean[] decision, String[] group, String privileged,
            int bootstrap, long seed) {
        if (outcome.length != decision.length || outcome.length != group.length || outcome.length == 0) {
            throw new IllegalArgumentException("outcomes, decisions and groups must be equally long and not empty");
        }
        Map<String, List<Integer>> members = new TreeMap<>();
        for (int r = 0; r < group.length; r++) {
            members.computeIfAbsent(group[r], g -> new ArrayList<>()).add(r);
        }
        if (privileged != null && !members.containsKey(privileged)) {
            throw new IllegalArgumentException("no rows belong to the privileged group given; the groups are "
                    + members.keySet());
        }
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Group> groups = new LinkedHashMap<>();
        for (Map.Entry<String, List<Integer>> e : members.entrySet()) {
            int[] rows = e.getValue().stream().mapToInt(Integer::intValue).toArray();
            Confusion c = Confusion.of(outcome, decision, rows);
            groups.put(e.getKey(), new Group(e.getKey(), c, intervals(outcome, decision, rows, bootstrap, random)));
        }
        double[] selection = rates(groups, Confusion::selectionRate);
        double[] tpr = rates(groups, Confusion::tpr);
        double[] fpr = rates(groups, Confusion::fpr);
        String reference = privileged;
        if (reference == null) {
            reference = groups.values().stream().max(java.util.Comparator.comparingDouble(
                    g -> g.confusion().selectionRate())).orElseThrow().name();
        }
        double refRate = groups.get(reference).confusion().selectionRate();
        double highest = max(selection);
        Map<String, double[]> versus = new LinkedHashMap<>();
        List<String> fourFifths = new ArrayList<>();
        for (Group g : groups.values()) {
            double rate = g.confusion().selectionRate();
            if (!g.name().equals(reference)) {
                versus.put(g.name(), new double[] {rate - refRate, rate / refRate});
            }
            if (rate < 0.8 * highest) {
                fourFifths.add(g.name());
            }
        }
        return new FairnessReport(groups, max(selection) - min(selection), min(selection) / max(selection),
                Math.max(max(tpr) - min(tpr), max(fpr) - min(fpr)),
                Math.min(min(tpr) / max(tpr), min(fpr) / max(fpr)), reference, versus, fourFifths);
    }

    private static Map<String, double[]> intervals(boolean[] outcome, boolean[] decision, int[] rows, int bootstrap,
            SplittableRandom random) {
        Map<String, double[]> out = new LinkedHashMap<>();
        if (bootstrap <= 0) {
            return out;
        }
        Map<String, double[]> samples = new LinkedHashMap<>();
        METRICS.keySet().forEach(m -> samples.put(m, new double[bootstrap]));
        int[] resample = new int[rows.length];
        for (int b = 0; b < bootstrap; b++) {
            for (int i = 0; i < rows.length; i++) {
                resample[i] = rows[random.nextInt(rows.length)];
            }
            Confusion c = Confusion.of(outcome, decision, resample);
            for (Map.Entry<String, ToDoubleFunction<Confusion>> m : METRICS.entrySet()) {
                samples.get(m.getKey())[b] = m.getValue().applyAsDouble(c);
            }
        }
        for (Map.Entry<String, double[]> e : samples.entrySet()) {
            double[] v = Arrays.stream(e.getValue()).filter(Double::isFinite).sorted().toArray();
            if (v.length > 0) {
                out.put(e.getKey(), new double[] {v[(int) Math.floor(0.025 * (v.length - 1))],
                    v[(int) Math.ceil(0.975 * (v.length - 1))]});
            }
        }
        return out;
    }

    private static double[] rates(Map<String, Group> groups, ToDoubleFunction<Confusion> metric) {
        return groups.values().stream().mapToDouble(g -> metric.applyAsDouble(g.confusion()))
                .filter(Double::isFinite).toArray();
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }
}
