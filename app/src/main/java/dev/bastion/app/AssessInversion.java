package dev.bastion.app;

import dev.bastion.privacy.attacks.AttributeInference;
import dev.bastion.privacy.dp.Table;
import dev.bastion.privacy.train.Model;
import dev.bastion.privacy.train.TrainingData;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bastion assess inversion}: how much the model reveals of a hidden attribute beyond what the data does. */
@Command(name = "inversion", description = "Attribute inference of a hidden categorical column from the model's "
        + "answers, as advantage over a baseline that never queries the model, on training and unseen rows.")
final class AssessInversion extends AssessCommand.Reporting {
    @Option(names = "--data", required = true, paramLabel = "CSV") Path data;
    @Option(names = "--label", required = true, paramLabel = "COLUMN") String label;
    @Option(names = "--target-column", paramLabel = "COLUMN", description = "The attribute the attacker "
            + "does not know (categorical).") String hidden;
    @Option(names = "--classes", description = "Class inversion instead (Fredrikson et al. 2015): each class's most "
            + "typical input, by gradient descent from a blank one, compared with the training rows of that class.")
    boolean classes;
    @Option(names = "--include-reconstructions", paramLabel = "CSV", description = "With --classes: also write the "
            + "reconstructed inputs (feature values: treat the file like the training data).")
    Path reconstructions;
    @Mixin RecipeOptions recipe;


    @Override
    int run() throws java.io.IOException {
        TrainingData all = TrainingData.fromTable(Table.read(data), label);
        if (classes) {
            if (hidden != null) {
                throw new IllegalArgumentException("--classes and --target-column are two different attacks: give one");
            }
            return AssessClassInversion.run(this, all, recipe);
        }
        if (reconstructions != null) {
            throw new IllegalArgumentException("--include-reconstructions goes with --classes");
        }
        if (hidden == null) {
            throw new IllegalArgumentException("give --target-column COLUMN (attribute inference) or --classes");
        }
        int[] hiddenIdx = AttributeInference.oneHot(all, hidden);
        // The target trains on a random half; the attacker knows the value counts of the other half (public data).
        int[] order = TrainingData.shuffledIndices(all.size(), new SplittableRandom(seed));
        int half = order.length / 2;
        int[] members = java.util.Arrays.copyOf(order, half);
        int[] others = java.util.Arrays.copyOfRange(order, half, order.length);
        double[][] x = new double[half][];
        int[] y = new int[half];
        for (int i = 0; i < half; i++) {
            x[i] = all.x()[members[i]];
            y[i] = all.y()[members[i]];
        }
        TrainingData train = new TrainingData(x, y, all.classes(), all.features());
        Model model = recipe.recipe().model(all);
        double[] params = recipe.train(model, train, seed);
        // The attacker's imputation model: the hidden value from the other features, fitted on the public half.
        double[][] px = new double[others.length][];
        int[] py = new int[others.length];
        for (int i = 0; i < others.length; i++) {
            px[i] = all.x()[others[i]].clone();
            for (int v = 0; v < hiddenIdx.length; v++) {
                if (px[i][hiddenIdx[v]] == 1) {
                    py[i] = v;
                }
                px[i][hiddenIdx[v]] = 0;
            }
        }
        java.util.List<String> values = java.util.Arrays.stream(hiddenIdx).mapToObj(all.features()::get).toList();
        TrainingData publicRows = new TrainingData(px, py, values, all.features());
        dev.bastion.privacy.train.LogisticRegression imputer = new dev.bastion.privacy.train.LogisticRegression(
                all.dimensions(), hiddenIdx.length);
        double[] imputerParams = dev.bastion.privacy.train.DpSgd.train(imputer, publicRows,
                new dev.bastion.privacy.train.DpSgd.Settings(5, 64, 0.1, 0.9, 1, Double.POSITIVE_INFINITY, 0),
                new SplittableRandom(seed + 7), dev.bastion.privacy.dp.DpRandom.insecureSeeded(seed + 8)).parameters();
        java.util.function.Function<double[], double[]> imputation = v -> imputer.probabilities(imputerParams, v);
        AttributeInference.Result in = AttributeInference.attack(model, params, all, members, hiddenIdx, imputation);
        AttributeInference.Result out = AttributeInference.attack(model, params, all, others, hiddenIdx, imputation);
        Assessment a = new Assessment("inversion");
        a.data(data, all.size(), seed);
        recipe.describe(a, all);
        a.options().put("hidden", hidden);
        for (var e : java.util.Map.of("members", in, "non_members", out).entrySet()) {
            a.metric("attack_accuracy", e.getValue().attackAccuracy(), null, e.getKey(), null, "attribute_inference");
            a.metric("baseline_accuracy", e.getValue().baselineAccuracy(), null, e.getKey(), null, "baseline");
            a.metric("advantage", e.getValue().advantage(), null, e.getKey(), null, "attribute_inference");
        }
        String summary = String.format(Locale.ROOT, "hidden '%s': members attack %.4f vs baseline %.4f (advantage "
                + "%.4f); unseen rows attack %.4f vs baseline %.4f (advantage %.4f)", hidden, in.attackAccuracy(),
                in.baselineAccuracy(), in.advantage(), out.attackAccuracy(), out.baselineAccuracy(), out.advantage());
        return finish(a, "Attribute inference: " + data.getFileName(), summary);
    }
}
