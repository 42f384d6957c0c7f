package dev.bastion.privacy.deid;

import dev.bastion.privacy.dp.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * k-anonymity (optionally with distinct l-diversity and t-closeness of one sensitive column) by full-domain
 * generalisation and record suppression, with the least generalisation loss (Iyengar 2002) over the whole lattice.
 * Deterministic: the same input gives the same output.
 *
 * <p>The search is a branch and bound over the lattice, bottom up. A node's loss is at least its generalisation loss
 * without suppression, and that bound only grows as the node is generalised further (a generalised value covers at
 * least as many original values), so a node whose bound already reaches the best loss found is never grouped: nor,
 * by the same bound, is anything above it. Every other node is grouped and checked; the best node is the one with
 * the least loss, the least generalised first on ties. The result equals an exhaustive search
 * ({@link #exhaustive}), which the tests check on small lattices.
 *
 * <p>Suppression: the rows of classes that fail the criteria (fewer than k rows, fewer than l distinct sensitive
 * values, farther than t from the table's sensitive distribution) are suppressed, and a node qualifies only when
 * at most {@code suppressionLimit} of the rows are. Suppressed rows count as fully generalised in the loss.
 */
public final class Anonymizer {
    /**
     * What the output must satisfy.
     *
     * @param k every class holds at least k rows
     * @param l at least l distinct sensitive values per class (1 = no requirement)
     * @param t at most this Earth Mover's Distance between a class's and the table's sensitive distribution
     *     (1 = no requirement)
     * @param sensitive the sensitive column, needed when l > 1 or t < 1
     * @param suppressionLimit the largest share of rows that may be suppressed, in [0, 1)
     */
    public record Criteria(int k, int l, double t, Optional<String> sensitive, double suppressionLimit) {
        public Criteria {
            Objects.requireNonNull(sensitive, "sensitive");
            if (k < 1 || l < 1) {
                throw new IllegalArgumentException("k and l must be at least 1");
            }
            if (!(t > 0 && t <= 1)) {
                throw new IllegalArgumentException("t must be in (0, 1]");
            }
            if (!(suppressionLimit >= 0 && suppressionLimit < 1)) {
                throw new IllegalArgumentException("the suppression limit must be a share in [0, 1)");
            }
            if ((l > 1 || t < 1) && sensitive.isEmpty()) {
                throw new IllegalArgumentException("l-diversity and t-closeness need a sensitive column");
            }
        }
    }

    /** The outcome of a search. */
    public sealed interface Outcome permits Anonymised, Impossible {
    }

    /**
     * The best node and what it gives.
     *
     * @param levels the generalisation level of each quasi-identifier
     * @param suppressed the rows suppressed
     * @param loss the generalisation loss in [0, 1] (suppressed rows count fully)
     * @param nodes the nodes in the lattice
     * @param grouped the nodes that were grouped and checked (the others were pruned)
     */
    public record Anonymised(int[] levels, int suppressed, double loss, long nodes, int grouped) implements Outcome {
        public Anonymised {
            levels = levels.clone();
        }

        @Override
        public int[] levels() {
            return levels.clone();
        }
    }

    /** No node satisfies the criteria within the suppression limit, not even the most general one. */
    public record Impossible(long nodes, int grouped) implements Outcome {
    }

    private final Table table;
    private final List<String> qis;
    private final EncodedQuasiIdentifiers encoded;
    private final Criteria criteria;
    private final int sensitiveColumn;

    public Anonymizer(Table table, List<String> qis, List<Hierarchy> hierarchies, Criteria criteria) {
        this.table = Objects.requireNonNull(table, "table");
        this.qis = List.copyOf(qis);
        this.criteria = Objects.requireNonNull(criteria, "criteria");
        if (qis.isEmpty() || qis.size() != hierarchies.size()) {
            throw new IllegalArgumentException("one hierarchy per quasi-identifier is needed");
        }
        this.sensitiveColumn = criteria.sensitive().map(table::index).orElse(-1);
        if (sensitiveColumn >= 0 && qis.contains(criteria.sensitive().get())) {
            throw new IllegalArgumentException("the sensitive column cannot also be a quasi-identifier");
        }
        this.encoded = new EncodedQuasiIdentifiers(table, qis, hierarchies);
    }

    public Lattice lattice() {
        int[] heights = new int[qis.size()];
        for (int q = 0; q < heights.length; q++) {
            heights[q] = encoded.hierarchies.get(q).levels();
        }
        return new Lattice(heights);
    }

    /** The node with the least loss that satisfies the criteria. */
    public Outcome search() {
        return run(true);
    }

    /** The same answer as {@link #search()} without pruning: every node is grouped (for tests and comparisons). */
    public Outcome exhaustive() {
        return run(false);
    }

    private Outcome run(boolean prune) {
        Lattice lattice = lattice();
        double best = Double.POSITIVE_INFINITY;
        int[] bestNode = null;
        int bestSuppressed = 0;
        int grouped = 0;
        for (int[] node : lattice.nodesBottomUp()) {
            if (prune && encoded.lowerBound(node) >= best) {
                continue;
            }
            grouped++;
            Evaluation e = evaluate(node);
            if (e.qualifies() && e.loss() < best) {
                best = e.loss();
                bestNode = node;
                bestSuppressed = e.suppressed();
            }
        }
        if (bestNode == null) {
            return new Impossible(lattice.size(), grouped);
        }
        return new Anonymised(bestNode, bestSuppressed, best, lattice.size(), grouped);
    }

    /**
     * What a node gives.
     *
     * @param classes the classes of the generalised rows (suppressed rows included)
     * @param kept for each class, whether it meets the criteria (its rows are released)
     * @param suppressed rows in classes that do not
     */
    record Evaluation(EquivalenceClasses classes, boolean[] kept, int suppressed, double loss, boolean qualifies) {
    }

    Evaluation evaluate(int[] node) {
        EquivalenceClasses classes = encoded.classesAt(node);
        boolean[] kept = new boolean[classes.classes()];
        for (int c = 0; c < kept.length; c++) {
            kept[c] = classes.sizes()[c] >= criteria.k();
        }
        if (sensitiveColumn >= 0) {
            keepDiverseClasses(classes, kept);
        }
        int suppressed = 0;
        double loss = 0;
        for (int r = 0; r < encoded.rows; r++) {
            if (kept[classes.classOf()[r]]) {
                loss += encoded.rowLoss(node, r);
            } else {
                suppressed++;
                loss += encoded.columns;
            }
        }
        loss /= (double) encoded.rows * encoded.columns;
        boolean qualifies = suppressed <= criteria.suppressionLimit() * encoded.rows && suppressed < encoded.rows;
        return new Evaluation(classes, kept, suppressed, loss, qualifies);
    }

    /** Marks classes that fail l-diversity or t-closeness as not kept. */
    private void keepDiverseClasses(EquivalenceClasses classes, boolean[] kept) {
        SensitiveDiversity.PerClass d = SensitiveDiversity.perClass(classes, r -> table.cell(r, sensitiveColumn));
        for (int c = 0; c < kept.length; c++) {
            kept[c] &= d.distinct()[c] >= criteria.l() && d.t()[c] <= criteria.t() + 1e-12;
        }
    }

    /**
     * A release: the rows (quasi-identifiers generalised, every quasi-identifier of a suppressed row replaced by
     * {@code *}, other columns unchanged) and the classes of the released rows (suppressed rows in no class).
     */
    public record Release(List<String[]> rows, EquivalenceClasses classes) {
    }

    /** The release at {@code levels}, from one grouping of the rows. */
    public Release release(int[] levels) {
        Evaluation e = evaluate(levels);
        int[] qiColumns = qis.stream().mapToInt(table::index).toArray();
        List<String[]> out = new ArrayList<>(table.size());
        for (int r = 0; r < table.size(); r++) {
            String[] row = table.row(r);
            boolean kept = e.kept()[e.classes().classOf()[r]];
            for (int q = 0; q < qiColumns.length; q++) {
                row[qiColumns[q]] = kept ? encoded.hierarchies.get(q).generalise(row[qiColumns[q]], levels[q]) : "*";
            }
            out.add(row);
        }
        int[] classOf = e.classes().classOf().clone();
        int[] remap = new int[e.classes().classes()];
        int next = 0;
        for (int c = 0; c < remap.length; c++) {
            remap[c] = e.kept()[c] ? next++ : -1;
        }
        int[] sizes = new int[next];
        for (int r = 0; r < classOf.length; r++) {
            classOf[r] = remap[classOf[r]];
            if (classOf[r] >= 0) {
                sizes[classOf[r]]++;
            }
        }
        return new Release(out, new EquivalenceClasses(classOf, sizes));
    }
}
