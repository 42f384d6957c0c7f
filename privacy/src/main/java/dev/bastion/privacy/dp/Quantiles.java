package dev.bastion.privacy.dp;

import java.util.List;

/**
 * A DP quantile from a tree of noisy counts (the hierarchical histogram of Hay et al. 2010 and Qardaji et al. 2013):
 * 2^D leaves of equal width over [lower, upper]; every node holds its count plus discrete Laplace noise of scale
 * D·K/ε (a row touches one node per level, so the tree's L1 sensitivity is D·K). The quantile is found by walking
 * down from the root, going left while the target rank fits in the left child's noisy count.
 *
 * <p>Confidence interval: with a union bound, every node's noise is within m at once with probability at least the
 * confidence; a prefix count is a sum of at most D nodes, so it is within D·m of the truth, and the total within m.
 * The interval runs from the first leaf whose noisy prefix could already reach q·n to the first leaf whose noisy
 * prefix must have reached it. Resolution is one leaf, (upper - lower) / 2^D.
 */
final class Quantiles {
    private Quantiles() {
    }

    static QueryResult.Row release(Table t, DpQuery q, int col, List<Integer> rows, DpRandom r) {
        int depth = DpQuery.QUANTILE_TREE_DEPTH;
        int leaves = 1 << depth;
        double width = (q.upper - q.lower) / leaves;
        // tree[level][index]: level 0 is the root, level depth the leaves.
        long[][] counts = new long[depth + 1][];
        for (int level = 0; level <= depth; level++) {
            counts[level] = new long[1 << level];
        }
        for (int i : rows) {
            int leaf = (int) Math.floor((DpEngine.clamp(t.number(i, col), q) - q.lower) / width);
            leaf = Math.min(leaves - 1, Math.max(0, leaf));
            for (int level = depth; level >= 0; level--) {
                counts[level][leaf >> (depth - level)]++;
            }
        }
        Noise noise = Noise.laplace((double) depth * q.maxContributions, q.epsilon, true, r);
        double[][] noisy = new double[depth + 1][];
        for (int level = 0; level <= depth; level++) {
            noisy[level] = new double[counts[level].length];
            for (int j = 0; j < counts[level].length; j++) {
                noisy[level][j] = noise.addTo(counts[level][j]);
            }
        }
        double total = Math.max(0, noisy[0][0]);
        double target = q.quantile * total;
        int node = 0;
        double remaining = target;
        for (int level = 1; level <= depth; level++) {
            int left = node * 2;
            double leftCount = Math.max(0, noisy[level][left]);
            if (remaining <= leftCount) {
                node = left;
            } else {
                remaining -= leftCount;
                node = left + 1;
            }
        }
        double estimate = q.lower + (node + 0.5) * width;

        int nodes = 2 * leaves - 1;
        double m = noise.halfWidth(1 - (1 - q.confidence) / nodes);
        double lowTarget = q.quantile * Math.max(0, noisy[0][0] - m);
        double highTarget = q.quantile * (noisy[0][0] + m);
        int lo = leaves - 1;
        int hi = leaves - 1;
        boolean loFound = false;
        for (int leaf = 0; leaf < leaves; leaf++) {
            double prefix = prefix(noisy, depth, leaf + 1);
            if (!loFound && prefix + depth * m >= lowTarget) {
                lo = leaf;
                loFound = true;
            }
            if (prefix - depth * m >= highTarget) {
                hi = leaf;
                break;
            }
        }
        double ciLo = Math.min(estimate, q.lower + lo * width);
        double ciHi = Math.max(estimate, q.lower + (hi + 1) * width);
        return new QueryResult.Row("", estimate, new ConfidenceInterval(ciLo, ciHi, q.confidence));
    }

    /** The noisy count of leaves [0, end) from at most depth nodes (the dyadic decomposition). */
    private static double prefix(double[][] noisy, int depth, int end) {
        double sum = 0;
        int start = 0;
        for (int level = 0; level <= depth && start < end; level++) {
            int size = 1 << (depth - level);
            // take whole nodes of this size while they fit
            while (start + size <= end && start % size == 0) {
                sum += noisy[level][start / size];
                start += size;
            }
        }
        return sum;
    }
}
