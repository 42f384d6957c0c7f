package dev.bastion.privacy.train;

import java.util.random.RandomGenerator;

/** Multinomial logistic regression: parameters are a (classes, dimensions + 1) matrix, bias last. Thread-safe. */
public record LogisticRegression(int dimensions, int classes) implements Model {
    public LogisticRegression {
        if (dimensions < 1 || classes < 2) {
            throw new IllegalArgumentException("need at least one feature and two classes");
        }
    }

    @Override
    public int parameters() {
        return classes * (dimensions + 1);
    }

    @Override
    public double[] initialParameters(RandomGenerator random) {
        return new double[parameters()];
    }

    private double[] logits(double[] params, double[] x) {
        int stride = dimensions + 1;
        double[] z = new double[classes];
        for (int c = 0; c < classes; c++) {
            int base = c * stride;
            double s = params[base + dimensions];
            for (int j = 0; j < dimensions; j++) {
                s += params[base + j] * x[j];
            }
            z[c] = s;
        }
        return z;
    }

    @Override
    public double gradient(double[] params, double[] x, int y, double[] gradient) {
        double[] p = logits(params, x);
        double lse = Model.softmax(p);
        int stride = dimensions + 1;
        for (int c = 0; c < classes; c++) {
            double err = p[c] - (c == y ? 1 : 0);
            int base = c * stride;
            for (int j = 0; j < dimensions; j++) {
                gradient[base + j] = err * x[j];
            }
            gradient[base + dimensions] = err;
        }
        return -Math.log(Math.max(1e-300, p[y]));
    }

    @Override
    public int predict(double[] params, double[] x) {
        double[] z = logits(params, x);
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (z[c] > z[best]) {
                best = c;
            }
        }
        return best;
    }

    @Override
    public double[] probabilities(double[] params, double[] x) {
        double[] p = logits(params, x);
        Model.softmax(p);
        return p;
    }

    @Override
    public double inputGradient(double[] params, double[] x, int y, double[] gradient) {
        double[] p = probabilities(params, x);
        java.util.Arrays.fill(gradient, 0);
        int stride = dimensions + 1;
        for (int c = 0; c < classes; c++) {
            double err = p[c] - (c == y ? 1 : 0);
            int base = c * stride;
            for (int j = 0; j < dimensions; j++) {
                gradient[j] += err * params[base + j];
            }
        }
        return -Math.log(Math.max(1e-300, p[y]));
    }

    @Override
    public String describe() {
        return "logreg";
    }
}
