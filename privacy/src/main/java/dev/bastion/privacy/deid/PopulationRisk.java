package dev.bastion.privacy.deid;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Re-identification risk when the attacker does not know whether the person is in the data set but holds a
 * population register with the same quasi-identifiers: the journalist model (the attacker targets one person) and
 * the marketer model (the attacker tries to match everyone), from the population's class sizes F_j (El Emam 2013,
 * chapter 10).
 *
 * @param highest the journalist's highest risk: 1 / the smallest population class that holds a sample record
 * @param atRiskAbove0_2 the share of sample records whose journalist risk 1/F_j exceeds 0.2
 * @param journalistAverage the expected share re-identified when every record is attacked: the larger of
 *     (sample classes / population records of those classes) and the marketer figure
 * @param marketer the expected share of sample records matched correctly: sum over classes of f_j / F_j, over n
 * @param missing sample classes with no matching population record (their records are counted as F_j = f_j: the
 *     population table does not cover the sample)
 */
public record PopulationRisk(double highest, double atRiskAbove0_2, double journalistAverage, double marketer,
        int missing) {

    /**
     * Measures the sample's classes against a population table.
     *
     * @param sampleKeys the quasi-identifier values of each sample row
     * @param populationKeys the quasi-identifier values of each population row (the same columns, same order)
     */
    public static PopulationRisk measure(int sampleRows, IntFunction<List<String>> sampleKeys, int populationRows,
            IntFunction<List<String>> populationKeys) {
        Map<List<String>, Integer> population = new HashMap<>();
        for (int r = 0; r < populationRows; r++) {
            population.merge(populationKeys.apply(r), 1, Integer::sum);
        }
        Map<List<String>, Integer> sample = new HashMap<>();
        for (int r = 0; r < sampleRows; r++) {
            sample.merge(sampleKeys.apply(r), 1, Integer::sum);
        }
        int smallest = Integer.MAX_VALUE;
        double atRisk = 0;
        double populationOfSampleClasses = 0;
        double marketer = 0;
        int missing = 0;
        for (Map.Entry<List<String>, Integer> e : sample.entrySet()) {
            int f = e.getValue();
            Integer known = population.get(e.getKey());
            int big = known == null ? f : Math.max(f, known);
            if (known == null) {
                missing++;
            }
            smallest = Math.min(smallest, big);
            if (1.0 / big > 0.2) {
                atRisk += f;
            }
            populationOfSampleClasses += big;
            marketer += (double) f / big;
        }
        if (sampleRows == 0) {
            return new PopulationRisk(0, 0, 0, 0, 0);
        }
        marketer /= sampleRows;
        double journalist = Math.max(sample.size() / populationOfSampleClasses, marketer);
        return new PopulationRisk(1.0 / smallest, atRisk / sampleRows, journalist, marketer, missing);
    }
}
