package dev.bastion.privacy.synth;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * A consistent forest-structured model estimated from noisy 1- and 2-way marginals (post-processing, no privacy
 * cost), for MST and independent marginals. Immutable.
 *
 * <pre>
 * Estimation (see Consistency for the three tools):
 *  - the row count N̂: the inverse-variance weighted mean of every measurement's noisy total (a total over s cells
 *    of noise σ² has variance s·σ²);
 *  - each 2-way marginal on an edge: all its measurements combined cell by cell by inverse variance (one
 *    marginal may be measured several times, with different σ);
 *  - each column's 1-way marginal: its own measurements and the sums of the combined 2-way marginals containing it,
 *    combined by inverse variance and projected onto the simplex of total N̂;
 *  - each edge's table projected onto the simplex and fitted to both 1-way marginals by IPF. On a forest every
 *    edge shares exactly its two 1-way marginals with the rest, so the fitted tables agree everywhere and the
 *    model is P(root) Π P(child | parent) per tree.
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

    private final double total;
    private final TreeModel sampler;

    private ForestModel(double total, TreeModel sampler) {
        this.total = total;
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

    /** Roots every tree at its lowest column and fits every edge to its two 1-way marginals. */
    private static ForestModel build(int[] sizes, List<int[]> edges, double[][] edgeTables, double[][] consensus,
            double total) {
        int d = sizes.length;
        int[] parent = new int[d];
        Arrays.fill(parent, -2);
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
                    queue.add(child);
                }
            }
        }
        return new ForestModel(total, new TreeModel(parent, order, tables));
    }

    double total() {
        return total;
    }

    TreeModel sampler() {
        return sampler;
    }
}
