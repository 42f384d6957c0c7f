package dev.bastion.privacy.synth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A distribution over coded columns given by a junction tree and the calibrated marginal of each of its cliques
 * (counts summing to the estimated row count): P(x) = Π_C P(x_C) / Π_S P(x_S). Made by {@link MirrorDescent}.
 * Not thread-safe: conditionals are computed when first needed and kept.
 *
 * <pre>
 * Marginal of a set A inside a clique: the clique's table summed onto A. Otherwise exact variable elimination on
 * the smallest subtree that holds A: leaves whose columns of A all lie in their separator are pruned (their
 * conditional P(C \ S | S) sums to 1), the rest is rooted at its topmost clique R and
 *   P(A) = Σ_{outside A} P(x_R) Π_{C ≠ R} P(x_C | x_{S_C}),
 * summed leaves first: each clique sends its parent a table over its separator and the columns of A below it,
 * after summing out every column that only its own conditional holds.
 * Sampling: forward along the tree, the root clique's cell from its marginal, every other clique's columns outside
 * its separator from P(C \ S | S) given the separator's values already drawn.
 * </pre>
 */
final class GraphicalModel {
    private final JunctionTree tree;
    private final BeliefPropagation propagation;
    private final double[][] beliefs;
    private final double total;
    private final Factor[] conditionals; // made when first needed

    GraphicalModel(BeliefPropagation propagation, double[][] beliefs, double total) {
        this.tree = propagation.tree();
        this.propagation = propagation;
        this.beliefs = beliefs;
        this.total = total;
        this.conditionals = new Factor[beliefs.length];
    }

    JunctionTree tree() {
        return tree;
    }

    double total() {
        return total;
    }

    Factor belief(int clique) {
        int[] c = tree.clique(clique);
        return new Factor(c, Factor.sizesOf(c, tree.domain()), beliefs[clique]);
    }

    /** The model's counts (summing to the total) over {@code attributes} (increasing), in Marginal's cell order. */
    double[] marginal(int... attributes) {
        int inside = tree.containing(attributes);
        if (inside >= 0) {
            return belief(inside).sumOnto(attributes).values();
        }
        int k = tree.cliqueCount();
        boolean[] kept = new boolean[k];
        Arrays.fill(kept, true);
        int[] degree = new int[k];
        for (int c = 0; c < k; c++) {
            if (tree.parent(c) >= 0) {
                degree[c]++;
                degree[tree.parent(c)]++;
            }
        }
        for (boolean pruned = true; pruned; ) {
            pruned = false;
            for (int c = 0; c < k; c++) {
                if (!kept[c] || degree[c] > 1) {
                    continue;
                }
                int neighbour = neighbour(c, kept);
                int[] mine = Factor.intersection(tree.clique(c), attributes);
                if (neighbour >= 0 && Factor.contains(tree.clique(neighbour), mine)) {
                    kept[c] = false;
                    degree[c]--;
                    degree[neighbour]--;
                    pruned = true;
                }
            }
        }
        int[] order = Arrays.stream(tree.order()).filter(c -> kept[c]).toArray();
        Factor[] message = new Factor[k];
        for (int i = order.length - 1; i >= 0; i--) {
            int c = order[i];
            boolean root = i == 0;
            List<Factor> incoming = new ArrayList<>();
            int[] needed = root ? attributes : Factor.union(tree.separator(c), attributes);
            int[] fromBelow = new int[0];
            for (int child : order) {
                if (child != c && tree.parent(child) == c) {
                    incoming.add(message[child]);
                    fromBelow = Factor.union(fromBelow, message[child].attributes());
                }
            }
            Factor own = root ? belief(c) : conditional(c);
            // columns only this clique's table holds and nobody needs are summed out first
            int[] keep = Factor.intersection(own.attributes(), Factor.union(needed, fromBelow));
            Factor f = own.sumOnto(keep);
            for (Factor m : incoming) {
                f = f.times(m);
            }
            message[c] = f.sumOnto(Factor.intersection(f.attributes(), needed));
        }
        return message[order[0]].values();
    }

    private int neighbour(int c, boolean[] kept) {
        if (tree.parent(c) >= 0 && kept[tree.parent(c)]) {
            return tree.parent(c);
        }
        for (int o = 0; o < tree.cliqueCount(); o++) {
            if (kept[o] && tree.parent(o) == c) {
                return o;
            }
        }
        return -1;
    }

    /** P(C \ S | S) over the clique's cells: its marginal divided by its separator's (0 where that is 0). */
    private Factor conditional(int clique) {
        if (conditionals[clique] == null) {
            conditionals[clique] = divided(clique);
        }
        return conditionals[clique];
    }

    private Factor divided(int clique) {
        Factor b = belief(clique);
        int[] map = propagation.childSide(clique);
        double[] separator = b.sumOnto(tree.separator(clique)).values();
        double[] out = new double[b.values().length];
        for (int i = 0; i < out.length; i++) {
            double s = separator[map[i]];
            out[i] = s > 0 ? b.values()[i] / s : 0;
        }
        return new Factor(b.attributes(), b.sizes(), out);
    }

    /** {@code rows} rows drawn from the model, as codes {@code [column][row]}. */
    int[][] sample(int rows, RandomGenerator random) {
        int[] domain = tree.domain();
        int[][] out = new int[domain.length][rows];
        for (int c : tree.order()) {
            Factor b = belief(c);
            int[] sep = tree.separator(c);
            int[] rest = Arrays.stream(b.attributes()).filter(a -> Arrays.binarySearch(sep, a) < 0).toArray();
            int[] restSizes = b.sizesOf(rest);
            int restCells = Math.toIntExact(Factor.cells(restSizes));
            int sepCells = Math.toIntExact(Factor.cells(b.sizesOf(sep)));
            int[] toSep = b.mapOnto(sep);
            int[] toRest = b.mapOnto(rest);
            double[][] cumulative = new double[sepCells][restCells];
            for (int i = 0; i < toSep.length; i++) {
                cumulative[toSep[i]][toRest[i]] += Math.max(0, b.values()[i]);
            }
            for (double[] row : cumulative) {
                double s = 0;
                for (int j = 0; j < row.length; j++) {
                    s += row[j];
                    row[j] = s;
                }
                if (!(s > 0)) { // a separator value the model gives no mass: uniform
                    Arrays.setAll(row, j -> j + 1);
                }
            }
            int[] sepSizes = b.sizesOf(sep);
            for (int r = 0; r < rows; r++) {
                int s = 0;
                for (int j = 0; j < sep.length; j++) {
                    s = s * sepSizes[j] + out[sep[j]][r];
                }
                double[] cum = cumulative[s];
                int cell = firstAbove(cum, random.nextDouble() * cum[cum.length - 1]);
                for (int j = rest.length - 1; j >= 0; j--) {
                    out[rest[j]][r] = cell % restSizes[j];
                    cell /= restSizes[j];
                }
            }
        }
        return out;
    }

    /** The first index whose cumulative weight exceeds {@code u} (never a value of zero weight). */
    private static int firstAbove(double[] cum, double u) {
        int lo = 0;
        int hi = cum.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cum[mid] > u) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
