package dev.bastion.guard.injection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Trains the injection classifiers: logistic regression by Adam with L2 regularisation on precomputed features,
 * deterministically from a seed. Each example carries a weight (the caller spreads weight over sources so that no
 * single collection dominates); the trainer rescales them so attacks and benign texts weigh the same in total.
 * Thresholds are fixed on calibration scores before any evaluation: the lowest score that keeps the false-positive
 * rate of <em>every</em> benign family at or below the target.
 */
public final class InjectionTrainer {

    /** One labelled, featurised example with its training weight. */
    public record Example(Features.Sparse features, boolean attack, double weight) {
        public Example {
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("example weight must be positive and finite");
            }
        }
    }

    /** How to fit: passes over the data, L2 strength per step, Adam learning rate, seed. */
    public record Settings(int epochs, double l2, double learningRate, long seed) {
        public Settings {
            if (epochs < 1 || l2 < 0 || !(learningRate > 0)) {
                throw new IllegalArgumentException("epochs >= 1, l2 >= 0 and learning rate > 0 are required");
            }
        }
    }

    private InjectionTrainer() {
    }

    /** Featurises {@code text} the way the scanner does. */
    public static Features.Sparse features(String text, InjectionRules rules, boolean charGrams) {
        return features(text, rules, charGrams, 0);
    }

    /** Featurises {@code text} the way the scanner of a model with {@code phantomWords} does. */
    public static Features.Sparse features(String text, InjectionRules rules, boolean charGrams, int phantomWords) {
        TextNormalizer.Normalized n = TextNormalizer.normalize(text);
        return Features.of(n.text(), n.hadHiddenCharacters(), rules, InjectionModel.MAX_FEATURE_CHARS, charGrams,
                phantomWords);
    }

    /** The size of a weight vector for {@code rules} (features plus bias). */
    public static int weightCount(InjectionRules rules) {
        return Features.size(rules.rules().size()) + 1;
    }

    /** Probability of attack under weights {@code w}. */
    public static double score(float[] w, Features.Sparse f) {
        double z = w[w.length - 1];
        for (int i = 0; i < f.index().length; i++) {
            z += w[f.index()[i]] * f.value()[i];
        }
        return 1 / (1 + Math.exp(-z));
    }

    /** Fits logistic-regression weights (features then bias) to {@code data}. */
    public static float[] fit(List<Example> data, InjectionRules rules, Settings s) {
        int n = weightCount(rules);
        float[] w = new float[n];
        float[] m = new float[n];
        float[] v = new float[n];
        double attackWeight = 0;
        double benignWeight = 0;
        for (Example e : data) {
            if (e.attack()) {
                attackWeight += e.weight();
            } else {
                benignWeight += e.weight();
            }
        }
        double scalePos = data.size() / (2.0 * Math.max(1e-9, attackWeight));
        double scaleNeg = data.size() / (2.0 * Math.max(1e-9, benignWeight));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            order.add(i);
        }
        Random random = new Random(s.seed());
        double b1 = 0.9;
        double b2 = 0.999;
        long t = 0;
        for (int epoch = 0; epoch < s.epochs(); epoch++) {
            Collections.shuffle(order, random);
            for (int idx : order) {
                Example ex = data.get(idx);
                Features.Sparse f = ex.features();
                double p = score(w, f);
                double g = (p - (ex.attack() ? 1 : 0)) * ex.weight() * (ex.attack() ? scalePos : scaleNeg);
                t++;
                double c1 = 1 - Math.pow(b1, t);
                double c2 = 1 - Math.pow(b2, t);
                for (int i = 0; i < f.index().length; i++) {
                    int j = f.index()[i];
                    adam(w, m, v, j, g * f.value()[i] + s.l2() * w[j], s.learningRate(), b1, b2, c1, c2);
                }
                adam(w, m, v, n - 1, g, s.learningRate(), b1, b2, c1, c2);
            }
        }
        return w;
    }

    private static void adam(float[] w, float[] m, float[] v, int i, double g, double lr, double b1, double b2,
            double c1, double c2) {
        m[i] = (float) (b1 * m[i] + (1 - b1) * g);
        v[i] = (float) (b2 * v[i] + (1 - b2) * g * g);
        w[i] -= (float) (lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + 1e-8));
    }

    /**
     * The threshold for a target false-positive rate: for each benign family, the score above which at most
     * {@code targetFpr} of its calibration texts fall; the highest of these, so every family meets the target on
     * calibration data. Clamped to [0.5, 0.999].
     */
    public static double threshold(Map<String, List<Double>> benignScoresByFamily, double targetFpr) {
        return threshold(benignScoresByFamily, targetFpr, 1);
    }

    /**
     * The lowest score (at least 0.5, at most 0.999) at which every family's false-positive rate is at most
     * {@code targetFpr} and the rate over all families pooled at most {@code pooledTargetFpr} (1: no pooled bound).
     */
    public static double threshold(Map<String, List<Double>> benignScoresByFamily, double targetFpr,
            double pooledTargetFpr) {
        List<Double> pooled = new ArrayList<>();
        benignScoresByFamily.values().forEach(pooled::addAll);
        pooled.sort(null);
        double t = pooledTargetFpr >= 1 ? 0.5 : quantileAbove(pooled, pooledTargetFpr);
        for (List<Double> scores : benignScoresByFamily.values()) {
            List<Double> sorted = new ArrayList<>(scores);
            sorted.sort(null);
            t = Math.max(t, quantileAbove(sorted, targetFpr));
        }
        return Math.min(0.999, t);
    }

    /**
     * A calibration score with the weight it stands for: a source's scored texts are a sample (at most a few hundred)
     * of it, and each stands for (texts of the source) / (texts scored), so that a family's and the pooled
     * false-positive rate are counted the way the leave-one-source-out pool counts them: every text of every source.
     */
    public record Weighted(double score, double weight) {
        public Weighted {
            if (!(weight > 0) || Double.isNaN(score)) {
                throw new IllegalArgumentException("a calibration score needs a positive weight");
            }
        }
    }

    /**
     * As {@link #threshold(Map, double, double)} with weighted scores: the lowest score (at least 0.5, at most 0.999)
     * at which the weighted share of every family's scores above it is at most {@code targetFpr} and the weighted
     * share of all of them pooled at most {@code pooledTargetFpr} (1: no pooled bound). With every weight 1 it is
     * exactly the unweighted threshold.
     */
    public static double weightedThreshold(Map<String, List<Weighted>> benignScoresByFamily, double targetFpr,
            double pooledTargetFpr) {
        List<Weighted> pooled = new ArrayList<>();
        benignScoresByFamily.values().forEach(pooled::addAll);
        double t = pooledTargetFpr >= 1 ? 0.5 : weightedQuantileAbove(pooled, pooledTargetFpr);
        for (List<Weighted> scores : benignScoresByFamily.values()) {
            t = Math.max(t, weightedQuantileAbove(scores, targetFpr));
        }
        return Math.min(0.999, t);
    }

    /** The weighted share of {@code scores} at or above {@code threshold} (0 when empty). */
    public static double weightedShareAtOrAbove(List<Weighted> scores, double threshold) {
        double all = 0;
        double above = 0;
        for (Weighted w : scores) {
            all += w.weight();
            above += w.score() >= threshold ? w.weight() : 0;
        }
        return all > 0 ? above / all : 0;
    }

    /** The score s such that at most {@code share} of the weight of {@code scores} lies strictly above s (at least 0.5). */
    static double weightedQuantileAbove(List<Weighted> scores, double share) {
        List<Weighted> sorted = new ArrayList<>(scores);
        sorted.sort((a, b) -> Double.compare(b.score(), a.score()));
        double total = 0;
        for (Weighted w : sorted) {
            total += w.weight();
        }
        double allowed = share * total;
        double above = 0;
        for (Weighted w : sorted) {
            if (above + w.weight() > allowed) {
                return Math.min(0.999, Math.max(0.5, w.score() + 1e-6));
            }
            above += w.weight();
        }
        return 0.5;
    }

    /** The score s such that at most {@code share} of {@code sorted} is strictly above s (at least 0.5). */
    static double quantileAbove(List<Double> sorted, double share) {
        if (sorted.isEmpty()) {
            return 0.5;
        }
        int allowed = (int) Math.floor(share * sorted.size());
        double s = sorted.get(Math.max(0, sorted.size() - 1 - allowed));
        return Math.min(0.999, Math.max(0.5, s + 1e-6));
    }

    /**
     * The weights of an embedding stage that stacks the lexical model and an embedding head: the stage's logit is
     * {@code a * lexicalLogit + b * headLogit + c} with {@code stacker = (a, b, c)}, which is again linear in the
     * lexical features and the embedding, so it is stored as one vector (features, embedding, bias) as
     * {@link InjectionModel} expects.
     */
    public static float[] stacked(float[] lexical, float[] head, float[] stacker) {
        if (head.length != SentenceEncoder.DIMENSIONS + 1 || stacker.length != 3) {
            throw new IllegalArgumentException("an embedding head has 385 weights and a stacker 3");
        }
        int features = lexical.length - 1;
        float[] full = new float[features + SentenceEncoder.DIMENSIONS + 1];
        for (int i = 0; i < features; i++) {
            full[i] = stacker[0] * lexical[i];
        }
        for (int j = 0; j < SentenceEncoder.DIMENSIONS; j++) {
            full[features + j] = stacker[1] * head[j];
        }
        full[full.length - 1] = stacker[0] * lexical[features] + stacker[1] * head[SentenceEncoder.DIMENSIONS]
                + stacker[2];
        return full;
    }

    /** Puts fitted weights and thresholds together into a model with an embedding stage ({@link #stacked}). */
    public static InjectionModel model(InjectionRules rules, boolean charGrams, float[] direct, float[] content,
            float[] full, double directThreshold, double contentThreshold, double fullThreshold, String description) {
        return model(rules, charGrams, 0, direct, content, full, directThreshold, contentThreshold, fullThreshold,
                description);
    }

    /** The same, for features with {@code phantomWords} ({@link Features}). */
    public static InjectionModel model(InjectionRules rules, boolean charGrams, int phantomWords, float[] direct,
            float[] content, float[] full, double directThreshold, double contentThreshold, double fullThreshold,
            String description) {
        return new InjectionModel(rules.rules().size(), charGrams, phantomWords, direct, content, Optional.of(full),
                directThreshold, contentThreshold, fullThreshold, description);
    }

    /** Puts fitted weights and thresholds together into a model without an embedding stage. */
    public static InjectionModel model(InjectionRules rules, boolean charGrams, float[] direct, float[] content,
            double directThreshold, double contentThreshold, String description) {
        return model(rules, charGrams, 0, direct, content, directThreshold, contentThreshold, description);
    }

    /** The same, for features with {@code phantomWords} ({@link Features}). */
    public static InjectionModel model(InjectionRules rules, boolean charGrams, int phantomWords, float[] direct,
            float[] content, double directThreshold, double contentThreshold, String description) {
        return new InjectionModel(rules.rules().size(), charGrams, phantomWords, direct, content, Optional.empty(),
                directThreshold, contentThreshold, directThreshold, description);
    }
}
