package dev.bastion.privacy.train;

/**
 * A differentiable classifier over a flat parameter vector, with the per-example gradient DP-SGD needs.
 * Implementations are stateless apart from their shape, so one instance serves any number of parameter vectors;
 * scratch space is per call. Thread-safe.
 */
public sealed interface Model permits LogisticRegression, Mlp {

    /** Number of parameters. */
    int parameters();

    /** Fresh parameters (small random weights where symmetry must be broken). */
    double[] initialParameters(java.util.random.RandomGenerator random);

    /** Writes the gradient of the cross-entropy loss on one example into {@code gradient}; returns the loss. */
    double gradient(double[] params, double[] x, int y, double[] gradient);

    /** The most likely class. */
    int predict(double[] params, double[] x);

    /** The class probabilities (softmax of the logits): what a confidence-returning prediction API answers. */
    double[] probabilities(double[] params, double[] x);

    /**
     * Writes the gradient of the cross-entropy loss on one example with respect to the input {@code x} into
     * {@code gradient} (length {@code x.length}); returns the loss. What evasion attacks (FGSM, PGD) follow.
     */
    double inputGradient(double[] params, double[] x, int y, double[] gradient);

    /**
     * A new workspace for gradients over many rows at once, with the same results as the one-example methods; one
     * per thread. The default calls the one-example methods row by row.
     */
    default BatchGradients batch() {
        return BatchGradients.oneAtATime(this);
    }

    /** A short name for reports: {@code logreg} or {@code mlp(hidden=64)}. */
    String describe();

    /** Accuracy of {@code params} on {@code data}. */
    default double accuracy(double[] params, TrainingData data) {
        int right = 0;
        for (int i = 0; i < data.size(); i++) {
            if (predict(params, data.x()[i]) == data.y()[i]) {
                right++;
            }
        }
        return (double) right / data.size();
    }

    /** Softmax of {@code logits} in place; returns log-sum-exp. */
    static double softmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            logits[i] = Math.exp(logits[i] - max);
            sum += logits[i];
        }
        for (int i = 0; i < logits.length; i++) {
            logits[i] /= sum;
        }
        return max + Math.log(sum);
    }
}
