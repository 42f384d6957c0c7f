package dev.bastion.privacy.synth;

import java.util.random.RandomGenerator;

/**
 * A forest-structured distribution over coded columns: each root column has a distribution, each other column a
 * distribution conditional on its parent's value. Sampled ancestrally: parents before children. Immutable.
 */
final class TreeModel {
    private final int[] parent;          // -1 for a root
    private final int[] order;           // columns, parents first
    private final double[][][] cumulative; // [column][parent value or 0][value]

    /**
     * @param parent     each column's parent, or -1
     * @param order      the columns with every parent before its children
     * @param tables     for a root its (unnormalised) 1-way counts as [1][size]; for a child [parentValue][value]
     */
    TreeModel(int[] parent, int[] order, double[][][] tables) {
        this.parent = parent.clone();
        this.order = order.clone();
        this.cumulative = new double[tables.length][][];
        for (int c = 0; c < tables.length; c++) {
            cumulative[c] = new double[tables[c].length][];
            for (int p = 0; p < tables[c].length; p++) {
                double[] row = tables[c][p];
                double[] cum = new double[row.length];
                double s = 0;
                for (int v = 0; v < row.length; v++) {
                    s += Math.max(0, row[v]);
                    cum[v] = s;
                }
                if (!(s > 0)) { // no information about this parent value: uniform
                    for (int v = 0; v < row.length; v++) {
                        cum[v] = v + 1;
                    }
                }
                cumulative[c][p] = cum;
            }
        }
    }

    /** {@code rows} samples, as codes {@code [column][row]}. */
    int[][] sample(int rows, RandomGenerator random) {
        int[][] out = new int[parent.length][rows];
        for (int r = 0; r < rows; r++) {
            for (int c : order) {
                double[] cum = cumulative[c][parent[c] < 0 ? 0 : out[parent[c]][r]];
                double u = random.nextDouble() * cum[cum.length - 1];
                out[c][r] = firstAbove(cum, u);
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
