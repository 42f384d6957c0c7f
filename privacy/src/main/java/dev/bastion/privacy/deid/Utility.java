package dev.bastion.privacy.deid;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How much information a release keeps, by three standard measures. Original and released rows must hold the same
 * rows in the same order; {@code qiColumns} are the quasi-identifier column indices, {@code levels} the level each was
 * generalised to, and a row in no released class was suppressed.
 *
 * @param generalisationLoss Iyengar's loss metric in [0, 1]: per cell, (original values the released value covers -
 *     1) / (values in the hierarchy - 1), suppressed cells 1, averaged over all quasi-identifier cells
 * @param nonUniformEntropy Gionis and Tassa's measure, in bits per quasi-identifier cell: the average of
 *     -log2 P(original value | released value) over the table (0 = nothing lost)
 * @param discernibility Bayardo and Agrawal's discernibility: the sum of the squared class sizes plus, for each
 *     suppressed row, the number of rows
 */
public record Utility(double generalisationLoss, double nonUniformEntropy, double discernibility) {

    public static Utility measure(List<String[]> original, List<String[]> released, int[] qiColumns,
            List<Hierarchy> hierarchies, int[] levels, EquivalenceClasses releasedClasses) {
        if (original.size() != released.size() || levels.length != qiColumns.length) {
            throw new IllegalArgumentException("original and released tables differ in length");
        }
        int rows = original.size();
        double loss = 0;
        double entropy = 0;
        for (int q = 0; q < qiColumns.length; q++) {
            int c = qiColumns[q];
            Hierarchy h = hierarchies.get(q);
            Map<String, Integer> originalCount = new HashMap<>();
            Map<String, Integer> releasedCount = new HashMap<>();
            Map<String, Integer> pairCount = new HashMap<>();
            for (int r = 0; r < rows; r++) {
                originalCount.merge(original.get(r)[c], 1, Integer::sum);
                releasedCount.merge(released.get(r)[c], 1, Integer::sum);
                pairCount.merge(released.get(r)[c] + "\u0000" + original.get(r)[c], 1, Integer::sum);
            }
            for (int r = 0; r < rows; r++) {
                String g = released.get(r)[c];
                boolean kept = releasedClasses.classOf()[r] >= 0;
                int covered = kept ? h.leavesUnder(g, levels[q]) : h.size();
                loss += h.size() <= 1 ? 0 : (covered - 1.0) / (h.size() - 1.0);
                double p = (double) pairCount.get(g + "\u0000" + original.get(r)[c]) / releasedCount.get(g);
                entropy -= Math.log(p) / Math.log(2);
            }
        }
        double cells = (double) rows * qiColumns.length;
        double discernibility = 0;
        for (int s : releasedClasses.sizes()) {
            discernibility += (double) s * s;
        }
        int suppressed = rows - releasedClasses.rows();
        discernibility += (double) suppressed * rows;
        return new Utility(loss / cells, entropy / cells, discernibility);
    }
}
