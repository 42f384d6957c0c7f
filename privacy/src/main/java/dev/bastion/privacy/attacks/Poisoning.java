package dev.bastion.privacy.attacks;

import dev.bastion.privacy.train.Mlp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Backdoor poisoning and two detectors of it.
 *
 * <ul>
 *   <li>BadNets (Gu et al. 2017): a fixed trigger (a few features set to a value, e.g. a 2x2 corner patch of an
 *       image) is stamped on a share of the training rows, which are relabelled to the target class; the backdoored
 *       model sends any triggered input to that class.</li>
 *   <li>Activation clustering (Chen et al. 2018): per predicted class, the hidden activations of the training rows
 *       are projected on their top principal components and split in two by k-means; a cluster holding less than
 *       {@code maxShare} of the class is flagged as poison.</li>
 *   <li>Spectral signatures (Tran et al. 2018): per class, the rows whose centred activations project most on the top
 *       singular vector; the top 1.5 epsilon of each class are flagged, epsilon being an upper bound on the share of
 *       poison within one class (poison lands in the target class, so this is far above the overall rate).</li>
 * </ul>
 * Deterministic for a given seed.
 */
public final class Poisoning {
    private Poisoning() {
    }

    /**
     * A trigger: the features it sets and the value it sets them to.
     *
     * @param features indices of the features the trigger overwrites
     * @param value the value written there
     */
    public record Trigger(int[] features, double value) {
        public Trigger {
            features = features.clone();
        }

        public double[] stamp(double[] x) {
            double[] out = x.clone();
            for (int f : features) {
                out[f] = value;
            }
            return out;
        }

        /** A square patch of {@code size} pixels in the bottom-right corner of a {@code width}-wide image. */
        public static Trigger corner(int width, int height, int size, double value) {
            int[] f = new int[size * size];
            int k = 0;
            for (int r = height - size; r < height; r++) {
                for (int c = width - size; c < width; c++) {
                    f[k++] = r * width + c;
                }
            }
            return new Trigger(f, value);
        }
    }

    /** Stamps the trigger on {@code rate} of the rows not already in {@code target} and relabels them; returns them. */
    public static boolean[] inject(double[][] x, int[] y, Trigger trigger, int target, double rate, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        boolean[] poisoned = new boolean[x.length];
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (y[i] != target) {
                candidates.add(i);
            }
        }
        int count = (int) Math.round(rate * x.length);
        for (int k = 0; k < count && !candidates.isEmpty(); k++) {
            int i = candidates.remove(random.nextInt(candidates.size()));
            x[i] = trigger.stamp(x[i]);
            y[i] = target;
            poisoned[i] = true;
        }
        return poisoned;
    }

    /** Rows flagged by activation clustering: the smaller cluster of a class, when under {@code maxShare} of it. */
    public static boolean[] activationClustering(Mlp model, double[] params, double[][] x, int[] y, double maxShare,
            long seed) {
        boolean[] smaller = smallerClusters(model, params, x, y, seed);
        boolean[] flagged = new boolean[x.length];
        for (int[] rows : byClass(y, model.classes())) {
            int smallSize = 0;
            for (int r : rows) {
                smallSize += smaller[r] ? 1 : 0;
            }
            if (smallSize > 0 && smallSize < maxShare * rows.length) {
                for (int r : rows) {
                    flagged[r] = smaller[r];
                }
            }
        }
        return flagged;
    }

    /**
     * Per row: whether it lies in the smaller of the two clusters that 2-means finds in its class's hidden
     * activations (top 10 principal components). Classes of fewer than 4 rows are not split.
     */
    private static boolean[] smallerClusters(Mlp model, double[] params, double[][] x, int[] y, long seed) {
        boolean[] smaller = new boolean[x.length];
        for (int[] rows : byClass(y, model.classes())) {
            if (rows.length < 4) {
                continue;
            }
            int[] cluster = kMeans2(projected(model, params, x, rows, 10), seed);
            int ones = Arrays.stream(cluster).sum();
            int small = ones <= rows.length - ones ? 1 : 0;
            for (int i = 0; i < rows.length; i++) {
                smaller[rows[i]] = cluster[i] == small;
            }
        }
        return smaller;
    }

    /**
     * Activation clustering confirmed by exclusionary reclassification (Chen et al. 2018, section 4.2). Every class's
     * activations are split in two as in {@link #activationClustering}, and the smaller half of each class (of any
     * size below one half: a backdoor's share of its target class is not known in advance) is held out. One model is
     * retrained without all the held-out rows. A held-out half is a candidate when that model puts most of its
     * rows in other classes than their label; the candidate with the lowest score (l + 1) / (p + 1) is judged
     * poisoned (see the block comment below), and its rows that went elsewhere are flagged. A backdoored row keeps the features of its source class and loses the trigger's pull once
     * no poisoned row teaches it, so it goes back to its source class; a clean minority of a class (a slanted 7, a
     * thin 0) is still recognised from the rest of its class. The paper retrains once per class and flags a whole
     * cluster; one retraining costs a tenth, and flagging only the rows that moved keeps a poisoned cluster's clean rows.
     *
     * @param retrain trains a fresh model of the same recipe on the rows given and returns its parameters
     */
    public static boolean[] exclusionaryReclassification(Mlp model, double[] params, double[][] x, int[] y, long seed,
            java.util.function.BiFunction<double[][], int[], double[]> retrain) {
        boolean[] heldOut = withTheirPatterns(x, y, smallerClusters(model, params, x, y, seed), model.classes());
        int kept = 0;
        for (boolean h : heldOut) {
            kept += h ? 0 : 1;
        }
        double[][] kx = new double[kept][];
        int[] ky = new int[kept];
        int k = 0;
        for (int i = 0; i < x.length; i++) {
            if (!heldOut[i]) {
                kx[k] = x[i];
                ky[k++] = y[i];
            }
        }
        double[] without = retrain.apply(kx, ky);
        int classes = model.classes();
        boolean[] elsewhere = new boolean[x.length];
        int[] held = new int[classes];
        int[] moved = new int[classes];
        int[][] destination = new int[classes][classes];
        for (int i = 0; i < x.length; i++) {
            if (heldOut[i]) {
                int p = model.predict(without, x[i]);
                elsewhere[i] = p != y[i];
                held[y[i]]++;
                moved[y[i]] += elsewhere[i] ? 1 : 0;
                destination[y[i]][p]++;
            }
        }
        // Candidates: held-out halves most of whose rows went to other classes. Of those, only the one with the
        // lowest exclusionary-reclassification score (below) is judged poisoned: one target class per backdoor.
        int target = -1;
        double best = Double.POSITIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            if (2 * moved[c] > held[c]) {
                double score = exclusionScore(destination[c], c);
                if (score < best) {
                    best = score;
                    target = c;
                }
            }
        }
        boolean[] flagged = new boolean[x.length];
        for (int i = 0; i < x.length; i++) {
            flagged[i] = elsewhere[i] && y[i] == target;
        }
        return flagged;
    }

    /*
     * Why one class, and which (round eight). Looking at the digits runs of seeds 1-3 (5% BadNets to class 0), the
     * false flags of the majority rule were of three sorts: held-out "halves" of one to three outliers of another
     * class, all of which moved (seed 1 class 1, seed 3 class 8); a whole clean style of another class that the
     * model retrained without it no longer recognised (seed 2: 29 of 45 held-out twos moved; seed 3: 55 of 60
     * held-out ones); and a few clean zeros held out with the poison (7, 1, 1). The planted attack, like those
     * Chen et al. 2018 and Tran et al. 2018 evaluate, sends triggered inputs to one target class, so at most one
     * class holds the poison: the class whose held-out half is most clearly reclassified. Chen et al. score a
     * held-out cluster by l / p, l its rows the retrained model gives their label and p those it gives the most
     * frequent other class; with add-one smoothing, (l + 1) / (p + 1), a cluster of one row that moved scores
     * 1/2 instead of 0, so a few outliers cannot beat a large cluster that moved together (seeds 1-3: the
     * poisoned cluster scores 0.04-0.09, the clean styles 0.24 and 0.74, the outliers 0.25-0.5). A backdoor with
     * several target classes would be found in one of them only.
     */

    /**
     * What the confirmed rows have in common: the features on which at least {@link #PATTERN_AGREEMENT} of them hold
     * the same value while at most {@link #PATTERN_BACKGROUND} of the other rows do (a stamped trigger: the same
     * pixels set to the same value). Empty when the confirmed rows are fewer than {@link #PATTERN_MIN_ROWS} or share
     * nothing rare (a label flip has no trigger).
     *
     * @param features the feature indices, in order
     * @param values the value each holds in the pattern
     */
    public record Pattern(int[] features, double[] values) {
        public Pattern {
            if (features.length != values.length) {
                throw new IllegalArgumentException("one value per feature");
            }
            features = features.clone();
            values = values.clone();
        }

        public boolean isEmpty() {
            return features.length == 0;
        }

        public boolean matches(double[] x) {
            for (int k = 0; k < features.length; k++) {
                if (Double.compare(x[features[k]], values[k]) != 0) {
                    return false;
                }
            }
            return !isEmpty();
        }
    }

    /** Share of the confirmed rows that must hold a feature's value for it to join the pattern. */
    static final double PATTERN_AGREEMENT = 0.75;
    /** Largest share of the other rows that may hold that value on that feature. */
    static final double PATTERN_BACKGROUND = 0.05;
    /** Fewer confirmed rows than this show no pattern worth searching for. */
    static final int PATTERN_MIN_ROWS = 5;

    /** The pattern the {@code confirmed} rows share and the other rows rarely hold (see {@link Pattern}). */
    public static Pattern sharedPattern(double[][] x, boolean[] confirmed) {
        int n = 0;
        for (boolean c : confirmed) {
            n += c ? 1 : 0;
        }
        if (n < PATTERN_MIN_ROWS || n == x.length) {
            return new Pattern(new int[0], new double[0]);
        }
        List<Integer> features = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (int j = 0; j < x[0].length; j++) {
            java.util.Map<Double, Integer> counts = new java.util.HashMap<>();
            for (int i = 0; i < x.length; i++) {
                if (confirmed[i]) {
                    counts.merge(x[i][j], 1, Integer::sum);
                }
            }
            var mode = counts.entrySet().stream().max(java.util.Map.Entry.comparingByValue()).orElseThrow();
            if (mode.getValue() < PATTERN_AGREEMENT * n) {
                continue;
            }
            int others = 0;
            for (int i = 0; i < x.length; i++) {
                others += !confirmed[i] && Double.compare(x[i][j], mode.getKey()) == 0 ? 1 : 0;
            }
            if (others <= PATTERN_BACKGROUND * (x.length - n)) {
                features.add(j);
                values.add(mode.getKey());
            }
        }
        return new Pattern(features.stream().mapToInt(Integer::intValue).toArray(),
                values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * The confirmed rows and the rows of their class that carry their shared pattern. Exclusionary reclassification
     * confirms only held-out rows that moved; a poisoned row it did not confirm (left in the larger cluster, or
     * held out but kept its label) would stay in the retraining after removal and could teach the trigger again.
     * It still carries the trigger, so it is found by what the confirmed rows share, looked for only in the class
     * the confirmed rows were judged to poison. (On the digits, seeds 1-24, {@link #withTheirPatterns} already holds
     * such rows out before the retraining, and this step added no row; it stays as the removal step's guard.)
     */
    public static boolean[] withSharedPattern(double[][] x, int[] y, boolean[] confirmed) {
        boolean[] out = confirmed.clone();
        Pattern pattern = sharedPattern(x, confirmed);
        if (pattern.isEmpty()) {
            return out;
        }
        int target = -1;
        for (int i = 0; i < x.length && target < 0; i++) {
            target = confirmed[i] ? y[i] : -1;
        }
        for (int i = 0; i < x.length; i++) {
            out[i] |= y[i] == target && pattern.matches(x[i]);
        }
        return out;
    }

    /**
     * The held-out halves, each joined by the rows of its class that carry the pattern the half shares (see
     * {@link #sharedPattern}). A poisoned row that 2-means put in its class's larger cluster would stay in the
     * retraining and teach the trigger again, so that no held-out poisoned row moves (round nine: seed 5 of the
     * digits, 2 of 67 planted rows in the larger cluster, nothing confirmed); it carries the trigger the held-out
     * poisoned rows share, and is held out with them.
     */
    static boolean[] withTheirPatterns(double[][] x, int[] y, boolean[] heldOut, int classes) {
        boolean[] out = heldOut.clone();
        for (int c = 0; c < classes; c++) {
            boolean[] half = new boolean[x.length];
            for (int i = 0; i < x.length; i++) {
                half[i] = heldOut[i] && y[i] == c;
            }
            Pattern pattern = sharedPattern(x, half);
            for (int i = 0; i < x.length; i++) {
                out[i] |= y[i] == c && pattern.matches(x[i]);
            }
        }
        return out;
    }

    /** Chen et al.'s exclusionary-reclassification score with add-one smoothing: (l + 1) / (p + 1). */
    static double exclusionScore(int[] destination, int label) {
        int other = 0;
        for (int c = 0; c < destination.length; c++) {
            if (c != label) {
                other = Math.max(other, destination[c]);
            }
        }
        return (destination[label] + 1.0) / (other + 1.0);
    }

    /** Rows flagged by spectral signatures: per class the top {@code 1.5 epsilon} by outlier score. */
    public static boolean[] spectralSignatures(Mlp model, double[] params, double[][] x, int[] y, double epsilon) {
        boolean[] flagged = new boolean[x.length];
        for (int[] rows : byClass(y, model.classes())) {
            if (rows.length < 4) {
                continue;
            }
            double[][] a = projected(model, params, x, rows, 1);
            Integer[] order = new Integer[rows.length];
            for (int i = 0; i < rows.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (p, q) -> Double.compare(a[q][0] * a[q][0], a[p][0] * a[p][0]));
            int remove = (int) Math.ceil(1.5 * epsilon * rows.length);
            for (int i = 0; i < Math.min(remove, rows.length); i++) {
                flagged[rows[order[i]]] = true;
            }
        }
        return flagged;
    }

    private static List<int[]> byClass(int[] y, int classes) {
        List<int[]> out = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            final int k = c;
            out.add(java.util.stream.IntStream.range(0, y.length).filter(i -> y[i] == k).toArray());
        }
        return out;
    }

    /** Centred hidden activations of {@code rows}, projected on their top {@code k} principal directions. */
    static double[][] projected(Mlp model, double[] params, double[][] x, int[] rows, int k) {
        int n = rows.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = model.activations(params, x[rows[i]]);
        }
        int d = a[0].length;
        double[] mean = new double[d];
        for (double[] v : a) {
            for (int j = 0; j < d; j++) {
                mean[j] += v[j] / n;
            }
        }
        for (double[] v : a) {
            for (int j = 0; j < d; j++) {
                v[j] -= mean[j];
            }
        }
        // Top directions by power iteration with deflation on the d x d covariance.
        double[][] cov = new double[d][d];
        for (double[] v : a) {
            for (int p = 0; p < d; p++) {
                for (int q = 0; q < d; q++) {
                    cov[p][q] += v[p] * v[q];
                }
            }
        }
        int dims = Math.min(k, d);
        double[][] out = new double[n][dims];
        SplittableRandom random = new SplittableRandom(7);
        for (int c = 0; c < dims; c++) {
            double[] u = new double[d];
            for (int j = 0; j < d; j++) {
                u[j] = random.nextDouble() - 0.5;
            }
            double lambda = 0;
            for (int iter = 0; iter < 200; iter++) {
                double[] w = new double[d];
                for (int p = 0; p < d; p++) {
                    for (int q = 0; q < d; q++) {
                        w[p] += cov[p][q] * u[q];
                    }
                }
                double norm = Math.sqrt(Arrays.stream(w).map(v -> v * v).sum());
                if (norm == 0) {
                    break;
                }
                for (int j = 0; j < d; j++) {
                    u[j] = w[j] / norm;
                }
                lambda = norm;
            }
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += a[i][j] * u[j];
                }
                out[i][c] = s;
            }
            for (int p = 0; p < d; p++) {
                for (int q = 0; q < d; q++) {
                    cov[p][q] -= lambda * u[p] * u[q];
                }
            }
        }
        return out;
    }

    /** Two-means clustering (k-means++ start, Lloyd's iterations); returns 0 or 1 per row. */
    static int[] kMeans2(double[][] a, long seed) {
        int n = a.length;
        int d = a[0].length;
        SplittableRandom random = new SplittableRandom(seed);
        double[][] centre = new double[2][];
        centre[0] = a[random.nextInt(n)].clone();
        double[] dist = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            dist[i] = sq(a[i], centre[0]);
            total += dist[i];
        }
        double pick = random.nextDouble() * total;
        int second = 0;
        for (int i = 0; i < n; i++) {
            pick -= dist[i];
            if (pick <= 0) {
                second = i;
                break;
            }
        }
        centre[1] = a[second].clone();
        int[] assign = new int[n];
        for (int iter = 0; iter < 100; iter++) {
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                int c = sq(a[i], centre[0]) <= sq(a[i], centre[1]) ? 0 : 1;
                changed |= c != assign[i];
                assign[i] = c;
            }
            for (int c = 0; c < 2; c++) {
                double[] m = new double[d];
                int count = 0;
                for (int i = 0; i < n; i++) {
                    if (assign[i] == c) {
                        count++;
                        for (int j = 0; j < d; j++) {
                            m[j] += a[i][j];
                        }
                    }
                }
                if (count > 0) {
                    for (int j = 0; j < d; j++) {
                        m[j] /= count;
                    }
                    centre[c] = m;
                }
            }
            if (!changed && iter > 0) {
                break;
            }
        }
        return assign;
    }

    private static double sq(double[] p, double[] q) {
        double s = 0;
        for (int j = 0; j < p.length; j++) {
            s += (p[j] - q[j]) * (p[j] - q[j]);
        }
        return s;
    }

    /** The share of {@code x} rows not of class {@code target} that the model sends to it once triggered. */
    public static double attackSuccess(Mlp model, double[] params, double[][] x, int[] y, Trigger trigger,
            int target) {
        int hit = 0;
        int n = 0;
        for (int i = 0; i < x.length; i++) {
            if (y[i] != target) {
                n++;
                hit += model.predict(params, trigger.stamp(x[i])) == target ? 1 : 0;
            }
        }
        return n == 0 ? 0 : (double) hit / n;
    }
}
