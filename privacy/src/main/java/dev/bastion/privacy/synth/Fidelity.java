package dev.bastion.privacy.synth;

import dev.bastion.privacy.dp.Table;
import java.util.List;

/**
 * How closely a synthetic table reproduces a real one: the average total variation distance over all 1-, 2- and
 * 3-way marginals, as NIST scored its 2018 challenge. Numeric columns are cut into the same bins for both tables, at
 * the real table's deciles (exact: this is evaluation, not a release); categorical columns use the union of both
 * tables' values. Immutable.
 */
public record Fidelity(double oneWay, double twoWay, double threeWay, int columns) {

    /** Bins per numeric column in the evaluation. */
    public static final int EVALUATION_BINS = 10;

    /** The mean of the three averages. */
    public double overall() {
        return (oneWay + twoWay + threeWay) / 3;
    }

    public static Fidelity of(Table real, Table synthetic) {
        Domain domain = Domain.fromData(List.of(real, synthetic), "evaluation");
        Encoding encoding = Encoding.exactQuantiles(real, domain, EVALUATION_BINS);
        int[][] r = encoding.encode(real);
        int[][] s = encoding.encode(synthetic);
        int[] sizes = encoding.sizes();
        int d = sizes.length;
        double[] sum = new double[3];
        long[] count = new long[3];
        for (int a = 0; a < d; a++) {
            sum[0] += tv(r, s, sizes, a);
            count[0]++;
            for (int b = a + 1; b < d; b++) {
                sum[1] += tv(r, s, sizes, a, b);
                count[1]++;
                for (int c = b + 1; c < d; c++) {
                    sum[2] += tv(r, s, sizes, a, b, c);
                    count[2]++;
                }
            }
        }
        return new Fidelity(sum[0] / count[0], count[1] == 0 ? 0 : sum[1] / count[1],
                count[2] == 0 ? 0 : sum[2] / count[2], d);
    }

    private static double tv(int[][] real, int[][] synthetic, int[] sizes, int... attributes) {
        return Marginal.totalVariation(Marginal.count(real, sizes, attributes),
                Marginal.count(synthetic, sizes, attributes));
    }
}
