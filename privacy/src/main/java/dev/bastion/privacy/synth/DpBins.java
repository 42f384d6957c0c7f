package dev.bastion.privacy.synth;

import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.dp.Noise;
import dev.bastion.privacy.dp.Table;
import java.util.HashMap;
import java.util.Map;

/**
 * Bin edges for numeric columns at DP quantiles, all quantiles of a column from one noisy tree.
 *
 * <pre>
 * The hierarchical histogram of Hay et al. 2010 / Qardaji et al. 2013, as dp.Quantiles uses it, but with Gaussian
 * noise so the cost composes in zCDP with the rest of the synthesis: 2^D leaves of equal width over the column's
 * public bounds, every node's count plus N(0, σ²). A row sits in one node per level, so the vector of all D+1
 * levels has L2 sensitivity sqrt(D+1), and σ = z·sqrt(D+1) costs 1/(2z²) in ρ (one event per column, whatever D).
 * Cut points are found one after another by walking down from the root towards a target rank, going left while
 * the remaining rank fits in the left child's noisy count (negative counts read as 0); the cut is the found leaf's
 * upper edge. The target splits the noisy count above the previous cut evenly among the bins still to make: without
 * point masses these are the k/B quantiles, and when 92% of a column is 0 (Adult's capital gain) the first cut
 * isolates the 0 and the other bins share the remaining 8% instead of collapsing into one bin.
 *
 * Depth: an integer column gets one leaf per whole number when its range allows (D = ceil(log2(range + 1)), at most
 * 20), so a point mass such as a zero-inflated "capital gain" gets a bin of its own instead of being smeared over
 * [0, 98) when the bin is sampled back; other columns get D = 16. The walk reads only about B·D nodes, so nodes are
 * noised when first read: each node's noise is independent, so the values read have exactly the distribution they
 * would have if every node had been noised up front, and the cost is the same.
 * </pre>
 */
final class DpBins {
    /** Depth for non-integer columns; the cap for integer ones. */
    static final int DEPTH = 16;
    static final int MAX_DEPTH = 20;

    private DpBins() {
    }

    static int depth(Domain.Numeric num) {
        if (!num.integral()) {
            return DEPTH;
        }
        double range = Math.floor(num.upper()) - Math.ceil(num.lower()) + 1;
        int d = 1;
        while (d < MAX_DEPTH && (1L << d) < range) {
            d++;
        }
        return d;
    }

    /** The encoding with DP bins for numeric columns, each column's tree noised with multiplier {@code z}. */
    static Encoding release(Table table, Domain domain, int bins, double z, DpRandom random) {
        double[][] edges = new double[domain.size()][];
        for (int c = 0; c < domain.size(); c++) {
            if (domain.attributes().get(c) instanceof Domain.Numeric num) {
                edges[c] = Encoding.edgesFrom(num, cuts(table, table.index(num.name()), num, bins, z, random));
            }
        }
        return new Encoding(domain, edges);
    }

    private static double[] cuts(Table table, int col, Domain.Numeric num, int bins, double z, DpRandom random) {
        int depth = depth(num);
        long leaves = 1L << depth;
        double lower = num.integral() ? Math.ceil(num.lower()) : num.lower();
        double width = num.integral() ? Math.max(1, Math.ceil((Math.floor(num.upper()) - lower + 1) / leaves))
                : (num.upper() - num.lower()) / leaves;
        int[] leafOf = new int[table.size()];
        for (int r = 0; r < table.size(); r++) {
            double v = Math.clamp(table.number(r, col), num.lower(), num.upper());
            leafOf[r] = (int) Math.clamp((long) Math.floor((v - lower) / width), 0, leaves - 1);
        }
        Noise noise = Noise.gaussianWithMultiplier(Math.sqrt(depth + 1), z, random);
        Map<Long, Double> noisy = new HashMap<>();
        double total = Math.max(0, read(noisy, noise, leafOf, depth, 0, 0));
        double[] cuts = new double[bins - 1];
        double below = 0; // noisy count of the rows below the last cut
        for (int k = 1; k < bins; k++) {
            // the next cut splits what is left evenly among the bins still to make
            double remaining = below + (total - below) / (bins - k + 1);
            double passed = 0;
            long node = 0;
            for (int level = 1; level <= depth; level++) {
                long left = node * 2;
                double leftCount = Math.max(0, read(noisy, noise, leafOf, depth, level, left));
                if (remaining <= leftCount) {
                    node = left;
                } else {
                    remaining -= leftCount;
                    passed += leftCount;
                    node = left + 1;
                }
            }
            cuts[k - 1] = lower + (node + 1) * width;
            below = Math.max(below, passed + Math.max(0, read(noisy, noise, leafOf, depth, depth, node)));
        }
        return cuts;
    }

    /** The noisy count of node {@code index} at {@code level}, noised on first read and remembered. */
    private static double read(Map<Long, Double> noisy, Noise noise, int[] leafOf, int depth, int level, long index) {
        long key = (1L << level) + index; // heap numbering: unique per node
        Double v = noisy.get(key);
        if (v == null) {
            long count = 0;
            int shift = depth - level;
            for (int leaf : leafOf) {
                if ((leaf >> shift) == index) {
                    count++;
                }
            }
            v = noise.addTo(count);
            noisy.put(key, v);
        }
        return v;
    }
}
