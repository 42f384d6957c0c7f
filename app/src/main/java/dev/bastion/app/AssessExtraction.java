package dev.bastion.app;

import dev.bastion.privacy.attacks.Extraction;
import dev.bastion.privacy.dp.Table;
import dev.bastion.privacy.train.DpSgd;
import dev.bastion.privacy.train.LogisticRegression;
import dev.bastion.privacy.train.Model;
import dev.bastion.privacy.train.TrainingData;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bastion assess extraction}: how many prediction queries steal the model. With confidences, a logistic
 * regression is solved exactly from d + 1 queries; with labels only (or an MLP), a surrogate is retrained on ever
 * larger budgets of the attacker's own inputs, and the smallest budget reaching 99% agreement is the suggested
 * per-key query limit.
 */
@Command(name = "extraction", description = "Model extraction through the prediction API: equation solving for "
        + "logistic regression with confidences, retraining with labels; the budget reaching 99% agreement is the "
        + "suggested per-key query limit.")
final class AssessExtraction extends AssessCommand.Reporting {
    @Option(names = "--data", required = true, paramLabel = "CSV") Path data;
    @Option(names = "--label", required = true, paramLabel = "COLUMN") String label;
    @Option(names = "--oracle", defaultValue = "confidences", description = "confidences (default) or labels.")
    String oracle;
    @Option(names = "--budgets", defaultValue = "50,100,200,500,1000,2000,5000", description = "Query budgets for "
            + "retraining.")
    String budgets;
    @Mixin RecipeOptions recipe;


    @Override
    int run() throws java.io.IOException {
        TrainingData all = TrainingData.fromTable(Table.read(data), label);
        TrainingData[] split = all.split(0.5, new SplittableRandom(seed));
        Model target = recipe.recipe().model(all);
        double[] params = recipe.train(target, split[0], seed);
        Assessment a = new Assessment("extraction");
        a.data(data, all.size(), seed);
        recipe.describe(a, all);
        a.options().put("oracle", oracle).put("budgets", budgets);
        StringBuilder summary = new StringBuilder();
        String mode = oracle.strip().toLowerCase(Locale.ROOT);
        if (!mode.equals("confidences") && !mode.equals("labels")) {
            throw new IllegalArgumentException("--oracle is confidences or labels");
        }
        double[][] test = split[1].x();
        if (mode.equals("confidences") && target instanceof LogisticRegression lr) {
            int[] queries = {0};
            double[][] stolen = Extraction.solveSoftmax(x -> {
                queries[0]++;
                return lr.probabilities(params, x);
            }, all.dimensions(), all.classes().size(), new SplittableRandom(seed + 2));
            double worst = 0;
            double[] copy = new double[lr.parameters()];
            int d = all.dimensions();
            for (int c = 0; c < all.classes().size(); c++) {
                for (int j = 0; j <= d; j++) {
                    worst = Math.max(worst, Math.abs(stolen[c][j] - (params[c * (d + 1) + j] - params[j])));
                }
                System.arraycopy(stolen[c], 0, copy, c * (d + 1), d + 1);
            }
            int agree = 0;
            for (double[] t : test) {
                agree += lr.predict(copy, t) == lr.predict(params, t) ? 1 : 0;
            }
            a.metric("queries", queries[0], null, "equation_solving", null, "equation_solving");
            a.metric("parameter_error", worst, null, "equation_solving", null, "equation_solving");
            a.metric("agreement", (double) agree / test.length, null, "equation_solving", null, "equation_solving");
            a.metric("suggested_query_limit", queries[0] - 1, null, "all", null, null);
            summary.append(String.format(Locale.ROOT, "equation solving: %d queries, parameter error %.3g, "
                    + "agreement %.4f", queries[0], worst, (double) agree / test.length));
        } else {
            double[][] pool = split[1].x();
            int half = pool.length / 2;
            double[][] attackerInputs = Arrays.copyOf(pool, half);
            double[][] held = Arrays.copyOfRange(pool, half, pool.length);
            Integer limit = null;
            for (String b : budgets.split(",")) {
                int budget = Integer.parseInt(b.strip());
                double agreement = Extraction.retrainingAgreement(target, params, recipe.recipe().model(all),
                        recipe.recipe().settings(), attackerInputs, budget, held, all.classes(), seed + budget);
                a.metric("agreement", agreement, null, "retraining", (double) budget, "retraining");
                summary.append(String.format(Locale.ROOT, "%d queries: agreement %.4f; ", budget, agreement));
                if (limit == null && agreement >= 0.99) {
                    limit = budget;
                }
                if (budget >= attackerInputs.length) {
                    break;
                }
            }
            if (limit != null) {
                a.metric("suggested_query_limit", limit, null, "all", null, null);
            } else {
                a.warn("agreement_0_99", Double.NaN, "no budget tried reached 99% agreement; try larger --budgets");
            }
        }
        return finish(a, "Model extraction: " + data.getFileName(), summary.toString());
    }
}
