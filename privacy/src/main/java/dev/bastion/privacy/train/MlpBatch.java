package dev.bastion.privacy.train;

import java.util.Arrays;

/**
 * {@link Mlp}'s batched gradients: the same arithmetic as {@link Mlp#gradient} and {@link Mlp#inputGradient}, laid
 * out so that the inner loops run over contiguous arrays (which the JIT turns into SIMD) and the weights are read
 * once per block of rows rather than once per row. One workspace per thread; not thread-safe.
 */
final class MlpBatch implements BatchGradients {
    /*
     * Why the results are bit for bit those of the one-example path. Floating-point addition is not associative, so
     * each output element must receive the same terms in the same order; only the interleaving of different
     * elements changes.
     *  - Hidden layer: Mlp computes s = b1[u], then s += W1[u][j] * x[j] for j = 0, 1, ... (a dot product, one long
     *    dependency chain). Here W1 is transposed once per load into w1t (dims, hidden), and for j = 0, 1, ... every
     *    h[u] += x[j] * w1t[j][u]: the same terms in the same order for each u, but the inner loop runs over u, with
     *    no dependency between iterations. A zero x[j] is skipped: adding 0 * w = (+/-)0 leaves a sum unchanged
     *    except for the sign of a zero, which the ReLU (Math.max(0, s)) erases.
     *  - Parameter gradient of W1: Mlp writes g = d[u] * x[j] and DpSgd adds it into sum row after row. Here, per
     *    block of rows, for each u and each row with d[u] != 0, sum[u][j] += d[u] * x[j]: per element, the rows in
     *    the same order. A skipped d[u] = 0 would have added (+/-)0 to a sum that starts at +0 and is never -0 (in
     *    round-to-nearest a sum is -0 only when both terms are), so nothing changes.
     *  - Input gradient: Mlp's gx[j] += dh[u] * W1[u][j] for u = 0, 1, ... with h[u] > 0; the same here, with the
     *    rows of a block inside the loop over u so that each row of W1 is read once per block.
     *  - Logits, softmax and dh are computed per row exactly as in Mlp (they are 1-2% of the work).
     */
    private static final int BLOCK = 32;

    private final Mlp mlp;
    private final int dims;
    private final int hidden;
    private final int classes;
    private final double[] w1t; // (dims, hidden): W1 transposed
    private final double[] act; // (BLOCK, hidden): hidden activations after ReLU
    private final double[] delta; // (BLOCK, hidden): d[u] for parameter gradients, dh[u] for input gradients
    private final double[] z;
    private double[] params;

    MlpBatch(Mlp mlp) {
        this.mlp = mlp;
        this.dims = mlp.dimensions();
        this.hidden = mlp.hidden();
        this.classes = mlp.classes();
        this.w1t = new double[dims * hidden];
        this.act = new double[BLOCK * hidden];
        this.delta = new double[BLOCK * hidden];
        this.z = new double[classes];
    }

    @Override
    public void load(double[] p) {
        if (p.length != mlp.parameters()) {
            throw new IllegalArgumentException("expected " + mlp.parameters() + " parameters, got " + p.length);
        }
        params = p;
        for (int u = 0; u < hidden; u++) {
            int base = u * dims;
            for (int j = 0; j < dims; j++) {
                w1t[j * hidden + u] = p[base + j];
            }
        }
    }

    /** act[r] = ReLU(W1 x_r + b1) for the m rows {@code rowOf(r)}. */
    private void hiddenLayer(double[][] x, int[] rows, int offset, int m) {
        int b1 = hidden * dims;
        for (int r = 0; r < m; r++) {
            int hr = r * hidden;
            System.arraycopy(params, b1, act, hr, hidden);
            double[] xi = x[rows == null ? offset + r : rows[offset + r]];
            for (int j = 0; j < dims; j++) {
                double xj = xi[j];
                if (xj == 0) {
                    continue;
                }
                int wt = j * hidden;
                for (int u = 0; u < hidden; u++) {
                    act[hr + u] += xj * w1t[wt + u];
                }
            }
            for (int u = 0; u < hidden; u++) {
                act[hr + u] = Math.max(0, act[hr + u]);
            }
        }
    }

    /** z = softmax(W2 act[r] + b2), as Mlp.logits then Model.softmax. */
    private void probabilities(int r) {
        int w2 = hidden * dims + hidden;
        int b2 = w2 + classes * hidden;
        int hr = r * hidden;
        for (int c = 0; c < classes; c++) {
            double s = params[b2 + c];
            int base = w2 + c * hidden;
            for (int u = 0; u < hidden; u++) {
                s += params[base + u] * act[hr + u];
            }
            z[c] = s;
        }
        Model.softmax(z);
    }

    @Override
    public void addGradients(double[][] x, int[] y, int[] rows, int count, double[] sum) {
        int w2 = hidden * dims + hidden;
        int b2 = w2 + classes * hidden;
        int b1 = hidden * dims;
        for (int start = 0; start < count; start += BLOCK) {
            int m = Math.min(BLOCK, count - start);
            hiddenLayer(x, rows, start, m);
            for (int r = 0; r < m; r++) {
                probabilities(r);
                int label = y[rows[start + r]];
                int hr = r * hidden;
                Arrays.fill(delta, hr, hr + hidden, 0);
                for (int c = 0; c < classes; c++) {
                    double err = z[c] - (c == label ? 1 : 0);
                    int base = w2 + c * hidden;
                    for (int u = 0; u < hidden; u++) {
                        sum[base + u] += err * act[hr + u];
                        delta[hr + u] += err * params[base + u];
                    }
                    sum[b2 + c] += err;
                }
                for (int u = 0; u < hidden; u++) {
                    double d = act[hr + u] > 0 ? delta[hr + u] : 0;
                    delta[hr + u] = d;
                    sum[b1 + u] += d;
                }
            }
            for (int u = 0; u < hidden; u++) {
                int base = u * dims;
                for (int r = 0; r < m; r++) {
                    double d = delta[r * hidden + u];
                    if (d == 0) {
                        continue;
                    }
                    double[] xi = x[rows[start + r]];
                    for (int j = 0; j < dims; j++) {
                        sum[base + j] += d * xi[j];
                    }
                }
            }
        }
    }

    @Override
    public void inputGradients(double[][] xs, int[] ys, int from, int to, double[][] gradients, double[] losses) {
        int w2 = hidden * dims + hidden;
        for (int start = from; start < to; start += BLOCK) {
            int m = Math.min(BLOCK, to - start);
            hiddenLayer(xs, null, start, m);
            for (int r = 0; r < m; r++) {
                probabilities(r);
                int label = ys[start + r];
                int hr = r * hidden;
                Arrays.fill(delta, hr, hr + hidden, 0);
                for (int c = 0; c < classes; c++) {
                    double err = z[c] - (c == label ? 1 : 0);
                    int base = w2 + c * hidden;
                    for (int u = 0; u < hidden; u++) {
                        delta[hr + u] += err * params[base + u];
                    }
                }
                losses[start + r] = -Math.log(Math.max(1e-300, z[label]));
                Arrays.fill(gradients[start + r], 0);
            }
            for (int u = 0; u < hidden; u++) {
                int base = u * dims;
                for (int r = 0; r < m; r++) {
                    if (act[r * hidden + u] <= 0) {
                        continue;
                    }
                    double d = delta[r * hidden + u];
                    double[] g = gradients[start + r];
                    for (int j = 0; j < dims; j++) {
                        g[j] += d * params[base + j];
                    }
                }
            }
        }
    }
}
