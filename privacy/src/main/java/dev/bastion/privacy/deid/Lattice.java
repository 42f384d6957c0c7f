package dev.bastion.privacy.deid;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The generalisation lattice of full-domain generalisation: one node per combination of levels, one level per
 * quasi-identifier. A node's successors generalise one quasi-identifier by one more level. Immutable.
 *
 * @param heights the number of levels of each quasi-identifier's hierarchy (level 0 included)
 */
public record Lattice(int[] heights) {
    public Lattice {
        heights = heights.clone();
        long size = 1;
        for (int h : heights) {
            if (h < 1) {
                throw new IllegalArgumentException("every hierarchy needs at least one level");
            }
            size *= h;
            if (size > 10_000_000) {
                throw new IllegalArgumentException("the lattice has more than 10,000,000 nodes: use shorter "
                        + "hierarchies or fewer quasi-identifiers");
            }
        }
    }

    @Override
    public int[] heights() {
        return heights.clone();
    }

    public long size() {
        long size = 1;
        for (int h : heights) {
            size *= h;
        }
        return size;
    }

    /**
     * Every node, the least generalised first: by the sum of their levels, then in lexicographic order (so a node
     * always comes after all of its predecessors, and the order is the same on every run).
     */
    public List<int[]> nodesBottomUp() {
        List<int[]> nodes = new ArrayList<>();
        int[] node = new int[heights.length];
        while (true) {
            nodes.add(node.clone());
            int i = heights.length - 1;
            while (i >= 0 && node[i] == heights[i] - 1) {
                node[i] = 0;
                i--;
            }
            if (i < 0) {
                break;
            }
            node[i]++;
        }
        nodes.sort(Comparator.<int[]>comparingInt(n -> Arrays.stream(n).sum()).thenComparing(Arrays::compare));
        return nodes;
    }

    /** Whether {@code higher} generalises every quasi-identifier at least as much as {@code lower}. */
    public static boolean generalises(int[] higher, int[] lower) {
        for (int i = 0; i < higher.length; i++) {
            if (higher[i] < lower[i]) {
                return false;
            }
        }
        return true;
    }
}
