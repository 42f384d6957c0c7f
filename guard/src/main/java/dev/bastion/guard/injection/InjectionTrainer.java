package dev.bastion.guard.injection;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Trains the injection classifier: logistic regression by Adam with L2 regularisation and class weights that
 * balance attacks and benign prompts, on precomputed features, deterministically from a seed. Trains the full model
 * (with embeddings) and the lexical model (without) on the same examples.
 */
public final class InjectionTrainer {

    /** One labelled example, already featurised. */
    public record Example(Features.Sparse features, Optional<float[]> embedding, boolean attack) {
    }

    private InjectionTrainer() {
    }

    /** Featurises {@code text} the way the scanner does. */
    public static Example example(String text, boolean attack, InjectionRules rules, Optional<SentenceEncoder> encoder) {
        TextNormalizer.Normalized n = TextNormalizer.normalize(text);
        Features.Sparse f = Features.of(n.text(), n.hadHiddenCharacters(), rules, InjectionModel.MAX_FEATURE_CHARS);
        Optional<float[]> e = encoder.map(enc -> enc.encode(text.length() > InjectionModel.EMBEDDED_CHARS
                ? text.substring(0, InjectionModel.EMBEDDED_CHARS) : text));
        return new Example(f, e, attack);
    }

    static float[] fit(List<Example> data, int features, boolean withEmbedding, int epochs, double l2, long seed) {
        int dims = withEmbedding ? SentenceEncoder.DIMENSIONS : 0;
        int n = features + dims + 1;
        float[] w = new float[n];
        float[] m = new float[n];
        float[] v = new float[n];
        long attacks = data.stream().filter(Example::attack).count();
        double wPos = data.size() / (2.0 * Math.max(1, attacks));
        double wNeg = data.size() / (2.0 * Math.max(1, data.size() - attacks));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            order.add(i);
        }
        Random random = new Random(seed);
        double lr = 0.01;
        double b1 = 0.9;
        double b2 = 0.999;
        long t = 0;
        for (int epoch = 0; epoch < epochs; epoch++) {
            java.util.Collections.shuffle(order, random);
            for (int idx : order) {
                Example ex = data.get(idx);
                double z = w[n - 1];
                Features.Sparse f = ex.features();
                for (int i = 0; i < f.index().length; i++) {
                    z += w[f.index()[i]] * f.value()[i];
                }
                float[] e = withEmbedding ? ex.embedding().orElseThrow() : null;
                if (e != null) {
                    for (int j = 0; j < dims; j++) {
                        z += w[features + j] * e[j];
                    }
                }
                double p = 1 / (1 + Math.exp(-z));
                double g = (p - (ex.attack() ? 1 : 0)) * (ex.attack() ? wPos : wNeg);
                t++;
                double c1 = 1 - Math.pow(b1, t);
                double c2 = 1 - Math.pow(b2, t);
                for (int i = 0; i < f.index().length; i++) {
                    adam(w, m, v, f.index()[i], g * f.value()[i] + l2 * w[f.index()[i]], lr, b1, b2, c1, c2);
                }
                if (e != null) {
                    for (int j = 0; j < dims; j++) {
                        adam(w, m, v, features + j, g * e[j] + l2 * w[features + j], lr, b1, b2, c1, c2);
                    }
                }
                adam(w, m, v, n - 1, g, lr, b1, b2, c1, c2);
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
     * Trains both models. Thresholds: the direct threshold is the smallest score above which at most
     * {@code targetFpr} of the calibration benign examples fall; the indirect threshold allows four times that.
     */
    public static InjectionModel train(List<Example> train, List<Example> calibration, InjectionRules rules,
            double targetFpr, long seed, String description) {
        int features = Features.size(rules.rules().size());
        boolean embeddings = train.stream().allMatch(e -> e.embedding().isPresent());
        float[] lexical = fit(train, features, false, 8, 1e-6, seed);
        float[] full = embeddings ? fit(train, features, true, 8, 1e-6, seed) : expand(lexical, features);
        InjectionModel draft = new InjectionModel(rules.rules().size(), full, lexical, 0.5, 0.5, 0.5, 0.5, description);
        List<Double> benignFull = new ArrayList<>();
        List<Double> benignLexical = new ArrayList<>();
        for (Example e : calibration) {
            if (!e.attack()) {
                benignFull.add(draft.score(e.features(), e.embedding()));
                benignLexical.add(draft.score(e.features(), Optional.empty()));
            }
        }
        benignFull.sort(null);
        benignLexical.sort(null);
        double direct = quantileAbove(benignFull, targetFpr);
        double lexicalDirect = quantileAbove(benignLexical, targetFpr);
        double indirect = Math.min(direct, quantileAbove(benignFull, Math.min(0.5, targetFpr * 4)));
        double lexicalIndirect = Math.min(lexicalDirect, quantileAbove(benignLexical, Math.min(0.5, targetFpr * 4)));
        return new InjectionModel(rules.rules().size(), full, lexical, direct, indirect, lexicalDirect, lexicalIndirect,
                description);
    }

    private static float[] expand(float[] lexical, int features) {
        float[] full = new float[features + SentenceEncoder.DIMENSIONS + 1];
        System.arraycopy(lexical, 0, full, 0, features);
        full[full.length - 1] = lexical[lexical.length - 1];
        return full;
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
}
