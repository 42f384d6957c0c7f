package dev.bastion.privacy.fl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * How a simulation deals the training rows to clients: by the value of a column (one silo per value, values
 * packed into at most n silos, largest first onto the lightest silo), at random (iid), or label-skewed by a
 * Dirichlet(α) draw per class (Hsu et al. 2019: small α, few classes per client). Stateless.
 */
public final class Partition {
    private Partition() {
    }

    /** Rows grouped by {@code values[row]}, packed into at most {@code clients} silos; empty silos are dropped. */
    public static List<int[]> byValue(String[] values, int clients) {
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int r = 0; r < values.length; r++) {
            groups.computeIfAbsent(values[r], v -> new ArrayList<>()).add(r);
        }
        List<List<Integer>> sorted = new ArrayList<>(groups.values());
        sorted.sort(Comparator.comparingInt((List<Integer> g) -> g.size()).reversed());
        List<List<Integer>> silos = new ArrayList<>();
        for (int i = 0; i < Math.min(clients, sorted.size()); i++) {
            silos.add(new ArrayList<>());
        }
        for (List<Integer> g : sorted) {
            silos.stream().min(Comparator.comparingInt(List::size)).orElseThrow().addAll(g);
        }
        return toArrays(silos);
    }

    /** Rows dealt at random, as evenly as possible. */
    public static List<int[]> iid(int rows, int clients, RandomGenerator random) {
        int[] order = dev.bastion.privacy.train.TrainingData.shuffledIndices(rows, random);
        List<List<Integer>> silos = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            silos.add(new ArrayList<>());
        }
        for (int i = 0; i < rows; i++) {
            silos.get(i % clients).add(order[i]);
        }
        return toArrays(silos);
    }

    /** For each class, its rows split across clients in proportions drawn from Dirichlet(alpha, ..., alpha). */
    public static List<int[]> dirichlet(int[] labels, int classes, int clients, double alpha, RandomGenerator random) {
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("the Dirichlet concentration must be positive");
        }
        List<List<Integer>> silos = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            silos.add(new ArrayList<>());
        }
        for (int c = 0; c < classes; c++) {
            List<Integer> rows = new ArrayList<>();
            for (int r = 0; r < labels.length; r++) {
                if (labels[r] == c) {
                    rows.add(r);
                }
            }
            java.util.Collections.shuffle(rows, java.util.Random.from(random));
            double[] p = new double[clients];
            double sum = 0;
            for (int k = 0; k < clients; k++) {
                p[k] = gamma(alpha, random);
                sum += p[k];
            }
            int from = 0;
            double cumulative = 0;
            for (int k = 0; k < clients; k++) {
                cumulative += p[k] / sum;
                int to = k == clients - 1 ? rows.size() : (int) Math.round(cumulative * rows.size());
                silos.get(k).addAll(rows.subList(from, Math.max(from, to)));
                from = Math.max(from, to);
            }
        }
        return toArrays(silos);
    }

    /** Gamma(shape, 1) by Marsaglia and Tsang (2000), boosted for shape < 1. */
    static double gamma(double shape, RandomGenerator random) {
        if (shape < 1) {
            return gamma(shape + 1, random) * Math.pow(random.nextDouble(), 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = random.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = random.nextDouble();
            if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
                return d * v;
            }
        }
    }

    private static List<int[]> toArrays(List<List<Integer>> silos) {
        List<int[]> out = new ArrayList<>();
        for (List<Integer> s : silos) {
            if (!s.isEmpty()) {
                out.add(s.stream().mapToInt(Integer::intValue).sorted().toArray());
            }
        }
        return out;
    }
}
