package dev.bastion.privacy.deid;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * How well each equivalence class hides a sensitive value: distinct and entropy l-diversity (Machanavajjhala et al.
 * 2007) and t-closeness (Li, Li and Venkatasubramanian 2007) of one sensitive column, each class measured against
 * the distribution of the sensitive column over all rows. The record holds the worst class's figures.
 *
 * @param distinctL the fewest distinct sensitive values in a class
 * @param entropyL the smallest exp(entropy) of a class's sensitive values (entropy l-diversity holds for l up to it)
 * @param t the largest Earth Mover's Distance between a class's sensitive distribution and the table's: the ordered
 *     distance over the sorted values for a numeric column (normalised by the number of values - 1), the equal
 *     distance (total variation) otherwise
 * @param numeric whether the column was treated as numeric (ordered distance)
 */
public record SensitiveDiversity(int distinctL, double entropyL, double t, boolean numeric) {
    public SensitiveDiversity {
        if (distinctL < 0 || !(entropyL >= 0) || !(t >= 0 && t <= 1 + 1e-9)) {
            throw new IllegalArgumentException("l must be >= 0 and t in [0, 1]");
        }
    }

    /** The worst class's figures over {@code classes}; numeric when every value parses as a number. */
    public static SensitiveDiversity of(EquivalenceClasses classes, IntFunction<String> valueOf) {
        PerClass p = perClass(classes, valueOf);
        int distinct = Integer.MAX_VALUE;
        double entropy = Double.POSITIVE_INFINITY;
        double t = 0;
        for (int c = 0; c < p.distinct.length; c++) {
            distinct = Math.min(distinct, p.distinct[c]);
            entropy = Math.min(entropy, p.entropyL[c]);
            t = Math.max(t, p.t[c]);
        }
        if (p.distinct.length == 0) {
            return new SensitiveDiversity(0, 0, 0, p.numeric);
        }
        return new SensitiveDiversity(distinct, entropy, Math.min(1, t), p.numeric);
    }

    /** Each class's figures, index by class. */
    record PerClass(int[] distinct, double[] entropyL, double[] t, boolean numeric) {
    }

    /** Measures every class in one pass over the rows. */
    static PerClass perClass(EquivalenceClasses classes, IntFunction<String> valueOf) {
        int rows = classes.classOf().length;
        boolean numeric = true;
        TreeMap<String, Integer> overall = new TreeMap<>();
        String[] values = new String[rows];
        for (int r = 0; r < rows; r++) {
            values[r] = valueOf.apply(r);
            overall.merge(values[r], 1, Integer::sum);
        }
        for (String v : overall.keySet()) {
            numeric &= isNumber(v);
        }
        List<String> order = new ArrayList<>(overall.keySet());
        if (numeric) {
            order.sort((x, y) -> Double.compare(Double.parseDouble(x), Double.parseDouble(y)));
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            index.put(order.get(i), i);
        }
        int m = order.size();
        double[] p = new double[m];
        for (Map.Entry<String, Integer> e : overall.entrySet()) {
            p[index.get(e.getKey())] = e.getValue() / (double) rows;
        }
        int n = classes.classes();
        int[][] counts = new int[n][];
        for (int r = 0; r < rows; r++) {
            int c = classes.classOf()[r];
            if (c >= 0) {
                if (counts[c] == null) {
                    counts[c] = new int[m];
                }
                counts[c][index.get(values[r])]++;
            }
        }
        int[] distinct = new int[n];
        double[] entropyL = new double[n];
        double[] t = new double[n];
        for (int c = 0; c < n; c++) {
            int size = classes.sizes()[c];
            double h = 0;
            double emd = 0;
            double cumulative = 0;
            for (int i = 0; i < m; i++) {
                int k = counts[c] == null ? 0 : counts[c][i];
                double q = (double) k / size;
                if (k > 0) {
                    distinct[c]++;
                    h -= q * Math.log(q);
                }
                if (numeric) {
                    cumulative += q - p[i];
                    emd += Math.abs(cumulative);
                } else {
                    emd += Math.abs(q - p[i]);
                }
            }
            entropyL[c] = Math.exp(h);
            t[c] = Math.min(1, numeric ? (m > 1 ? emd / (m - 1) : 0) : emd / 2);
        }
        return new PerClass(distinct, entropyL, t, numeric);
    }

    private static boolean isNumber(String s) {
        try {
            return Double.isFinite(Double.parseDouble(s));
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
