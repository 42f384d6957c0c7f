package dev.bastion.privacy.train;

/**
 * Gradients over many examples at once, for the two loops that dominate training and evasion attacks: the sum of
 * the per-example parameter gradients over a batch (non-private training needs no per-example clipping, so it can
 * sum directly) and the input gradients of many rows under fixed parameters (FGSM, PGD).
 *
 * <p>Contract: every result equals, bit for bit, what the one-example methods of {@link Model} give when called in
 * the order of the rows: {@link #addGradients} adds into {@code sum} what {@code sum[j] += g[j]} would add for each
 * row in turn, and {@link #inputGradients} writes what {@link Model#inputGradient} writes. A batched implementation
 * may only change the order of independent operations, never the order in which one output element is summed.
 *
 * <p>A workspace holds buffers reused between calls: one per thread, not thread-safe. {@link #load} must be called
 * whenever the parameters change (every training step), since a workspace may keep a transposed copy of them.
 */
public interface BatchGradients {

    /** Takes the parameters the next calls use. */
    void load(double[] params);

    /**
     * Adds the loss gradients of rows {@code rows[0..count)} of ({@code x}, {@code y}), in that order, to
     * {@code sum}.
     */
    void addGradients(double[][] x, int[] y, int[] rows, int count, double[] sum);

    /**
     * Writes the input gradient of rows {@code from..to} (exclusive) of ({@code xs}, {@code ys}) into
     * {@code gradients[i]} and the row's loss into {@code losses[i]}.
     */
    void inputGradients(double[][] xs, int[] ys, int from, int to, double[][] gradients, double[] losses);

    /** The reference workspace: the one-example methods of {@code model}, one row at a time. */
    static BatchGradients oneAtATime(Model model) {
        return new BatchGradients() {
            private double[] params;
            private final double[] g = new double[model.parameters()];

            @Override
            public void load(double[] p) {
                params = p;
            }

            @Override
            public void addGradients(double[][] x, int[] y, int[] rows, int count, double[] sum) {
                for (int r = 0; r < count; r++) {
                    int i = rows[r];
                    model.gradient(params, x[i], y[i], g);
                    for (int j = 0; j < g.length; j++) {
                        sum[j] += g[j];
                    }
                }
            }

            @Override
            public void inputGradients(double[][] xs, int[] ys, int from, int to, double[][] gradients,
                    double[] losses) {
                for (int i = from; i < to; i++) {
                    losses[i] = model.inputGradient(params, xs[i], ys[i], gradients[i]);
                }
            }
        };
    }
}
