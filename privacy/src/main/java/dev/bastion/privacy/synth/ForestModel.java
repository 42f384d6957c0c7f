package dev.bastion.privacy.synth;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * A consistent forest-structured model estimated from noisy 1- and 2-way marginals (post-processing, no privacy
 * cost), shared by MST and AIM. Immutable.
 *
 * <pre>
 * Estimation (see Consistency for the three tools):
 *  - the row count N̂: the inverse-variance weighted mean of every measurement's noisy total (a total over s cells
 *    of noise σ² has variance s·σ²);
 *  - each 2-way marginal on an edge: all its measurements combined cell by cell by inverse variance (AIM may
 *    measure one marginal several times, with different σ);
 *  - each column's 1-way marginal: its own measurements and the sums of the combined 2-way marginals containing it,
 *    combined by inverse variance and projected onto the simplex of total N̂;
 *  - each edge's table projected onto the simplex and fitted to both 1-way marginals by IPF. On a forest every
 *    edge shares exactly its two 1-way marginals with the rest, so the fitted tables agree everywhere and the
 *    model is P(root) Π P(child | parent) per tree.
 * Any 2-way marginal of the model (needed by AIM to score candidates) is read along the path between the two
 * columns: diag(P(a)) times the conditionals P(next | previous) of every step; columns in different trees are
 * independent.
 * </pre>
 */
final class ForestModel {

    /** One noisy measurement of the marginal over {@code attributes} (one or two columns), noise σ per cell. */
    record Noisy(int[] attributes, double[] counts, double sigma) {
        Noisy {
            attributes = attributes.clone();
            if (attributes.length < 1 || attributes.length > 2 || !(sigma > 0)) {
                throw new IllegalArgumentException("a forest model takes 1- and 2-way measurements with sigma > 0");
            }
        }
    }

    private final int[] sizes;
    private final double total;
    private final double[][] oneWay;       // [column][value], sums to total
    private final int[] parent;            // -1 for a root
    private final int[] depth;
    private final double[][][] down;       // [child][parent value][child value]: P(child | parent)
    private final double[][][] up;         // [child][child value][parent value]: P(parent | child)
    private final TreeModel sampler;

    private ForestModel(int[] sizes, double total, double[][] oneWay, int[] parent, int[] depth, double[][][] down,
            double[][][] up, TreeModel sampler) {
        this.sizes = sizes;
        this.total = total;
        this.oneWay = oneWay;
        this.parent = parent;
        this.depth = depth;
        this.down = down;
        this.up = up;
        this.sampler = sampler;
    }

    /** The model of the forest {@code edges} (no cycles) over columns of {@code sizes} from {@code measurements}. */
    static ForestModel estimate(int[] sizes, List<int[]> edges, List<Noisy> measurements) {
        int d = sizes.length;
        double sum = 0;
        double weight = 0;
        for (Noisy m : measurements) {
            double w = 1 / (m.counts().length * m.sigma() * m.sigma());
            sum += w * Arrays.stream(m.counts()).sum();
            weight += w;
        }
        double total = weight > 0 ? Math.max(1, sum / weight) : 1;

        double[][] edgeTables = new double[edges.size()][];
        double[] edgeVariance = new double[edges.size()];
        for (int i = 0; i < edges.size(); i++) {
            int[] e = edges.get(i);
            List<double[]> tables = new ArrayList<>();
            List<Double> variances = new ArrayList<>();
            for (Noisy m : measurements) {
                if (m.attributes().length == 2 && m.attributes()[0] == e[0] && m.attributes()[1] == e[1]) {
                    tables.add(m.counts());
                    variances.add(m.sigma() * m.sigma());
                }
            }
            if (tables.isEmpty()) {
                throw new IllegalArgumentException("edge " + Arrays.toString(e) + " was never measured");
            }
            edgeTables[i] = Consistency.combine(tables.toArray(double[][]::new),
                    variances.stream().mapToDouble(Double::doubleValue).toArray());
            edgeVariance[i] = 1 / variances.stream().mapToDouble(v -> 1 / v).sum();
        }

        double[][] consensus = new double[d][];
        for (int c = 0; c < d; c++) {
            List<double[]> estimates = new ArrayList<>();
            List<Double> variances = new ArrayList<>();
            for (Noisy m : measurements) {
                if (m.attributes().length == 1 && m.attributes()[0] == c) {
                    estimates.add(m.counts());
                    variances.add(m.sigma() * m.sigma());
                }
            }
            for (int i = 0; i < edges.size(); i++) {
                int[] e = edges.get(i);
                if (e[0] == c || e[1] == c) {
                    int other = e[0] == c ? e[1] : e[0];
                    estimates.add(new Marginal(e, new int[] {sizes[e[0]], sizes[e[1]]}, edgeTables[i])
                            .sums(e[0] == c ? 0 : 1));
                    variances.add(sizes[other] * edgeVariance[i]);
                }
            }
            consensus[c] = estimates.isEmpty() ? uniform(sizes[c], total)
                    : Consistency.simplex(Consistency.combine(estimates.toArray(double[][]::new),
                            variances.stream().mapToDouble(Double::doubleValue).toArray()), total);
        }
        return build(sizes, edges, edgeTables, consensus, total);
    }

    private static double[] uniform(int size, double total) {
        double[] u = new double[size];
        Arrays.fill(u, total / size);
        return u;
    }

    /** Roots every tree at its lowest column, fits every edge and keeps both conditionals of every edge. */
    private static ForestModel build(int[] sizes, List<int[]> edges, double[][] edgeTables, double[][] consensus,
            double total) {
        int d = sizes.length;
        int[] parent = new int[d];
        int[] depth = new int[d];
        Arrays.fill(parent, -2);
        double[][][] down = new double[d][][];
        double[][][] up = new double[d][][];
        double[][][] tables = new double[d][][];
        int[] order = new int[d];
        int next = 0;
        for (int root = 0; root < d; root++) {
            if (parent[root] != -2) {
                continue;
            }
            parent[root] = -1;
            tables[root] = new double[][] {consensus[root]};
            Deque<Integer> queue = new ArrayDeque<>(List.of(root));
            while (!queue.isEmpty()) {
                int c = queue.poll();
                order[next++] = c;
                for (int i = 0; i < edges.size(); i++) {
                    int[] e = edges.get(i);
                    int child = e[0] == c ? e[1] : e[1] == c ? e[0] : -1;
                    if (child < 0 || parent[child] != -2) {
                        continue;
                    }
                    parent[child] = c;
                    depth[child] = depth[c] + 1;
                    double[] fitted = Consistency.fit(Consistency.simplex(edgeTables[i], total), sizes[e[0]],
                            sizes[e[1]], consensus[e[0]], consensus[e[1]]);
                    double[][] joint = new double[sizes[c]][sizes[child]]; // [parent value][child value]
                    for (int a = 0; a < sizes[e[0]]; a++) {
                        for (int b = 0; b < sizes[e[1]]; b++) {
                            double v = fitted[a * sizes[e[1]] + b];
                            if (e[0] == c) {
                                joint[a][b] = v;
                            } else {
                                joint[b][a] = v;
                            }
                        }
                    }
                    tables[child] = joint;
                    down[child] = normalisedRows(joint);
                    up[child] = normalisedRows(transpose(joint));
                    queue.add(child);
                }
            }
        }
        return new ForestModel(sizes.clone(), total, consensus, parent, depth, down, up,
                new TreeModel(parent, order, tables));
    }

    private static double[][] transpose(double[][] m) {
        double[][] t = new double[m[0].length][m.length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[0].length; j++) {
                t[j][i] = m[i][j];
            }
        }
        return t;
    }

    /** Each row divided by its sum; an all-zero row becomes uniform. */
    private static double[][] normalisedRows(double[][] m) {
        double[][] out = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            double s = Arrays.stream(m[i]).map(v -> Math.max(0, v)).sum();
            out[i] = new double[m[i].length];
            for (int j = 0; j < m[i].length; j++) {
                out[i][j] = s > 0 ? Math.max(0, m[i][j]) / s : 1.0 / m[i].length;
            }
        }
        return out;
    }

    double total() {
        return total;
    }

    TreeModel sampler() {
        return sampler;
    }

    /** The model's counts (summing to N̂) over {@code attributes}, one or two columns, in Marginal's cell order. */
    double[] marginal(int... attributes) {
        if (attributes.length == 1) {
            return oneWay[attributes[0]].clone();
        }
        int a = attributes[0];
        int b = attributes[1];
        double[] out = new double[sizes[a] * sizes[b]];
        // climb from both ends to the lowest common ancestor
        List<Integer> upSteps = new ArrayList<>();
        List<Integer> downSteps = new ArrayList<>();
        int x = a;
        int y = b;
        boolean sameTree = true;
        while (x != y) {
            if (depth[x] >= depth[y] && parent[x] >= 0) {
                upSteps.add(x);
                x = parent[x];
            } else if (depth[y] > depth[x] && parent[y] >= 0) {
                downSteps.add(y);
                y = parent[y];
            } else {
                sameTree = false; // two different roots
                break;
            }
        }
        if (!sameTree) {
            for (int i = 0; i < sizes[a]; i++) {
                for (int j = 0; j < sizes[b]; j++) {
                    out[i * sizes[b] + j] = total > 0 ? oneWay[a][i] * oneWay[b][j] / total : 0;
                }
            }
            return out;
        }
        // m[i][j] = N̂ · P(a = i, current column = j)
        double[][] m = new double[sizes[a]][sizes[a]];
        for (int i = 0; i < sizes[a]; i++) {
            m[i][i] = oneWay[a][i];
        }
        for (int step : upSteps) {
            m = times(m, up[step]);
        }
        for (int k = downSteps.size() - 1; k >= 0; k--) {
            m = times(m, down[downSteps.get(k)]);
        }
        for (int i = 0; i < sizes[a]; i++) {
            System.arraycopy(m[i], 0, out, i * sizes[b], sizes[b]);
        }
        return out;
    }

    private static double[][] times(double[][] p, double[][] q) {
        double[][] out = new double[p.length][q[0].length];
        for (int i = 0; i < p.length; i++) {
            for (int k = 0; k < q.length; k++) {
                double v = p[i][k];
                if (v != 0) {
                    for (int j = 0; j < q[0].length; j++) {
                        out[i][j] += v * q[k][j];
                    }
                }
            }
        }
        return out;
    }
}
