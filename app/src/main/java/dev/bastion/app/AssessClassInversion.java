package dev.bastion.app;

import dev.bastion.privacy.attacks.ClassInversion;
import dev.bastion.privacy.train.Model;
import dev.bastion.privacy.train.TrainingData;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code bastion assess inversion --classes}: the target trains on all rows; for each class, the input the model finds
 * most typical (ClassInversion, from a blank input at the middle of each feature's range in the data) is compared with that class's
 * training rows: the largest cosine and centred cosine (Pearson correlation) to any of them. A class learnt from one
 * record, or copies of it, returns that record (centred cosine near 1); a class learnt from many varied rows returns
 * an average. The JSON holds only these similarities; the reconstructions themselves are written only with
 * {@code --include-reconstructions}.
 */
final class AssessClassInversion {
    private AssessClassInversion() {
    }

    static int run(AssessInversion c, TrainingData all, RecipeOptions recipe) throws IOException {
        Model model = recipe.recipe().model(all);
        double[] params = recipe.train(model, all, c.seed);
        // Each feature stays within the range it has in the data (standardised columns differ widely in range).
        double[] lower = new double[all.dimensions()];
        double[] upper = new double[all.dimensions()];
        java.util.Arrays.fill(lower, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(upper, Double.NEGATIVE_INFINITY);
        for (double[] x : all.x()) {
            for (int j = 0; j < x.length; j++) {
                lower[j] = Math.min(lower[j], x[j]);
                upper[j] = Math.max(upper[j], x[j]);
            }
        }
        ClassInversion.Settings s = new ClassInversion.Settings(2000, 0.05, 100, 0.999, new double[] {0, 1});
        Assessment a = new Assessment("inversion");
        a.data(c.data, all.size(), c.seed);
        recipe.describe(a, all);
        a.options().put("attack", "class_inversion").put("steps", s.steps()).put("reconstructions_written",
                c.reconstructions != null);
        List<String> lines = new ArrayList<>();
        lines.add("class," + String.join(",", all.features()));
        StringBuilder summary = new StringBuilder("class inversion:");
        double worst = 0;
        for (int k = 0; k < all.classes().size(); k++) {
            ClassInversion.Result r = ClassInversion.invert(model, params, k, s, lower, upper);
            double cos = 0;
            double centred = 0;
            for (int i = 0; i < all.size(); i++) {
                if (all.y()[i] == k) {
                    cos = Math.max(cos, ClassInversion.cosine(r.input(), all.x()[i]));
                    centred = Math.max(centred, ClassInversion.cosine(centre(r.input()), centre(all.x()[i])));
                }
            }
            String cls = all.classes().get(k);
            a.metric("confidence", r.confidence(), null, cls, null, "class_inversion");
            a.metric("nearest_cosine", cos, null, cls, null, "class_inversion");
            a.metric("nearest_centred_cosine", centred, null, cls, null, "class_inversion");
            worst = Math.max(worst, centred);
            summary.append(String.format(Locale.ROOT, " %s %.3f/%.3f", cls, cos, centred));
            if (c.reconstructions != null) {
                StringBuilder line = new StringBuilder(csv(cls));
                for (double v : r.input()) {
                    line.append(',').append(v);
                }
                lines.add(line.toString());
            }
        }
        a.metric("nearest_centred_cosine", worst, null, "max", null, "class_inversion");
        if (c.reconstructions != null) {
            Files.write(c.reconstructions, lines);
        }
        return c.finish(a, "Class inversion: " + c.data.getFileName(), summary
                + " (nearest cosine / centred, per class)");
    }

    private static double[] centre(double[] v) {
        double m = Arrays.stream(v).average().orElse(0);
        return Arrays.stream(v).map(e -> e - m).toArray();
    }

    private static String csv(String cell) {
        return cell.contains(",") || cell.contains("\"") ? "\"" + cell.replace("\"", "\"\"") + "\"" : cell;
    }
}
