package dev.bastion.app;

import dev.bastion.privacy.attacks.Poisoning;
import dev.bastion.privacy.dp.Table;
import dev.bastion.privacy.train.Mlp;
import dev.bastion.privacy.train.TrainingData;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bastion assess poisoning}: plants a backdoor (BadNets trigger on image rows, or flipped labels), trains the
 * recipe's MLP, measures the attack, runs activation clustering, spectral signatures and exclusionary
 * reclassification, removes what exclusionary reclassification confirms, retrains and measures again.
 */
@Command(name = "poisoning", description = "Plant a backdoor (--inject badnets|label-flip --rate R), then detect it "
        + "with activation clustering, spectral signatures and exclusionary reclassification; attack success, "
        + "detector precision and recall, and the result after removing the confirmed rows and retraining. Trains an MLP with the recipe's settings.")
final class AssessPoisoning extends AssessCommand.Reporting {
    @Option(names = "--data", required = true, paramLabel = "CSV") Path data;
    @Option(names = "--label", required = true, paramLabel = "COLUMN") String label;
    @Option(names = "--inject", defaultValue = "badnets", description = "badnets (a corner patch on images) or "
            + "label-flip.") String inject;
    @Option(names = "--rate", defaultValue = "0.05", description = "Share of training rows poisoned (default 5%).")
    double rate;
    @Option(names = "--image", defaultValue = "8x8", paramLabel = "WxH", description = "Image geometry of the "
            + "feature columns, for badnets (default 8x8, the digits data).") String image;
    @Option(names = "--target-class", defaultValue = "0", description = "Index of the class the backdoor sends "
            + "inputs to (default 0).") int targetClass;
    @Mixin RecipeOptions recipe;


    @Override
    int run() throws java.io.IOException {
        TrainingData all = TrainingData.fromTable(Table.read(data), label);
        TrainingData[] split = all.split(0.25, new SplittableRandom(seed));
        double[][] x = split[0].x().clone();
        int[] y = split[0].y().clone();
        if (targetClass < 0 || targetClass >= all.classes().size()) {
            throw new IllegalArgumentException("--target-class must be 0.." + (all.classes().size() - 1));
        }
        Poisoning.Trigger trigger = trigger(all);
        boolean[] poisoned;
        String mode = inject.strip().toLowerCase(Locale.ROOT);
        switch (mode) {
            case "badnets" -> poisoned = Poisoning.inject(x, y, trigger, targetClass, rate, seed);
            case "label-flip" -> poisoned = Poisoning.inject(x, y, new Poisoning.Trigger(new int[0], 0), targetClass,
                    rate, seed);
            default -> throw new IllegalArgumentException("--inject is badnets or label-flip");
        }
        Mlp model = new Mlp(all.dimensions(), recipe.hidden, all.classes().size());
        TrainingData poisonedData = new TrainingData(x, y, all.classes(), all.features());
        double[] params = recipe.train(model, poisonedData, seed);
        double[][] tx = split[1].x();
        int[] ty = split[1].y();
        Assessment a = new Assessment("poisoning");
        a.data(data, all.size(), seed);
        recipe.describe(a, all);
        ((com.fasterxml.jackson.databind.node.ObjectNode) a.root().get("model")).put("model", model.describe());
        a.options().put("inject", mode).put("rate", rate).put("image", image).put("target_class", targetClass);
        double success = mode.equals("badnets") ? Poisoning.attackSuccess(model, params, tx, ty, trigger, targetClass)
                : Double.NaN;
        double clean = model.accuracy(params, split[1]);
        a.metric("attack_success", success, null, "poisoned_model", null, mode);
        a.metric("clean_accuracy", clean, null, "poisoned_model", null, null);
        boolean[] ac = Poisoning.activationClustering(model, params, x, y, 0.35, seed);
        boolean[] ss = Poisoning.spectralSignatures(model, params, x, y, Math.min(0.5, rate * all.classes().size()));
        boolean[] er = Poisoning.exclusionaryReclassification(model, params, x, y, seed,
                (rx, ry) -> recipe.train(model, new TrainingData(rx, ry, all.classes(), all.features()), seed));
        StringBuilder summary = new StringBuilder(String.format(Locale.ROOT, "poisoned model: attack success %s, "
                + "clean accuracy %.4f", Assessment.fmt(success), clean));
        java.util.Map<String, boolean[]> detectors = new java.util.LinkedHashMap<>();
        detectors.put("activation_clustering", ac);
        detectors.put("spectral_signatures", ss);
        detectors.put("exclusionary_reclassification", er);
        boolean[] removed = Poisoning.withSharedPattern(x, y, er);
        detectors.put("exclusionary_reclassification_with_pattern", removed);
        for (var d : detectors.entrySet()) {
            int tp = 0;
            int fp = 0;
            int total = 0;
            for (int i = 0; i < x.length; i++) {
                total += poisoned[i] ? 1 : 0;
                tp += d.getValue()[i] && poisoned[i] ? 1 : 0;
                fp += d.getValue()[i] && !poisoned[i] ? 1 : 0;
            }
            double precision = tp + fp == 0 ? Double.NaN : (double) tp / (tp + fp);
            double recall = total == 0 ? Double.NaN : (double) tp / total;
            a.metric("detector_precision", precision, null, "train", null, d.getKey());
            a.metric("detector_recall", recall, null, "train", null, d.getKey());
            summary.append(String.format(Locale.ROOT, "; %s precision %s recall %s", d.getKey(),
                    Assessment.fmt(precision), Assessment.fmt(recall)));
        }
        // Removal takes the rows exclusionary reclassification confirmed (Chen et al. 2018 remove what the
        // reclassification confirms): activation clustering alone flags clean minority clusters when the poison's
        // share of its class is above its size rule, and removing those changes what the retrained model learns
        // without removing the backdoor (round nine: seeds 1-6 left attack success 0.00, 0.96, 1.00, 0.00, 1.00,
        // 0.00 after removing its flags). With them go the rows of the same class that carry the pattern the
        // confirmed rows share (Poisoning.withSharedPattern: a poisoned row left in the larger cluster).
        Poisoning.Pattern pattern = Poisoning.sharedPattern(x, er);
        summary.append(pattern.isEmpty() ? "; the confirmed rows share no rare pattern"
                : String.format(Locale.ROOT, "; the confirmed rows share features %s = %s",
                        java.util.Arrays.toString(pattern.features()), java.util.Arrays.toString(pattern.values())));
        int kept = 0;
        for (boolean f : removed) {
            kept += f ? 0 : 1;
        }
        double[][] cx = new double[kept][];
        int[] cy = new int[kept];
        int k = 0;
        for (int i = 0; i < x.length; i++) {
            if (!removed[i]) {
                cx[k] = x[i];
                cy[k++] = y[i];
            }
        }
        double[] cleaned = recipe.train(model, new TrainingData(cx, cy, all.classes(), all.features()), seed);
        double successAfter = mode.equals("badnets")
                ? Poisoning.attackSuccess(model, cleaned, tx, ty, trigger, targetClass) : Double.NaN;
        double cleanAfter = model.accuracy(cleaned, split[1]);
        a.metric("attack_success", successAfter, null, "after_removal", null, mode);
        a.metric("clean_accuracy", cleanAfter, null, "after_removal", null, null);
        summary.append(String.format(Locale.ROOT, "; after removing the confirmed rows and those carrying their pattern: attack success %s, "
                + "clean accuracy %.4f", Assessment.fmt(successAfter), cleanAfter));
        return finish(a, "Poisoning: " + data.getFileName(), summary.toString());
    }

    private Poisoning.Trigger trigger(TrainingData all) {
        String[] wh = image.toLowerCase(Locale.ROOT).split("x");
        int w = Integer.parseInt(wh[0].strip());
        int h = Integer.parseInt(wh[1].strip());
        if (w * h != all.dimensions()) {
            throw new IllegalArgumentException("--image " + image + " has " + (w * h) + " pixels, but the data has "
                    + all.dimensions() + " encoded features");
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double[] row : all.x()) {
            for (double v : row) {
                max = Math.max(max, v);
            }
        }
        return Poisoning.Trigger.corner(w, h, 2, max);
    }
}
