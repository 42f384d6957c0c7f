package dev.bastion.privacy.deid;

import dev.bastion.privacy.dp.Table;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The quasi-identifier columns of a table as integers, ready to be grouped at any lattice node: for each column,
 * each row's group id at each level of its hierarchy, and the generalisation loss of each group. Built once per
 * anonymisation; immutable after construction.
 */
final class EncodedQuasiIdentifiers {
    final int rows;
    final int columns;
    /** [column][level][row]: the row's group id at that level. */
    final int[][][] group;
    /** [column][level]: how many groups the level has. */
    final int[][] groups;
    /** [column][level][group]: (values covered - 1) / (values in the hierarchy - 1), Iyengar's loss of one cell. */
    final double[][][] cellLoss;
    /** [column][level]: the sum of the cell losses of every row at that level (the lower bound's parts). */
    final double[][] columnLoss;
    final List<Hierarchy> hierarchies;

    EncodedQuasiIdentifiers(Table table, List<String> qis, List<Hierarchy> hierarchies) {
        this.rows = table.size();
        this.columns = qis.size();
        this.hierarchies = List.copyOf(hierarchies);
        this.group = new int[columns][][];
        this.groups = new int[columns][];
        this.cellLoss = new double[columns][][];
        this.columnLoss = new double[columns][];
        for (int q = 0; q < columns; q++) {
            int column = table.index(qis.get(q));
            Hierarchy h = hierarchies.get(q);
            int levels = h.levels();
            group[q] = new int[levels][rows];
            groups[q] = new int[levels];
            cellLoss[q] = new double[levels][];
            columnLoss[q] = new double[levels];
            for (int level = 0; level < levels; level++) {
                Map<String, Integer> ids = new HashMap<>();
                double[] loss = new double[Math.max(1, h.size())];
                for (int r = 0; r < rows; r++) {
                    String value = table.cell(r, column);
                    if (!h.covers(value)) {
                        throw new IllegalArgumentException("row " + (r + 2) + ": the value of column '" + qis.get(q)
                                + "' has no line in its hierarchy");
                    }
                    String g = h.generalise(value, level);
                    int id = ids.computeIfAbsent(g, x -> ids.size());
                    group[q][level][r] = id;
                    loss[id] = h.size() <= 1 ? 0 : (h.leavesUnder(g, level) - 1.0) / (h.size() - 1.0);
                    columnLoss[q][level] += loss[id];
                }
                groups[q][level] = ids.size();
                cellLoss[q][level] = loss;
            }
        }
    }

    /** The classes at {@code node}: rows grouped by their generalised values. */
    EquivalenceClasses classesAt(int[] node) {
        long[] key = new long[rows];
        long radix = 1;
        boolean fits = true;
        for (int q = 0; q < columns; q++) {
            int[] g = group[q][node[q]];
            for (int r = 0; r < rows; r++) {
                key[r] += g[r] * radix;
            }
            int n = groups[q][node[q]];
            if (radix > Long.MAX_VALUE / Math.max(1, n)) {
                fits = false;
                break;
            }
            radix *= Math.max(1, n);
        }
        if (!fits) {
            return EquivalenceClasses.group(rows, r -> {
                java.util.List<String> k = new java.util.ArrayList<>(columns);
                for (int q = 0; q < columns; q++) {
                    k.add(Integer.toString(group[q][node[q]][r]));
                }
                return k;
            });
        }
        HashMap<Long, Integer> ids = new HashMap<>();
        int[] classOf = new int[rows];
        int[] sizes = new int[16];
        for (int r = 0; r < rows; r++) {
            Integer id = ids.putIfAbsent(key[r], ids.size());
            int c = id == null ? ids.size() - 1 : id;
            if (c == sizes.length) {
                sizes = java.util.Arrays.copyOf(sizes, sizes.length * 2);
            }
            sizes[c]++;
            classOf[r] = c;
        }
        return new EquivalenceClasses(classOf, java.util.Arrays.copyOf(sizes, ids.size()));
    }

    /** The generalisation loss at {@code node} if no row were suppressed: a lower bound, monotone up the lattice. */
    double lowerBound(int[] node) {
        double sum = 0;
        for (int q = 0; q < columns; q++) {
            sum += columnLoss[q][node[q]];
        }
        return sum / ((double) rows * columns);
    }

    /** The loss of one row's cells at {@code node}. */
    double rowLoss(int[] node, int row) {
        double sum = 0;
        for (int q = 0; q < columns; q++) {
            sum += cellLoss[q][node[q]][group[q][node[q]][row]];
        }
        return sum;
    }
}
