package dev.bastion.privacy.synth;

import java.util.ArrayList;
import java.util.List;

/**
 * Sum-product on a junction tree in log space: from log-potentials θ_C on the cliques, the marginal of every clique
 * under P(x) ∝ exp(Σ_C θ_C(x_C)), scaled to a total count. Holds the tree's index maps, so one instance serves
 * every iteration of an estimation. Immutable after construction.
 *
 * <pre>
 * Collect (leaves first): a_C = θ_C + Σ_{children K} up_K;  up_C = log Σ_{C \ S_C} exp(a_C), a table over the
 *   separator S_C with the parent.
 * Distribute (root first): b_root = a_root;  for a child K of C: down_K = log Σ_{C \ S_K} exp(b_C - up_K),
 *   b_K = a_K + down_K.
 * b_C is then log P(x_C) + log Z for every clique; each is normalised by its own log-sum-exp and scaled to the
 * total. Messages are tables over separators added to clique tables through index maps (Factor.map); the maximum
 * is subtracted inside every log-sum-exp, so no potential overflows.
 * </pre>
 */
final class BeliefPropagation {
    private final JunctionTree tree;
    private final int[][] childSide;  // [c]: cell of clique c -> cell of its separator with the parent
    private final int[][] parentSide; // [c]: cell of c's parent -> cell of c's separator
    private final int[] separatorCells;
    private final List<List<Integer>> children;

    BeliefPropagation(JunctionTree tree) {
        this.tree = tree;
        int k = tree.cliqueCount();
        int[] domain = tree.domain();
        childSide = new int[k][];
        parentSide = new int[k][];
        separatorCells = new int[k];
        children = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            children.add(new ArrayList<>());
        }
        for (int c : tree.order()) {
            int p = tree.parent(c);
            if (p < 0) {
                continue;
            }
            int[] s = tree.separator(c);
            childSide[c] = Factor.map(tree.clique(c), Factor.sizesOf(tree.clique(c), domain), s);
            parentSide[c] = Factor.map(tree.clique(p), Factor.sizesOf(tree.clique(p), domain), s);
            separatorCells[c] = Math.toIntExact(Factor.cells(Factor.sizesOf(s, domain)));
            children.get(p).add(c);
        }
    }

    JunctionTree tree() {
        return tree;
    }

    int[] childSide(int clique) {
        return childSide[clique];
    }

    /** The clique marginals (counts summing to {@code total}) of the model with log-potentials {@code theta}. */
    double[][] beliefs(double[][] theta, double total) {
        int k = tree.cliqueCount();
        int[] order = tree.order();
        double[][] a = new double[k][];
        double[][] up = new double[k][];
        for (int i = k - 1; i >= 0; i--) {
            int c = order[i];
            a[c] = theta[c].clone();
            for (int child : children.get(c)) {
                add(a[c], up[child], parentSide[child]);
            }
            if (tree.parent(c) >= 0) {
                up[c] = Factor.logSumExp(a[c], childSide[c], separatorCells[c]);
            }
        }
        double[][] b = new double[k][];
        b[order[0]] = a[order[0]];
        for (int c : order) {
            for (int child : children.get(c)) {
                double[] without = b[c].clone();
                subtract(without, up[child], parentSide[child]);
                double[] down = Factor.logSumExp(without, parentSide[child], separatorCells[child]);
                b[child] = a[child];
                add(b[child], down, childSide[child]);
            }
        }
        double[][] out = new double[k][];
        for (int c = 0; c < k; c++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : b[c]) {
                max = Math.max(max, v);
            }
            double sum = 0;
            double[] p = new double[b[c].length];
            for (int i = 0; i < p.length; i++) {
                p[i] = Math.exp(b[c][i] - max);
                sum += p[i];
            }
            for (int i = 0; i < p.length; i++) {
                p[i] *= total / sum;
            }
            out[c] = p;
        }
        return out;
    }

    private static void add(double[] into, double[] message, int[] map) {
        for (int i = 0; i < into.length; i++) {
            into[i] += message[map[i]];
        }
    }

    private static void subtract(double[] into, double[] message, int[] map) {
        for (int i = 0; i < into.length; i++) {
            into[i] -= message[map[i]];
        }
    }
}
