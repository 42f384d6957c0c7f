package dev.bastion.privacy.synth;

import dev.bastion.privacy.dp.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A shadow-generator membership attack on planted outliers (after Stadler, Oprisanu and Troncoso 2022, "Synthetic
 * Data – Anonymisation Groundhog Day"): outliers are the records a generator is most likely to leak, so the attack
 * plants them.
 *
 * <pre>
 * Domain: the values and bounds of training and control data, numeric bounds widened by a tenth of their range
 *   above, so a planted value is inside the public domain but above every real one.
 * Targets: a control row with every numeric column set to the widened upper bound and every categorical column to
 *   its rarest value in the control set (one target per control row drawn).
 * For each target and each of R runs: a base of n-1 training rows drawn at random; the IN world adds the target,
 *   the OUT world a random control row instead (same size). The generator runs on each, and the attacker scores
 *   each synthetic table by how close it comes to the target column by column: minus the mean over columns of the
 *   distance from the target's value to the nearest value of that column in the synthetic data (the marginal
 *   features of Stadler et al.; a copied row and a generator that keeps every value but breaks the rows both leak
 *   here), ties broken by the Gower distance to the nearest whole row (weight 0.01).
 * AUC: per target, the probability that an IN score beats an OUT score (ties count half), averaged over targets;
 *   the 95% interval from Hanley and McNeil's (1982) standard error per target, combined as the mean of independent
 *   estimates. An interval covering 0.5 means the attack cannot tell members from non-members.
 * </pre>
 */
public final class Membership {

    /** A synthetic-data generator under attack: the same settings for every run, only the data and seed change. */
    @FunctionalInterface
    public interface Generator {
        List<String[]> generate(Table data, Domain domain, long seed);
    }

    /** The attack's AUC with its 95% interval, over {@code targets} targets of {@code runs} runs per world each. */
    public record Result(double auc, double low, double high, int targets, int runs) {
        public boolean coversHalf() {
            return low <= 0.5 && 0.5 <= high;
        }
    }

    private Membership() {
    }

    /**
     * @param rows base size n per run (the training data is subsampled), at most the training size
     */
    public static Result attack(Table train, Table control, Generator generator, int targets, int runs, int rows,
            RandomGenerator g) {
        List<String> columns = train.columns();
        List<String[]> planted = new ArrayList<>();
        Domain population = widened(Domain.fromData(List.of(train, control), "population (public for the experiment)"));
        for (int t = 0; t < targets; t++) {
            planted.add(outlier(control.row(g.nextInt(control.size())), population, control));
        }
        List<String[]> trainRows = new ArrayList<>();
        for (int r = 0; r < train.size(); r++) {
            trainRows.add(train.row(r));
        }
        int base = Math.min(rows, train.size()) - 1;
        double aucSum = 0;
        double varSum = 0;
        for (String[] target : planted) {
            Table targetTable = Table.of(columns, List.<String[]>of(target));
            double[] in = new double[runs];
            double[] out = new double[runs];
            for (int run = 0; run < runs; run++) {
                int[] idx = Attacks.sample(trainRows.size(), base, g);
                List<String[]> rowsIn = new ArrayList<>();
                for (int i : idx) {
                    rowsIn.add(trainRows.get(i));
                }
                List<String[]> rowsOut = new ArrayList<>(rowsIn);
                rowsIn.add(target);
                rowsOut.add(control.row(g.nextInt(control.size())));
                in[run] = score(generator, columns, rowsIn, population, targetTable, g.nextLong());
                out[run] = score(generator, columns, rowsOut, population, targetTable, g.nextLong());
            }
            double a = auc(in, out);
            aucSum += a;
            varSum += hanleyMcNeil(a, runs, runs);
        }
        double auc = aucSum / targets;
        double se = Math.sqrt(varSum) / targets;
        return new Result(auc, Math.max(0, auc - 1.96 * se), Math.min(1, auc + 1.96 * se), targets, runs);
    }

    private static double score(Generator generator, List<String> columns, List<String[]> rows, Domain domain,
            Table target, long seed) {
        List<String[]> synthetic = generator.generate(Table.of(columns, rows), domain, seed);
        List<Records> r = Records.of(List.of(Table.of(columns, synthetic), target), domain);
        Records syn = r.get(0);
        double[] t = r.get(1).rows[0];
        double perColumn = 0;
        boolean[] one = new boolean[t.length];
        for (int c = 0; c < t.length; c++) {
            one[c] = true;
            perColumn += syn.nearest(t, one);
            one[c] = false;
        }
        return -(perColumn / t.length + 0.01 * syn.nearest(t, null));
    }

    private static Domain widened(Domain d) {
        List<Domain.Attribute> out = new ArrayList<>();
        for (Domain.Attribute a : d.attributes()) {
            out.add(a instanceof Domain.Numeric n ? new Domain.Numeric(n.name(), n.lower(),
                    n.integral() ? Math.ceil(n.upper() + (n.upper() - n.lower()) / 10) : n.upper()
                            + (n.upper() - n.lower()) / 10, n.integral()) : a);
        }
        return new Domain(out, d.source() + ", numeric bounds widened by 10%");
    }

    static String[] outlier(String[] row, Domain domain, Table control) {
        String[] out = row.clone();
        for (int c = 0; c < domain.size(); c++) {
            int col = control.index(domain.attributes().get(c).name());
            switch (domain.attributes().get(c)) {
                case Domain.Numeric n -> out[col] = n.integral() ? Long.toString((long) n.upper())
                        : Double.toString(n.upper());
                case Domain.Categorical cat -> {
                    java.util.Map<String, Integer> counts = new java.util.HashMap<>();
                    for (int r = 0; r < control.size(); r++) {
                        counts.merge(control.cell(r, col), 1, Integer::sum);
                    }
                    String rarest = cat.values().getFirst();
                    for (String v : cat.values()) {
                        int k = counts.getOrDefault(v, 0);
                        if (k > 0 && (counts.getOrDefault(rarest, 0) == 0 || k < counts.get(rarest))) {
                            rarest = v;
                        }
                    }
                    out[col] = rarest;
                }
            }
        }
        return out;
    }

    /** P(in > out) + P(in == out) / 2 over all pairs. */
    static double auc(double[] in, double[] out) {
        double s = 0;
        for (double a : in) {
            for (double b : out) {
                s += a > b ? 1 : a == b ? 0.5 : 0;
            }
        }
        return s / (in.length * (double) out.length);
    }

    /** Hanley and McNeil (1982) variance of an AUC estimate from n1 positives and n2 negatives. */
    static double hanleyMcNeil(double a, int n1, int n2) {
        double q1 = a / (2 - a);
        double q2 = 2 * a * a / (1 + a);
        double v = (a * (1 - a) + (n1 - 1) * (q1 - a * a) + (n2 - 1) * (q2 - a * a)) / ((double) n1 * n2);
        // at AUC 0 or 1 the formula gives 0; keep the uncertainty of a finite sample (one flipped pair)
        return Math.max(v, 1.0 / (4.0 * n1 * n2));
    }
}
