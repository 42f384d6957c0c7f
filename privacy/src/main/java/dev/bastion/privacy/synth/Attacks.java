package dev.bastion.privacy.synth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The three attacks of Anonymeter (Giomi et al. 2022), written from the paper's definitions: each is run once with
 * targets from the training data and once with targets from a control set of the same size that the generator never
 * saw, and {@link Risk} compares the two.
 *
 * <pre>
 * Singling out: the attacker writes predicates from the synthetic data that match exactly one synthetic row and
 *   claims each singles out one real person; a predicate succeeds on a dataset when it matches exactly one row.
 *   Univariate: one column, a value that occurs once in the synthetic data (x == v), or beyond its extremes (x <= min,
 *   x >= max). Multivariate: a random synthetic row and three random columns, x == v for a categorical column and,
 *   for a numeric one, x >= v above the synthetic median or x <= v below it (pointing at the tail).
 * Linkability: the attacker holds two halves of a target's columns from two sources and links them when the
 *   nearest synthetic row (Gower distance) on the first half is also the nearest on the second.
 * Inference: the attacker knows every column of a target but the secret one and guesses the secret as that of the
 *   nearest synthetic row on the known columns; correct if equal (categorical) or within 5% of the range (numeric).
 * </pre>
 *
 * The training data is subsampled to the control set's size so both sides have the same chance of an accidental
 * match. Deterministic for a given random generator.
 */
final class Attacks {
    private static final int OP_EQ = 0;
    private static final int OP_LE = 1;
    private static final int OP_GE = 2;

    private Attacks() {
    }

    /** A conjunction of conditions on single columns. */
    private record Predicate(int[] columns, int[] ops, double[] values) {
        boolean matches(double[] row) {
            for (int i = 0; i < columns.length; i++) {
                double v = row[columns[i]];
                boolean ok = switch (ops[i]) {
                    case OP_EQ -> v == values[i];
                    case OP_LE -> v <= values[i];
                    default -> v >= values[i];
                };
                if (!ok) {
                    return false;
                }
            }
            return true;
        }

        /** Whether exactly one row of {@code data} matches. */
        boolean singlesOut(Records data) {
            int n = 0;
            for (double[] r : data.rows) {
                if (matches(r) && ++n > 1) {
                    return false;
                }
            }
            return n == 1;
        }

        String key() {
            return Arrays.toString(columns) + Arrays.toString(ops) + Arrays.toString(values);
        }
    }

    static Risk singlingOut(Records train, Records synthetic, Records control, boolean multivariate, int attacks,
            RandomGenerator g) {
        Records target = sameSize(train, control.size(), g);
        List<Predicate> queries = multivariate ? multivariate(synthetic, attacks, g) : univariate(synthetic, attacks, g);
        int hit = 0;
        int controlHit = 0;
        for (Predicate p : queries) {
            hit += p.singlesOut(target) ? 1 : 0;
            controlHit += p.singlesOut(control) ? 1 : 0;
        }
        return Risk.of(multivariate ? "singling-out (multivariate)" : "singling-out (univariate)", hit, controlHit,
                queries.size());
    }

    private static List<Predicate> univariate(Records syn, int attacks, RandomGenerator g) {
        List<Predicate> candidates = new ArrayList<>();
        for (int c = 0; c < syn.columns(); c++) {
            double[] values = new double[syn.size()];
            for (int r = 0; r < values.length; r++) {
                values[r] = syn.rows[r][c];
            }
            Arrays.sort(values);
            for (int i = 0; i < values.length; i++) {
                boolean once = (i == 0 || values[i - 1] != values[i]) && (i == values.length - 1
                        || values[i + 1] != values[i]);
                if (once) {
                    candidates.add(new Predicate(new int[] {c}, new int[] {OP_EQ}, new double[] {values[i]}));
                }
            }
            if (syn.numeric[c] && values.length > 1 && values[0] != values[1]) {
                candidates.add(new Predicate(new int[] {c}, new int[] {OP_LE}, new double[] {values[0]}));
            }
            int last = values.length - 1;
            if (syn.numeric[c] && last > 0 && values[last] != values[last - 1]) {
                candidates.add(new Predicate(new int[] {c}, new int[] {OP_GE}, new double[] {values[last]}));
            }
        }
        shuffle(candidates, g);
        return candidates.subList(0, Math.min(attacks, candidates.size()));
    }

    private static List<Predicate> multivariate(Records syn, int attacks, RandomGenerator g) {
        int d = syn.columns();
        int k = Math.min(3, d);
        double[] median = new double[d];
        for (int c = 0; c < d; c++) {
            double[] v = new double[syn.size()];
            for (int r = 0; r < v.length; r++) {
                v[r] = syn.rows[r][c];
            }
            Arrays.sort(v);
            median[c] = v[v.length / 2];
        }
        List<Predicate> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int tries = 0; tries < attacks * 100 && out.size() < attacks; tries++) {
            double[] row = syn.rows[g.nextInt(syn.size())];
            int[] cols = pick(d, k, g);
            int[] ops = new int[k];
            double[] values = new double[k];
            for (int i = 0; i < k; i++) {
                int c = cols[i];
                values[i] = row[c];
                ops[i] = !syn.numeric[c] ? OP_EQ : row[c] >= median[c] ? OP_GE : OP_LE;
            }
            Predicate p = new Predicate(cols, ops, values);
            if (seen.add(p.key()) && p.singlesOut(syn)) {
                out.add(p);
            }
        }
        return out;
    }

    static Risk linkability(Records train, Records synthetic, Records control, int attacks, RandomGenerator g) {
        int d = synthetic.columns();
        boolean[] first = new boolean[d];
        boolean[] second = new boolean[d];
        for (int c = 0; c < d; c++) {
            (c < d / 2 ? first : second)[c] = true;
        }
        int n = Math.min(attacks, Math.min(train.size(), control.size()));
        int hit = 0;
        int controlHit = 0;
        for (int i = 0; i < n; i++) {
            hit += linked(train.rows[g.nextInt(train.size())], synthetic, first, second) ? 1 : 0;
            controlHit += linked(control.rows[g.nextInt(control.size())], synthetic, first, second) ? 1 : 0;
        }
        return Risk.of("linkability", hit, controlHit, n);
    }

    private static boolean linked(double[] target, Records syn, boolean[] first, boolean[] second) {
        return syn.nearestK(target, first, 1)[0] == syn.nearestK(target, second, 1)[0];
    }

    static Risk inference(Records train, Records synthetic, Records control, int secret, int attacks,
            RandomGenerator g) {
        boolean[] known = new boolean[synthetic.columns()];
        Arrays.fill(known, true);
        known[secret] = false;
        int n = Math.min(attacks, Math.min(train.size(), control.size()));
        int hit = 0;
        int controlHit = 0;
        for (int i = 0; i < n; i++) {
            hit += guessed(train.rows[g.nextInt(train.size())], synthetic, known, secret) ? 1 : 0;
            controlHit += guessed(control.rows[g.nextInt(control.size())], synthetic, known, secret) ? 1 : 0;
        }
        return Risk.of("inference (" + synthetic.domain.names().get(secret) + ")", hit, controlHit, n);
    }

    private static boolean guessed(double[] target, Records syn, boolean[] known, int secret) {
        double guess = syn.rows[syn.nearestK(target, known, 1)[0]][secret];
        return syn.numeric[secret] ? Math.abs(guess - target[secret]) <= 0.05 : guess == target[secret];
    }

    /** {@code data} itself, or a random subset of {@code size} of its rows. */
    static Records sameSize(Records data, int size, RandomGenerator g) {
        return data.size() <= size ? data : data.subset(sample(data.size(), size, g));
    }

    /** {@code k} distinct indices below {@code n}, at random. */
    static int[] sample(int n, int k, RandomGenerator g) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = i + g.nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return Arrays.copyOf(all, k);
    }

    private static int[] pick(int d, int k, RandomGenerator g) {
        int[] cols = sample(d, k, g);
        Arrays.sort(cols);
        return cols;
    }

    private static <T> void shuffle(List<T> list, RandomGenerator g) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = g.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }
}
