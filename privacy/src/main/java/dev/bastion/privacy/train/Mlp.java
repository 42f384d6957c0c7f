package dev.bastion.privacy.train;

import java.util.random.RandomGenerator;

/**
 * A one-hidden-layer perceptron with ReLU: parameters W1 (hidden, dimensions), b1 (hidden), W2 (classes, hidden),
 * b2 (classes), in that order. Thread-safe.
 */
public record Mlp(int dimensions, int hidden, int classes) implements Model {
    public Mlp {
        if (dimensions < 1 || hidden < 1 || classes < 2) {
            throw new IllegalArgumentException("need features, hidden units and two classes");
        }
    }

    @Override
    public int parameters() {
        return hidden * dimensions + hidden + classes * hidden + classes;
    }

    @Override
    public double[] initialParameters(RandomGenerator random) {
        double[] p = new double[parameters()];
        double s1 = Math.sqrt(2.0 / dimensions);
        for (int i = 0; i < hidden * dimensions; i++) {
            p[i] = random.nextGaussian() * s1;
        }
        int w2 = hidden * dimensions + hidden;
        double s2 = Math.sqrt(1.0 / hidden);
        for (int i = 0; i < classes * hidden; i++) {
            p[w2 + i] = random.nextGaussian() * s2;
        }
        return p;
    }

    /** The hidden layer's activations (after ReLU) for {@code x}: what poisoning detectors cluster. */
    public double[] activations(double[] p, double[] x) {
        return hiddenLayer(p, x);
    }

    private double[] hiddenLayer(double[] p, double[] x) {
        double[] h = new double[hidden];
        int b1 = hidden * dimensions;
        for (int u = 0; u < hidden; u++) {
            double s = p[b1 + u];
            int base = u * dimensions;
            for (int j = 0; j < dimensions; j++) {
                s += p[base + j] * x[j];
            }
            h[u] = Math.max(0, s);
        }
        return h;
    }

    private double[] logits(double[] p, double[] h) {
        int w2 = hidden * dimensions + hidden;
        int b2 = w2 + classes * hidden;
        double[] z = new double[classes];
        for (int c = 0; c < classes; c++) {
            double s = p[b2 + c];
            int base = w2 + c * hidden;
            for (int u = 0; u < hidden; u++) {
                s += p[base + u] * h[u];
            }
            z[c] = s;
        }
        return z;
    }

    @Override
    public double gradient(double[] p, double[] x, int y, double[] g) {
        double[] h = hiddenLayer(p, x);
        double[] prob = logits(p, h);
        Model.softmax(prob);
        int w2 = hidden * dimensions + hidden;
        int b2 = w2 + classes * hidden;
        int b1 = hidden * dimensions;
        double[] dh = new double[hidden];
        for (int c = 0; c < classes; c++) {
            double err = prob[c] - (c == y ? 1 : 0);
            int base = w2 + c * hidden;
            for (int u = 0; u < hidden; u++) {
                g[base + u] = err * h[u];
                dh[u] += err * p[base + u];
            }
            g[b2 + c] = err;
        }
        for (int u = 0; u < hidden; u++) {
            double d = h[u] > 0 ? dh[u] : 0;
            int base = u * dimensions;
            for (int j = 0; j < dimensions; j++) {
                g[base + j] = d * x[j];
            }
            g[b1 + u] = d;
        }
        return -Math.log(Math.max(1e-300, prob[y]));
    }

    @Override
    public int predict(double[] p, double[] x) {
        double[] z = logits(p, hiddenLayer(p, x));
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (z[c] > z[best]) {
                best = c;
            }
        }
        return best;
    }

    @Override
    public double[] probabilities(double[] p, double[] x) {
        double[] z = logits(p, hiddenLayer(p, x));
        Model.softmax(z);
        return z;
    }

    @Override
    public double inputGradient(double[] p, double[] x, int y, double[] gx) {
        double[] h = hiddenLayer(p, x);
        double[] prob = logits(p, h);
        Model.softmax(prob);
        int w2 = hidden * dimensions + hidden;
        double[] dh = new double[hidden];
        for (int c = 0; c < classes; c++) {
            double err = prob[c] - (c == y ? 1 : 0);
            int base = w2 + c * hidden;
            for (int u = 0; u < hidden; u++) {
                dh[u] += err * p[base + u];
            }
        }
        java.util.Arrays.fill(gx, 0);
        for (int u = 0; u < hidden; u++) {
            if (h[u] <= 0) {
                continue;
            }
            int base = u * dimensions;
            for (int j = 0; j < dimensions; j++) {
                gx[j] += dh[u] * p[base + j];
            }
        }
        return -Math.log(Math.max(1e-300, prob[y]));
    }

    /** The batched path ({@link MlpBatch}): the same results, bit for bit, several times faster. */
    @Override
    public BatchGradients batch() {
        return new MlpBatch(this);
    }

    @Override
    public String describe() {
        return "mlp(hidden=" + hidden + ")";
    }
}
