package dev.bastion.privacy.fl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Aggregation rules that bound what a few malicious updates can do to the average, over vectors that are single
 * updates (in the clear) or means of secure sums over random groups of sites ({@link RobustFederatedAveraging}).
 *
 * <pre>
 * f = floor(byzantineFraction · n), the number of inputs a rule assumes may be bad (at least 1 when n >= 4).
 *  MEAN          the weighted mean (FedAvg), the baseline with no defence.
 *  MEDIAN        coordinate-wise median (Yin et al. 2018, "Byzantine-robust distributed learning").
 *  TRIMMED_MEAN  coordinate-wise mean after dropping the f largest and f smallest values (Yin et al. 2018).
 *  MULTI_KRUM    score(i) = sum of the n - f - 2 smallest squared distances from i to the others; the mean of the
 *                n - f inputs with the lowest scores (Blanchard et al. 2017, Krum; El Mhamdi et al. 2018, Multi-Krum).
 *  NORM_BOUND    every input scaled down to at most the median of the inputs' L2 norms, then the weighted mean
 *                (Sun et al. 2019, "Can you really backdoor federated learning?", with the bound taken from the data).
 *  FLTRUST       the server trains on a small clean root set to get g0; each input gets trust max(0, cos(g_i, g0)),
 *                is rescaled to the norm of g0, and the result is the trust-weighted mean (Cao et al. 2021, NDSS).
 * </pre>
 *
 * Stateless and thread-safe.
 */
public final class RobustAggregation {

    public enum Rule {
        MEAN, MEDIAN, TRIMMED_MEAN, MULTI_KRUM, NORM_BOUND, FLTRUST;

        /** The rule for a command-line name: mean|off, median, trimmed-mean, multi-krum, norm-bound, fltrust. */
        public static Rule parse(String name) {
            String n = name.strip().toLowerCase(Locale.ROOT);
            return switch (n) {
                case "off", "mean", "fedavg" -> MEAN;
                case "median" -> MEDIAN;
                case "trimmed-mean" -> TRIMMED_MEAN;
                case "multi-krum" -> MULTI_KRUM;
                case "norm-bound" -> NORM_BOUND;
                case "fltrust" -> FLTRUST;
                default -> throw new IllegalArgumentException("--robust is off, median, trimmed-mean, multi-krum, "
                        + "norm-bound or fltrust, got '" + name + "'");
            };
        }
    }

    private RobustAggregation() {
    }

    /** How many of n inputs a rule assumes may be bad. */
    public static int assumedBad(int n, double byzantineFraction) {
        int f = (int) Math.floor(byzantineFraction * n);
        return n >= 4 ? Math.max(1, f) : 0;
    }

    /**
     * Aggregates {@code inputs} (all of one length) with {@code weights} (used by MEAN and NORM_BOUND).
     *
     * @param root the server's update on its root data; required by FLTRUST, ignored otherwise
     */
    public static double[] aggregate(Rule rule, List<double[]> inputs, double[] weights, double byzantineFraction,
            double[] root) {
        if (inputs.isEmpty() || weights.length != inputs.size()) {
            throw new IllegalArgumentException("need at least one input and one weight per input");
        }
        int n = inputs.size();
        int f = assumedBad(n, byzantineFraction);
        return switch (rule) {
            case MEAN -> weightedMean(inputs, weights);
            case MEDIAN -> coordinateWise(inputs, 0, true);
            case TRIMMED_MEAN -> coordinateWise(inputs, Math.min(f, (n - 1) / 2), false);
            case MULTI_KRUM -> multiKrum(inputs, f);
            case NORM_BOUND -> normBound(inputs, weights);
            case FLTRUST -> {
                if (root == null) {
                    throw new IllegalArgumentException("FLTrust needs the server's root update");
                }
                yield flTrust(inputs, root);
            }
        };
    }

    static double[] weightedMean(List<double[]> inputs, double[] weights) {
        double[] out = new double[inputs.getFirst().length];
        double total = 0;
        for (int i = 0; i < inputs.size(); i++) {
            double[] v = inputs.get(i);
            for (int j = 0; j < out.length; j++) {
                out[j] += weights[i] * v[j];
            }
            total += weights[i];
        }
        for (int j = 0; j < out.length; j++) {
            out[j] = total > 0 ? out[j] / total : 0;
        }
        return out;
    }

    /** Coordinate-wise median, or mean after trimming {@code trim} values at each end. */
    static double[] coordinateWise(List<double[]> inputs, int trim, boolean median) {
        int n = inputs.size();
        int d = inputs.getFirst().length;
        double[] out = new double[d];
        double[] column = new double[n];
        for (int j = 0; j < d; j++) {
            for (int i = 0; i < n; i++) {
                column[i] = inputs.get(i)[j];
            }
            Arrays.sort(column);
            if (median) {
                out[j] = n % 2 == 1 ? column[n / 2] : (column[n / 2 - 1] + column[n / 2]) / 2;
            } else {
                double s = 0;
                for (int i = trim; i < n - trim; i++) {
                    s += column[i];
                }
                out[j] = s / (n - 2 * trim);
            }
        }
        return out;
    }

    static double[] multiKrum(List<double[]> inputs, int f) {
        int n = inputs.size();
        int neighbours = Math.max(1, n - f - 2);
        double[][] dist = new double[n][n];
        for (int a = 0; a < n; a++) {
            for (int b = a + 1; b < n; b++) {
                double s = 0;
                for (int j = 0; j < inputs.get(a).length; j++) {
                    double diff = inputs.get(a)[j] - inputs.get(b)[j];
                    s += diff * diff;
                }
                dist[a][b] = s;
                dist[b][a] = s;
            }
        }
        Integer[] order = new Integer[n];
        double[] score = new double[n];
        for (int a = 0; a < n; a++) {
            double[] row = new double[n - 1];
            for (int b = 0, k = 0; b < n; b++) {
                if (b != a) {
                    row[k++] = dist[a][b];
                }
            }
            Arrays.sort(row);
            for (int k = 0; k < Math.min(neighbours, row.length); k++) {
                score[a] += row[k];
            }
            order[a] = a;
        }
        Arrays.sort(order, (x, y) -> Double.compare(score[x], score[y]));
        List<double[]> chosen = new ArrayList<>();
        for (int k = 0; k < Math.max(1, n - f); k++) {
            chosen.add(inputs.get(order[k]));
        }
        double[] ones = new double[chosen.size()];
        Arrays.fill(ones, 1);
        return weightedMean(chosen, ones);
    }

    static double[] normBound(List<double[]> inputs, double[] weights) {
        double[] norms = inputs.stream().mapToDouble(DistributedDp::norm).toArray();
        double[] sorted = norms.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double bound = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        List<double[]> bounded = new ArrayList<>();
        for (double[] v : inputs) {
            bounded.add(DistributedDp.clipToNorm(v, bound));
        }
        return weightedMean(bounded, weights);
    }

    static double[] flTrust(List<double[]> inputs, double[] root) {
        double rootNorm = DistributedDp.norm(root);
        double[] out = new double[root.length];
        if (rootNorm == 0) {
            return out;
        }
        double trustTotal = 0;
        for (double[] g : inputs) {
            double norm = DistributedDp.norm(g);
            if (norm == 0) {
                continue;
            }
            double dot = 0;
            for (int j = 0; j < root.length; j++) {
                dot += g[j] * root[j];
            }
            double trust = Math.max(0, dot / (norm * rootNorm));
            for (int j = 0; j < root.length; j++) {
                out[j] += trust * g[j] * rootNorm / norm;
            }
            trustTotal += trust;
        }
        for (int j = 0; j < out.length; j++) {
            out[j] = trustTotal > 0 ? out[j] / trustTotal : 0;
        }
        return out;
    }
}
