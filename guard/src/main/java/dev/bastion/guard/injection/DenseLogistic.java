package dev.bastion.guard.injection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Logistic regression over short dense vectors, fitted by Adam with L2 regularisation, deterministically from a
 * seed. Used twice by the embedding stage: as the head over a sentence embedding (384 numbers), and as the stacker
 * that weighs the lexical model's logit against the head's logit (2 numbers). As {@link InjectionTrainer}, each
 * example carries a weight and the two classes are rescaled to weigh the same in total. The returned weights are the
 * coefficients followed by the bias.
 */
public final class DenseLogistic {

    /** One labelled vector with its training weight. */
    public record Example(float[] x, boolean attack, double weight) {
        public Example {
            if (x.length == 0 || !(weight > 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("a dense example needs a non-empty vector and a positive weight");
            }
        }
    }

    private DenseLogistic() {
    }

    /** The logit of {@code x} under {@code w} (coefficients then bias). */
    public static double logit(float[] w, float[] x) {
        if (w.length != x.length + 1) {
            throw new IllegalArgumentException("weights and vector differ in length");
        }
        double z = w[x.length];
        for (int i = 0; i < x.length; i++) {
            z += w[i] * x[i];
        }
        return z;
    }

    /**
     * Fits weights (coefficients, then bias) to {@code data}; all vectors must have the same length.
     *
     * @throws IllegalArgumentException when there is no data, the lengths differ, or one class is absent
     */
    public static float[] fit(List<Example> data, InjectionTrainer.Settings s) {
        if (data.isEmpty()) {
            throw new IllegalArgumentException("no examples to fit");
        }
        int d = data.getFirst().x().length;
        double attackWeight = 0;
        double benignWeight = 0;
        for (Example e : data) {
            if (e.x().length != d) {
                throw new IllegalArgumentException("dense examples differ in length");
            }
            attackWeight += e.attack() ? e.weight() : 0;
            benignWeight += e.attack() ? 0 : e.weight();
        }
        if (attackWeight == 0 || benignWeight == 0) {
            throw new IllegalArgumentException("both classes are needed to fit");
        }
        double scalePos = data.size() / (2.0 * attackWeight);
        double scaleNeg = data.size() / (2.0 * benignWeight);
        float[] w = new float[d + 1];
        double[] m = new double[d + 1];
        double[] v = new double[d + 1];
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            order.add(i);
        }
        Random random = new Random(s.seed());
        long t = 0;
        for (int epoch = 0; epoch < s.epochs(); epoch++) {
            Collections.shuffle(order, random);
            for (int idx : order) {
                Example ex = data.get(idx);
                double p = 1 / (1 + Math.exp(-logit(w, ex.x())));
                double g = (p - (ex.attack() ? 1 : 0)) * ex.weight() * (ex.attack() ? scalePos : scaleNeg);
                t++;
                double c1 = 1 - Math.pow(0.9, t);
                double c2 = 1 - Math.pow(0.999, t);
                for (int i = 0; i <= d; i++) {
                    double gi = i < d ? g * ex.x()[i] + s.l2() * w[i] : g;
                    m[i] = 0.9 * m[i] + 0.1 * gi;
                    v[i] = 0.999 * v[i] + 0.001 * gi * gi;
                    w[i] -= (float) (s.learningRate() * (m[i] / c1) / (Math.sqrt(v[i] / c2) + 1e-8));
                }
            }
        }
        return w;
    }
}
