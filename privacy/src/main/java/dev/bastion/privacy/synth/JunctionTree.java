package dev.bastion.privacy.synth;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * A junction tree over the columns for a set of measured cliques: the graph joining every two columns measured
 * together, triangulated, its maximal cliques joined into a tree. Immutable.
 *
 * <pre>
 * Triangulation by greedy elimination (min-fill): repeatedly eliminate the column whose remaining neighbours need the
 * fewest new edges to become a complete graph (ties: the smaller table over the column and its neighbours, then the
 * lower column), add those edges, and record the column with its neighbours as a clique. The elimination cliques
 * that are not inside another are the maximal cliques of the triangulated (chordal) graph.
 * The tree: a maximum spanning tree of the cliques weighted by the number of columns two cliques share (Kruskal;
 * for the maximal cliques of a chordal graph this has the running-intersection property, Jensen and Jensen 1994).
 * Cliques with nothing in common are joined by an empty separator, so there is one tree and one root (clique 0).
 * Growing (with): the new graph is this tree's chordal graph plus the new clique's edges, so every clique of this
 * tree is a complete subgraph of the new chordal graph and lies inside one of its cliques: potentials carry over
 * (GraphicalModel warm starts) and a model never loses a dependence it had.
 * Size: the sum over the cliques of their number of cells, the number of doubles a potential table takes.
 * </pre>
 */
final class JunctionTree {
    private final int[] domain;
    private final boolean[][] chordal;
    private final List<int[]> cliques;
    private final int[] parent;     // clique index, -1 for the root
    private final int[] order;      // parents before children
    private final int[][] separator; // with the parent, increasing (empty for the root)

    private JunctionTree(int[] domain, boolean[][] chordal, List<int[]> cliques, int[] parent, int[] order,
            int[][] separator) {
        this.domain = domain;
        this.chordal = chordal;
        this.cliques = cliques;
        this.parent = parent;
        this.order = order;
        this.separator = separator;
    }

    /** The tree of the columns of {@code domain} (their sizes) with no dependence: one clique per column. */
    static JunctionTree independent(int[] domain) {
        return build(domain.clone(), new boolean[domain.length][domain.length]);
    }

    /** This tree grown to hold {@code set} (increasing columns) inside one clique; this tree if it already does. */
    JunctionTree with(int[] set) {
        if (containing(set) >= 0) {
            return this;
        }
        boolean[][] g = new boolean[chordal.length][];
        for (int i = 0; i < g.length; i++) {
            g[i] = chordal[i].clone();
        }
        for (int a : set) {
            for (int b : set) {
                g[a][b] |= a != b;
            }
        }
        return build(domain, g);
    }

    private static JunctionTree build(int[] domain, boolean[][] graph) {
        int d = domain.length;
        boolean[][] g = new boolean[d][];
        for (int i = 0; i < d; i++) {
            g[i] = graph[i].clone();
        }
        boolean[] gone = new boolean[d];
        List<int[]> elimination = new ArrayList<>();
        for (int step = 0; step < d; step++) {
            int best = -1;
            long bestFill = Long.MAX_VALUE;
            long bestCells = Long.MAX_VALUE;
            for (int v = 0; v < d; v++) {
                if (gone[v]) {
                    continue;
                }
                long fill = 0;
                long cells = domain[v];
                for (int a = 0; a < d; a++) {
                    if (!gone[a] && g[v][a]) {
                        cells *= domain[a];
                        for (int b = a + 1; b < d; b++) {
                            if (!gone[b] && g[v][b] && !g[a][b]) {
                                fill++;
                            }
                        }
                    }
                }
                if (fill < bestFill || fill == bestFill && cells < bestCells) {
                    best = v;
                    bestFill = fill;
                    bestCells = cells;
                }
            }
            List<Integer> clique = new ArrayList<>(List.of(best));
            for (int a = 0; a < d; a++) {
                if (!gone[a] && g[best][a]) {
                    clique.add(a);
                }
            }
            for (int a : clique) {
                for (int b : clique) {
                    if (a != b) {
                        g[a][b] = true;
                        graph[a][b] = true; // the fill edges belong to the chordal graph
                    }
                }
            }
            gone[best] = true;
            elimination.add(clique.stream().mapToInt(Integer::intValue).sorted().toArray());
        }
        List<int[]> cliques = new ArrayList<>();
        for (int i = 0; i < elimination.size(); i++) {
            int[] c = elimination.get(i);
            boolean inside = false;
            for (int j = 0; j < elimination.size() && !inside; j++) {
                int[] o = elimination.get(j);
                inside = j != i && Factor.contains(o, c) && (o.length > c.length || j < i);
            }
            if (!inside) {
                cliques.add(c);
            }
        }
        return connect(domain, graph, cliques);
    }

    /** Kruskal on clique pairs by shared columns (most first, then by index), then the tree rooted at clique 0. */
    private static JunctionTree connect(int[] domain, boolean[][] chordal, List<int[]> cliques) {
        int k = cliques.size();
        List<int[]> pairs = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            for (int j = i + 1; j < k; j++) {
                pairs.add(new int[] {i, j, Factor.intersection(cliques.get(i), cliques.get(j)).length});
            }
        }
        pairs.sort((x, y) -> x[2] != y[2] ? Integer.compare(y[2], x[2])
                : x[0] != y[0] ? Integer.compare(x[0], y[0]) : Integer.compare(x[1], y[1]));
        int[] component = new int[k];
        Arrays.setAll(component, i -> i);
        List<List<Integer>> neighbours = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            neighbours.add(new ArrayList<>());
        }
        for (int[] p : pairs) {
            int from = component[p[1]];
            int to = component[p[0]];
            if (from == to) {
                continue;
            }
            for (int c = 0; c < k; c++) {
                if (component[c] == from) {
                    component[c] = to;
                }
            }
            neighbours.get(p[0]).add(p[1]);
            neighbours.get(p[1]).add(p[0]);
        }
        int[] parent = new int[k];
        Arrays.fill(parent, -2);
        parent[0] = -1;
        int[] order = new int[k];
        int next = 0;
        Deque<Integer> queue = new ArrayDeque<>(List.of(0));
        while (!queue.isEmpty()) {
            int c = queue.poll();
            order[next++] = c;
            for (int n : neighbours.get(c)) {
                if (parent[n] == -2) {
                    parent[n] = c;
                    queue.add(n);
                }
            }
        }
        int[][] separator = new int[k][];
        for (int c = 0; c < k; c++) {
            separator[c] = parent[c] < 0 ? new int[0] : Factor.intersection(cliques.get(c), cliques.get(parent[c]));
        }
        return new JunctionTree(domain, chordal, List.copyOf(cliques), parent, order, separator);
    }

    /** The index of the smallest clique holding every column of {@code set}, or -1. */
    int containing(int[] set) {
        int best = -1;
        long bestCells = Long.MAX_VALUE;
        for (int i = 0; i < cliques.size(); i++) {
            if (Factor.contains(cliques.get(i), set) && cells(i) < bestCells) {
                best = i;
                bestCells = cells(i);
            }
        }
        return best;
    }

    /** The number of cells of all clique tables together. */
    long size() {
        long s = 0;
        for (int i = 0; i < cliques.size(); i++) {
            s += cells(i);
        }
        return s;
    }

    long cells(int clique) {
        return Factor.cells(Factor.sizesOf(cliques.get(clique), domain));
    }

    int[] domain() {
        return domain;
    }

    int cliqueCount() {
        return cliques.size();
    }

    int[] clique(int i) {
        return cliques.get(i);
    }

    int parent(int clique) {
        return parent[clique];
    }

    /** The clique indices with every parent before its children (the root first). */
    int[] order() {
        return order;
    }

    int[] separator(int clique) {
        return separator[clique];
    }
}
