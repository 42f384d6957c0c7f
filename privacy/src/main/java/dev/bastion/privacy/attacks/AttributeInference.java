package dev.bastion.privacy.attacks;

import dev.bastion.privacy.train.Model;
import dev.bastion.privacy.train.TrainingData;
import java.util.ArrayList;
import java.util.List;

/**
 * Attribute inference (model inversion in the sense of Fredrikson et al. 2014): the attacker knows a person's other
 * attributes and the model's decision about them (the label) and guesses a hidden categorical attribute v by
 * P(v | other attributes) x P_model(label | other attributes, v): an imputation model the attacker fits on public
 * data, times the target's answer for each candidate value. The baseline never queries the model: it guesses by the
 * imputation model alone. The leak is the attack's accuracy minus the baseline's, on the rows the model trained on
 * and on rows it did not.
 */
public final class AttributeInference {
    /**
     * The outcome on one set of rows.
     *
     * @param rows rows attacked
     * @param attackAccuracy share of rows whose hidden value the attack guessed
     * @param baselineAccuracy share guessed by the most frequent value alone
     */
    public record Result(int rows, double attackAccuracy, double baselineAccuracy) {
        public double advantage() {
            return attackAccuracy - baselineAccuracy;
        }
    }

    private AttributeInference() {
    }

    /**
     * The one-hot feature indices of categorical column {@code column} in {@code data}'s encoding
     * ({@code column=value} features, as {@link TrainingData#fromTable} names them).
     */
    public static int[] oneHot(TrainingData data, String column) {
        List<Integer> idx = new ArrayList<>();
        for (int j = 0; j < data.features().size(); j++) {
            if (data.features().get(j).startsWith(column + "=")) {
                idx.add(j);
            }
        }
        if (idx.size() < 2) {
            throw new IllegalArgumentException("the hidden column '" + column + "' must be categorical with at least "
                    + "two values (it is numeric, missing or constant)");
        }
        return idx.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Attacks {@code rows} of {@code data}; {@code imputation} gives P(hidden value | the row's features with the
     * hidden one-hot block zeroed), one probability per value in the order of {@code hidden}.
     */
    public static Result attack(Model model, double[] params, TrainingData data, int[] rows, int[] hidden,
            java.util.function.Function<double[], double[]> imputation) {
        int attackRight = 0;
        int baselineRight = 0;
        for (int r : rows) {
            double[] x = data.x()[r].clone();
            int truth = -1;
            for (int v = 0; v < hidden.length; v++) {
                if (x[hidden[v]] == 1) {
                    truth = v;
                }
                x[hidden[v]] = 0;
            }
            double[] prior = imputation.apply(x);
            int best = 0;
            for (int v = 1; v < prior.length; v++) {
                if (prior[v] > prior[best]) {
                    best = v;
                }
            }
            double bestScore = Double.NEGATIVE_INFINITY;
            int guess = 0;
            for (int v = 0; v < hidden.length; v++) {
                for (int k : hidden) {
                    x[k] = 0;
                }
                x[hidden[v]] = 1;
                double score = Math.log(model.probabilities(params, x)[data.y()[r]])
                        + Math.log(Math.max(1e-300, prior[v]));
                if (score > bestScore) {
                    bestScore = score;
                    guess = v;
                }
            }
            attackRight += guess == truth ? 1 : 0;
            baselineRight += best == truth ? 1 : 0;
        }
        return new Result(rows.length, (double) attackRight / rows.length, (double) baselineRight / rows.length);
    }
}
