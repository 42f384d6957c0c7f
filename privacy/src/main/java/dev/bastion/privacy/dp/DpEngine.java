package dev.bastion.privacy.dp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs a {@link DpQuery} on a {@link Table}: bounds each privacy unit's contribution, clamps values, adds calibrated
 * noise to each statistic and attaches its confidence interval. Charging a ledger is the caller's job, before this
 * runs ({@link DpQuery#events()}). Stateless; the {@link DpRandom} passed in supplies all randomness.
 *
 * <pre>
 * Sensitivities (K = max contributions per unit and partition, P = max partitions per unit, [L, U] the bounds):
 *   count K; sum K·max(|L|,|U|); mean = mid + (noisy Σ(x - mid)) / (noisy count), mid = (L+U)/2, halves of ε,
 *   Σ(x-mid) has sensitivity K·(U-L)/2; variance from count, Σ(x-mid), Σ(x-mid)² (sensitivity K·((U-L)/2)²),
 *   thirds of ε; histogram over public bins K (L1 and L2).
 * Partition selection (group-by, categorical histogram): counts per partition with Laplace scale b = K·P/ε (L1 over
 *   partitions), released only above τ = K + b·ln(P/(2δ)): a partition created by one unit has count <= K, so it
 *   passes with probability <= ½e^(-(τ-K)/b) = δ/P, at most δ over its P partitions (Korolova et al. 2009; Wilson
 *   et al. 2020). Sums and means per group spend half of ε on that count and half on the sums.
 * Quantiles: a binary tree of 2^10 noisy counts over [L, U] (each row touches one node per level, L1 = 10·K), searched
 *   from the root; the interval bounds every node's noise at once (union bound) and inverts the noisy prefix counts.
 * </pre>
 */
public final class DpEngine {

    private DpEngine() {
    }

    public static QueryResult run(Table table, DpQuery q, DpRandom random) {
        int valueColumn = q.column == null ? -1 : table.index(q.column);
        int unitColumn = q.privacyUnit == null ? -1 : table.index(q.privacyUnit);
        int groupColumn = q.groupBy == null ? -1 : table.index(q.groupBy);
        if (valueColumn >= 0 && needsNumbers(q) && !table.isNumeric(valueColumn)) {
            throw new IllegalArgumentException("column '" + q.column + "' has cells that are not numbers");
        }
        List<QueryResult.Row> rows;
        if (q.selectsPartitions()) {
            int partitionColumn = groupColumn >= 0 ? groupColumn : valueColumn;
            Map<String, List<Integer>> partitions = Bounding.byPartition(table, unitColumn, partitionColumn,
                    q.maxContributions, q.maxPartitions, random);
            rows = selectPartitions(table, q, valueColumn, partitions, random);
        } else {
            List<Integer> kept = Bounding.perUnit(table, unitColumn, q.maxContributions, random);
            rows = aggregate(table, q, valueColumn, kept, random);
        }
        return new QueryResult(q.describe(), rows, q.events());
    }

    private static boolean needsNumbers(DpQuery q) {
        return q.kind != DpQuery.Kind.COUNT && !(q.kind == DpQuery.Kind.HISTOGRAM && q.categorical);
    }

    private static List<QueryResult.Row> aggregate(Table t, DpQuery q, int col, List<Integer> rows, DpRandom r) {
        double k = q.maxContributions;
        double mid = (q.lower + q.upper) / 2;
        double half = (q.upper - q.lower) / 2;
        return switch (q.kind) {
            case COUNT -> List.of(release("", rows.size(), noise(q, k, 1, true, r), q.confidence, 0, Double.MAX_VALUE));
            case SUM -> {
                double sum = 0;
                for (int i : rows) {
                    sum += clamp(t.number(i, col), q);
                }
                double sens = k * Math.max(Math.abs(q.lower), Math.abs(q.upper));
                yield List.of(release("", sum, noise(q, sens, 1, false, r), q.confidence, -Double.MAX_VALUE,
                        Double.MAX_VALUE));
            }
            case MEAN, VARIANCE -> List.of(moments(t, q, col, rows, r, mid, half));
            case QUANTILE -> List.of(Quantiles.release(t, q, col, rows, r));
            case HISTOGRAM -> histogram(t, q, col, rows, r);
        };
    }

    private static QueryResult.Row moments(Table t, DpQuery q, int col, List<Integer> rows, DpRandom r, double mid,
            double half) {
        int parts = q.kind == DpQuery.Kind.MEAN ? 2 : 3;
        double k = q.maxContributions;
        double conf = 1 - (1 - q.confidence) / parts; // Bonferroni over the parts
        double s1 = 0;
        double s2 = 0;
        for (int i : rows) {
            double d = clamp(t.number(i, col), q) - mid;
            s1 += d;
            s2 += d * d;
        }
        Noise nc = noise(q, k, parts, true, r);
        Noise n1 = noise(q, k * half, parts, false, r);
        double count = nc.addTo(rows.size());
        double sum = n1.addTo(s1);
        double cLo = Math.max(1, count - nc.halfWidth(conf));
        double cHi = Math.max(cLo, count + nc.halfWidth(conf));
        double sLo = sum - n1.halfWidth(conf);
        double sHi = sum + n1.halfWidth(conf);
        double c = Math.max(1, count);
        double meanOffset = Math.max(-half, Math.min(half, sum / c));
        double offLo = Math.max(-half, Math.min(sLo / cLo, sLo / cHi));
        double offHi = Math.min(half, Math.max(sHi / cLo, sHi / cHi));
        if (q.kind == DpQuery.Kind.MEAN) {
            return new QueryResult.Row("", mid + meanOffset, new ConfidenceInterval(mid + Math.min(offLo, meanOffset),
                    mid + Math.max(offHi, meanOffset), q.confidence));
        }
        Noise n2 = noise(q, k * half * half, parts, false, r);
        double sq = n2.addTo(s2);
        double m2 = Math.max(0, Math.min(half * half, sq / c));
        double variance = Math.max(0, m2 - meanOffset * meanOffset);
        double qLo = Math.max(0, (sq - n2.halfWidth(conf)) / cHi);
        double qHi = Math.min(half * half, (sq + n2.halfWidth(conf)) / cLo);
        double m1sqLo = offLo <= 0 && offHi >= 0 ? 0 : Math.min(offLo * offLo, offHi * offHi);
        double m1sqHi = Math.max(offLo * offLo, offHi * offHi);
        double vLo = Math.max(0, qLo - m1sqHi);
        double vHi = Math.max(vLo, Math.min(half * half, qHi - m1sqLo));
        return new QueryResult.Row("", variance, new ConfidenceInterval(Math.min(vLo, variance),
                Math.max(vHi, variance), q.confidence));
    }

    private static List<QueryResult.Row> histogram(Table t, DpQuery q, int col, List<Integer> rows, DpRandom r) {
        long[] counts = new long[q.bins];
        double width = (q.upper - q.lower) / q.bins;
        for (int i : rows) {
            int b = (int) Math.floor((clamp(t.number(i, col), q) - q.lower) / width);
            counts[Math.min(q.bins - 1, Math.max(0, b))]++;
        }
        Noise n = noise(q, q.maxContributions, 1, true, r);
        List<QueryResult.Row> out = new ArrayList<>();
        for (int b = 0; b < q.bins; b++) {
            String key = String.format(Locale.ROOT, "[%s, %s%s", fmt(q.lower + b * width),
                    fmt(q.lower + (b + 1) * width), b == q.bins - 1 ? "]" : ")");
            out.add(release(key, counts[b], n, q.confidence, 0, Double.MAX_VALUE));
        }
        return out;
    }

    private static List<QueryResult.Row> selectPartitions(Table t, DpQuery q, int col,
            Map<String, List<Integer>> partitions, DpRandom r) {
        double k = q.maxContributions;
        double p = q.maxPartitions;
        boolean countOnly = q.kind == DpQuery.Kind.COUNT || q.kind == DpQuery.Kind.HISTOGRAM;
        double selectionEps = countOnly ? q.epsilon : q.epsilon / 2;
        double b = k * p / selectionEps;
        double threshold = k + b * Math.log(p / (2 * q.delta));
        Noise countNoise = Noise.laplace(k * p, selectionEps, true, r);
        double mid = (q.lower + q.upper) / 2;
        double half = (q.upper - q.lower) / 2;
        Noise sumNoise = countOnly ? null : Noise.laplace(k * p * (q.kind == DpQuery.Kind.MEAN ? half
                : Math.max(Math.abs(q.lower), Math.abs(q.upper))), q.epsilon / 2, false, r);
        double conf = countOnly ? q.confidence : 1 - (1 - q.confidence) / 2;
        List<QueryResult.Row> out = new ArrayList<>();
        // Sorted keys, so the output order reveals nothing about the data's order.
        for (Map.Entry<String, List<Integer>> e : new TreeMap<>(partitions).entrySet()) {
            List<Integer> rows = e.getValue();
            double noisyCount = countNoise.addTo(rows.size());
            if (noisyCount < threshold) {
                continue;
            }
            double h = countNoise.halfWidth(conf);
            if (countOnly) {
                out.add(new QueryResult.Row(e.getKey(), noisyCount, new ConfidenceInterval(Math.max(0, noisyCount - h),
                        noisyCount + h, q.confidence)));
                continue;
            }
            double s = 0;
            for (int i : rows) {
                s += q.kind == DpQuery.Kind.MEAN ? clamp(t.number(i, col), q) - mid : clamp(t.number(i, col), q);
            }
            double noisySum = sumNoise.addTo(s);
            double hs = sumNoise.halfWidth(conf);
            if (q.kind == DpQuery.Kind.SUM) {
                out.add(new QueryResult.Row(e.getKey(), noisySum, new ConfidenceInterval(noisySum - hs, noisySum + hs,
                        q.confidence)));
            } else {
                double cLo = Math.max(1, noisyCount - h);
                double cHi = Math.max(cLo, noisyCount + h);
                double off = Math.max(-half, Math.min(half, noisySum / Math.max(1, noisyCount)));
                double lo = Math.max(-half, Math.min((noisySum - hs) / cLo, (noisySum - hs) / cHi));
                double hi = Math.min(half, Math.max((noisySum + hs) / cLo, (noisySum + hs) / cHi));
                out.add(new QueryResult.Row(e.getKey(), mid + off, new ConfidenceInterval(mid + Math.min(lo, off),
                        mid + Math.max(hi, off), q.confidence)));
            }
        }
        return out;
    }

    private static Noise noise(DpQuery q, double sensitivity, int parts, boolean integral, DpRandom r) {
        return q.mechanism == DpQuery.Mechanism.LAPLACE
                ? Noise.laplace(sensitivity, q.epsilon / parts, integral, r)
                : Noise.gaussian(sensitivity, q.epsilon / parts, q.delta / parts, r);
    }

    private static QueryResult.Row release(String key, double trueValue, Noise n, double confidence, double min,
            double max) {
        double v = n.addTo(trueValue);
        double h = n.halfWidth(confidence);
        return new QueryResult.Row(key, v, new ConfidenceInterval(Math.max(min, v - h), Math.min(max, v + h),
                confidence));
    }

    static double clamp(double v, DpQuery q) {
        return Math.max(q.lower, Math.min(q.upper, v));
    }

    /** A number with six significant digits and no trailing zeros, as results are printed. */
    public static String format(double v) {
        return fmt(v);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v).replaceAll("\\.?0+(?=e|$)", "");
    }

    /** Contribution bounding: which rows each privacy unit keeps. */
    static final class Bounding {
        private Bounding() {
        }

        static List<Integer> perUnit(Table t, int unitColumn, int k, DpRandom r) {
            List<Integer> kept = new ArrayList<>();
            if (unitColumn < 0) {
                for (int i = 0; i < t.size(); i++) {
                    kept.add(i);
                }
                return kept;
            }
            for (List<Integer> rows : groupRows(t, unitColumn).values()) {
                kept.addAll(sample(rows, k, r));
            }
            Collections.sort(kept);
            return kept;
        }

        static Map<String, List<Integer>> byPartition(Table t, int unitColumn, int partitionColumn, int k, int p,
                DpRandom r) {
            Map<String, List<Integer>> out = new LinkedHashMap<>();
            Map<String, List<Integer>> units = unitColumn < 0 ? singletons(t) : groupRows(t, unitColumn);
            for (List<Integer> unitRows : units.values()) {
                Map<String, List<Integer>> byKey = new LinkedHashMap<>();
                for (int i : unitRows) {
                    byKey.computeIfAbsent(t.cell(i, partitionColumn), x -> new ArrayList<>()).add(i);
                }
                List<String> keys = sample(new ArrayList<>(byKey.keySet()), p, r);
                for (String key : keys) {
                    out.computeIfAbsent(key, x -> new ArrayList<>()).addAll(sample(byKey.get(key), k, r));
                }
            }
            return out;
        }

        private static Map<String, List<Integer>> singletons(Table t) {
            Map<String, List<Integer>> m = new LinkedHashMap<>();
            for (int i = 0; i < t.size(); i++) {
                m.put("#" + i, List.of(i));
            }
            return m;
        }

        private static Map<String, List<Integer>> groupRows(Table t, int column) {
            Map<String, List<Integer>> m = new LinkedHashMap<>();
            for (int i = 0; i < t.size(); i++) {
                m.computeIfAbsent(t.cell(i, column), x -> new ArrayList<>()).add(i);
            }
            return m;
        }

        private static <T> List<T> sample(List<T> items, int k, DpRandom r) {
            if (items.size() <= k) {
                return items;
            }
            List<T> copy = new ArrayList<>(items);
            for (int i = 0; i < k; i++) {
                int j = i + r.generator().nextInt(copy.size() - i);
                Collections.swap(copy, i, j);
            }
            return copy.subList(0, k);
        }
    }
}
