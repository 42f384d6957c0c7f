package dev.bastion.privacy.attacks;

import dev.bastion.privacy.dp.Table;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What makes an encoded tabular row a row that could exist, so that evasion attacks produce feasible inputs: each
 * one-hot block holds exactly one 1, an integer column holds an integer (in its original units), a numeric column
 * stays within the minimum and maximum of the data, and an immutable column (sex, race, age: chosen by the
 * operator) keeps the attacked row's own value. Built from a CSV table with the encoding
 * {@code TrainingData.fromTable} uses (numeric columns standardised, others one-hot over their sorted values), so
 * feature {@code j} here is feature {@code j} there.
 *
 * <p>{@link #project} maps any vector onto a feasible one near it (the arg-max category; the nearest integer, or
 * the one towards the original when rounding would leave the epsilon ball; the bounds); attacks call it after each
 * step and at the end. With no blocks, everything is feasible and projection changes nothing
 * ({@link #none()}). This record is immutable and thread-safe.
 *
 * @param blocks the encoded features, column by column
 */
public record Constraints(List<Block> blocks) {

    /** The encoded features of one column. */
    public sealed interface Block permits Numeric, OneHot {
        /** The column's name in the CSV header. */
        String column();

        boolean immutable();
    }

    /**
     * A standardised numeric column: encoded = (value - mean) / std.
     *
     * @param index the feature's index
     * @param min the smallest value in the data (original units)
     * @param max the largest value in the data (original units)
     * @param integer whether every value in the data is an integer
     */
    public record Numeric(String column, int index, double mean, double std, double min, double max,
            boolean integer, boolean immutable) implements Block {
        public Numeric {
            if (index < 0 || !(std > 0) || !(min <= max)) {
                throw new IllegalArgumentException("column '" + column + "': bad numeric encoding");
            }
        }

        double encode(double v) {
            return (v - mean) / std;
        }

        double decode(double e) {
            return e * std + mean;
        }
    }

    /** A categorical column one-hot encoded over features [from, from + size). */
    public record OneHot(String column, int from, int size, boolean immutable) implements Block {
        public OneHot {
            if (from < 0 || size < 1) {
                throw new IllegalArgumentException("column '" + column + "': bad one-hot block");
            }
        }
    }

    public Constraints {
        blocks = List.copyOf(blocks);
    }

    /** No constraint at all (the unconstrained threat model). */
    public static Constraints none() {
        return new Constraints(List.of());
    }

    /**
     * The constraints of {@code table} encoded to predict {@code label}; {@code immutable} names columns an attack
     * may not change (an unknown name is an error listing the columns).
     */
    public static Constraints of(Table table, String label, Set<String> immutable) {
        int labelColumn = table.index(label);
        Set<String> unknown = new HashSet<>(immutable);
        unknown.removeAll(table.columns());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("--immutable names no column " + new TreeSet<>(unknown)
                    + "; the columns are " + table.columns());
        }
        if (immutable.contains(label)) {
            throw new IllegalArgumentException("--immutable names the label column '" + label + "'");
        }
        List<Block> out = new ArrayList<>();
        int f = 0;
        for (int c = 0; c < table.columns().size(); c++) {
            if (c == labelColumn) {
                continue;
            }
            String name = table.columns().get(c);
            boolean fixed = immutable.contains(name);
            if (table.isNumeric(c)) {
                double sum = 0;
                double sq = 0;
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                boolean integer = true;
                for (int r = 0; r < table.size(); r++) {
                    double v = table.number(r, c);
                    sum += v;
                    sq += v * v;
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                    integer &= v == Math.rint(v);
                }
                double mean = sum / table.size();
                double std = Math.sqrt(Math.max(0, sq / table.size() - mean * mean));
                out.add(new Numeric(name, f++, mean, std == 0 ? 1 : std, min, max, integer, fixed));
            } else {
                TreeSet<String> values = new TreeSet<>();
                for (int r = 0; r < table.size(); r++) {
                    values.add(table.cell(r, c));
                }
                out.add(new OneHot(name, f, values.size(), fixed));
                f += values.size();
            }
        }
        return new Constraints(out);
    }

    /** Whether there is nothing to enforce. */
    public boolean isNone() {
        return blocks.isEmpty();
    }

    /**
     * Moves {@code adv} (an attack's candidate for {@code original}) onto a feasible row, in place. Integer columns
     * round to the nearest integer, or towards the original value when the nearest one would leave the epsilon
     * ball (L-infinity: per feature; L2: the whole row).
     */
    public void project(double[] adv, double[] original, double epsilon, Evasion.Norm norm) {
        for (Block b : blocks) {
            switch (b) {
                case Numeric n -> {
                    if (n.immutable()) {
                        adv[n.index()] = original[n.index()];
                        continue;
                    }
                    double v = Math.max(n.min(), Math.min(n.max(), n.decode(adv[n.index()])));
                    if (n.integer()) {
                        double o = n.decode(original[n.index()]);
                        double nearest = Math.rint(v);
                        boolean outside = norm == Evasion.Norm.LINF
                                && Math.abs(n.encode(nearest) - original[n.index()]) > epsilon + 1e-12;
                        v = outside ? o + (v > o ? Math.floor(v - o) : Math.ceil(v - o)) : nearest;
                        v = Math.rint(v); // o is an integer in a feasible original; keep the result one too
                    }
                    adv[n.index()] = n.encode(v);
                }
                case OneHot h -> {
                    int best = h.from();
                    for (int j = h.from(); j < h.from() + h.size(); j++) {
                        best = original[j] == 1 ? j : best; // a tie keeps the original category
                    }
                    for (int j = h.from(); j < h.from() + h.size(); j++) {
                        if ((h.immutable() ? original[j] : adv[j]) > (h.immutable() ? original[best] : adv[best])) {
                            best = j;
                        }
                    }
                    for (int j = h.from(); j < h.from() + h.size(); j++) {
                        adv[j] = j == best ? 1 : 0;
                    }
                }
            }
        }
        if (norm == Evasion.Norm.L2 && distance(adv, original) > epsilon + 1e-9) {
            towardsOriginal(adv, original);
        }
    }

    /** Rounds every integer column towards the original (shrinks each coordinate's change, so the L2 norm). */
    private void towardsOriginal(double[] adv, double[] original) {
        for (Block b : blocks) {
            if (b instanceof Numeric n && n.integer() && !n.immutable()) {
                double o = n.decode(original[n.index()]);
                double d = n.decode(adv[n.index()]) - o;
                adv[n.index()] = n.encode(Math.rint(o + (d > 0 ? Math.floor(d + 1e-9) : Math.ceil(d - 1e-9))));
            }
        }
    }

    /**
     * The constraints {@code adv} breaks, as "column: what" (never a value); empty when feasible. With
     * {@code original}, immutable columns must equal it.
     */
    public List<String> violations(double[] adv, double[] original) {
        List<String> out = new ArrayList<>();
        for (Block b : blocks) {
            switch (b) {
                case Numeric n -> {
                    double v = n.decode(adv[n.index()]);
                    if (v < n.min() - 1e-6 || v > n.max() + 1e-6) {
                        out.add(n.column() + ": outside the data's range");
                    }
                    if (n.integer() && Math.abs(v - Math.rint(v)) > 1e-6) {
                        out.add(n.column() + ": not an integer");
                    }
                    if (n.immutable() && adv[n.index()] != original[n.index()]) {
                        out.add(n.column() + ": immutable but changed");
                    }
                }
                case OneHot h -> {
                    int ones = 0;
                    boolean binary = true;
                    boolean same = true;
                    for (int j = h.from(); j < h.from() + h.size(); j++) {
                        ones += adv[j] == 1 ? 1 : 0;
                        binary &= adv[j] == 0 || adv[j] == 1;
                        same &= adv[j] == original[j];
                    }
                    if (!binary || ones != 1) {
                        out.add(h.column() + ": not one category");
                    }
                    if (h.immutable() && !same) {
                        out.add(h.column() + ": immutable but changed");
                    }
                }
            }
        }
        return out;
    }

    /** How far past a minimum-norm attack's result {@link #feasibleFlipL2} looks, as multiples of its change. */
    static final double[] OVERSHOOT = {1, 1.25, 1.5, 2, 3, 4};

    /**
     * For a minimum-norm attack (C&W, HopSkipJump) that searches without constraints: the L2 distance from
     * {@code x} of the nearest feasible row found that flips the label {@code y}, or positive infinity. Such an
     * attack stops just across the decision boundary, where rounding a category or an integer usually moves the
     * row back; so the change is also scaled by each factor of {@link #OVERSHOOT} before projecting, and the first
     * feasible row that flips counts.
     */
    public double feasibleFlipL2(java.util.function.Function<double[], Integer> label, double[] x, int y,
            double[] adversarial, boolean success) {
        if (!success) {
            return Double.POSITIVE_INFINITY;
        }
        for (double t : OVERSHOOT) {
            double[] p = new double[x.length];
            for (int j = 0; j < p.length; j++) {
                p[j] = x[j] + t * (adversarial[j] - x[j]);
            }
            project(p, x, Double.POSITIVE_INFINITY, Evasion.Norm.L2);
            if (label.apply(p) != y) {
                return distance(p, x);
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    private static double distance(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += (a[j] - b[j]) * (a[j] - b[j]);
        }
        return Math.sqrt(s);
    }
}
