package dev.bastion.privacy.synth;

import dev.bastion.privacy.dp.Table;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows as vectors for record-level attacks, one shared encoding for several tables: a numeric cell becomes its value
 * scaled by the domain's range, a categorical cell the index of its value. The distance between two rows is
 * Gower's: the mean over the compared columns of |a - b| / range for numeric columns and 0 or 1 for categorical
 * ones. Immutable.
 */
final class Records {
    final double[][] rows; // [row][column]
    final boolean[] numeric;
    final Domain domain;

    private Records(double[][] rows, boolean[] numeric, Domain domain) {
        this.rows = rows;
        this.numeric = numeric;
        this.domain = domain;
    }

    /** The tables (same columns) encoded alike, over the domain of all of them. */
    static List<Records> of(List<Table> tables) {
        return of(tables, Domain.fromData(tables, "evaluation"));
    }

    /** The tables encoded over a given domain; a categorical value outside it is encoded as -1. */
    static List<Records> of(List<Table> tables, Domain domain) {
        int d = domain.size();
        boolean[] numeric = new boolean[d];
        double[] lower = new double[d];
        double[] range = new double[d];
        List<Map<String, Integer>> ids = new java.util.ArrayList<>();
        for (int c = 0; c < d; c++) {
            Map<String, Integer> index = new HashMap<>();
            switch (domain.attributes().get(c)) {
                case Domain.Numeric n -> {
                    numeric[c] = true;
                    lower[c] = n.lower();
                    range[c] = n.upper() - n.lower();
                }
                case Domain.Categorical cat -> {
                    for (int i = 0; i < cat.values().size(); i++) {
                        index.put(cat.values().get(i), i);
                    }
                }
            }
            ids.add(index);
        }
        List<Records> out = new java.util.ArrayList<>();
        for (Table t : tables) {
            double[][] rows = new double[t.size()][d];
            for (int c = 0; c < d; c++) {
                int col = t.index(domain.attributes().get(c).name());
                for (int r = 0; r < t.size(); r++) {
                    rows[r][c] = numeric[c] ? (t.number(r, col) - lower[c]) / range[c]
                            : ids.get(c).getOrDefault(t.cell(r, col), -1);
                }
            }
            out.add(new Records(rows, numeric, domain));
        }
        return out;
    }

    /** The rows at {@code indices}. */
    Records subset(int[] indices) {
        double[][] kept = new double[indices.length][];
        for (int i = 0; i < indices.length; i++) {
            kept[i] = rows[indices[i]];
        }
        return new Records(kept, numeric, domain);
    }

    int size() {
        return rows.length;
    }

    int columns() {
        return numeric.length;
    }

    /** Gower distance between {@code a} and {@code b} over the columns {@code use} marks (all when null). */
    double distance(double[] a, double[] b, boolean[] use) {
        double sum = 0;
        int n = 0;
        for (int c = 0; c < a.length; c++) {
            if (use != null && !use[c]) {
                continue;
            }
            sum += numeric[c] ? Math.abs(a[c] - b[c]) : (a[c] == b[c] ? 0 : 1);
            n++;
        }
        return n == 0 ? 0 : sum / n;
    }

    /** The smallest distance from {@code row} to any row of {@code this}. */
    double nearest(double[] row, boolean[] use) {
        double best = Double.POSITIVE_INFINITY;
        for (double[] r : rows) {
            double dist = distance(row, r, use);
            if (dist < best) {
                best = dist;
                if (best == 0) {
                    break;
                }
            }
        }
        return best;
    }

    /** The indices of the {@code k} nearest rows of {@code this} to {@code row} (ties: lower index first). */
    int[] nearestK(double[] row, boolean[] use, int k) {
        int[] idx = new int[Math.min(k, rows.length)];
        double[] dist = new double[idx.length];
        java.util.Arrays.fill(dist, Double.POSITIVE_INFINITY);
        for (int i = 0; i < rows.length; i++) {
            double d = distance(row, rows[i], use);
            if (d < dist[idx.length - 1]) {
                int j = idx.length - 1;
                while (j > 0 && dist[j - 1] > d) {
                    dist[j] = dist[j - 1];
                    idx[j] = idx[j - 1];
                    j--;
                }
                dist[j] = d;
                idx[j] = i;
            }
        }
        return idx;
    }
}
