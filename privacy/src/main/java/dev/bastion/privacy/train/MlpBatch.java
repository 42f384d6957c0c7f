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
     *  - Logits and softmax are computed per row exactly as in Mlp. The output layer's weight gradients take, per
     *    element, the rows of the block in order (four rows per pass), and dh[u] takes the classes in order (four
     *    per pass) from a zero start, as Mlp's loop over classes does; round eight's JFR of the digits LiRA put 13%
     *    of the samples in the old one-class-per-pass loop that did both.
     *  - Each inner loop takes four terms per pass: v = out[i]; v += a0 * b0[i]; v += a1 * b1[i]; ...; out[i] = v.
     *    Java neither reassociates nor fuses these (no FMA unless asked for), so that is the same chain of
     *    additions as four passes, with one load and store of out[i] instead of four. The terms are the non-zero
     *    ones, listed in ascending order first ({@code picked}).
     *  - Blocks and chunks (rows of a block, columns of W1) only decide which elements are worked on together.
     */
    private static final int BLOCK = 32;
    /** Weights read by every row of a block, in doubles: 32 KiB, the L1 data cache of most x86 cores. */
    private static final int L1_DOUBLES = 4096;

    private final Mlp mlp;
    private final int dims;
    private final int hidden;
    private final int classes;
    private final double[] w1t; // (dims, hidden): W1 transposed
    private final double[] act; // (BLOCK, hidden): hidden activations after ReLU
    private final double[] delta; // (BLOCK, hidden): d[u] for parameter gradients, dh[u] for input gradients
    private final double[] z;
    private final double[] errs; // (BLOCK, classes): softmax output minus the one-hot label, per row of the block
    private final int[] picked; // indices of the non-zero terms of the sum at hand, in ascending order
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
        this.errs = new double[BLOCK * classes];
        this.picked = new int[Math.max(Math.max(dims, hidden), BLOCK)];
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
            System.arraycopy(params, b1, act, r * hidden, hidden);
        }
        // Columns of w1t in chunks that stay in the L1 cache while every row of the block uses them.
        int chunk = Math.max(4, L1_DOUBLES / hidden);
        for (int j0 = 0; j0 < dims; j0 += chunk) {
            int j1 = Math.min(dims, j0 + chunk);
            for (int r = 0; r < m; r++) {
                double[] xi = x[rows == null ? offset + r : rows[offset + r]];
                int k = 0;
                for (int j = j0; j < j1; j++) {
                    if (xi[j] != 0) {
                        picked[k++] = j;
                    }
                }
                int hr = r * hidden;
                int t = 0;
                for (; t + 4 <= k; t += 4) {
                    double x0 = xi[picked[t]];
                    double x1 = xi[picked[t + 1]];
                    double x2 = xi[picked[t + 2]];
                    double x3 = xi[picked[t + 3]];
                    int o0 = picked[t] * hidden;
                    int o1 = picked[t + 1] * hidden;
                    int o2 = picked[t + 2] * hidden;
                    int o3 = picked[t + 3] * hidden;
                    for (int u = 0; u < hidden; u++) {
                        double v = act[hr + u];
                        v += x0 * w1t[o0 + u];
                        v += x1 * w1t[o1 + u];
                        v += x2 * w1t[o2 + u];
                        v += x3 * w1t[o3 + u];
                        act[hr + u] = v;
                    }
                }
                for (; t < k; t++) {
                    double xj = xi[picked[t]];
                    int o = picked[t] * hidden;
                    for (int u = 0; u < hidden; u++) {
                        act[hr + u] += xj * w1t[o + u];
                    }
                }
            }
        }
        for (int i = 0; i < m * hidden; i++) {
            act[i] = Math.max(0, act[i]);
        }
    }

    /** z = softmax(W2 act[r] + b2), as Mlp.logits then Model.softmax. */
    private void probabilities(int r) {
        int w2 = hidden * dims + hidden;
        int b2 = w2 + classes * hidden;
        int hr = r * hidden;
        int c = 0;
        // Four classes' dot products side by side: four independent chains instead of one waiting on the last add.
        for (; c + 4 <= classes; c += 4) {
            double s0 = params[b2 + c];
            double s1 = params[b2 + c + 1];
            double s2 = params[b2 + c + 2];
            double s3 = params[b2 + c + 3];
            int o0 = w2 + c * hidden;
            int o1 = o0 + hidden;
            int o2 = o1 + hidden;
            int o3 = o2 + hidden;
            for (int u = 0; u < hidden; u++) {
                double h = act[hr + u];
                s0 += params[o0 + u] * h;
                s1 += params[o1 + u] * h;
                s2 += params[o2 + u] * h;
                s3 += params[o3 + u] * h;
            }
            z[c] = s0;
            z[c + 1] = s1;
            z[c + 2] = s2;
            z[c + 3] = s3;
        }
        for (; c < classes; c++) {
            double s = params[b2 + c];
            int base = w2 + c * hidden;
            for (int u = 0; u < hidden; u++) {
                s += params[base + u] * act[hr + u];
            }
            z[c] = s;
        }
        Model.softmax(z);
    }

    /** sum[W2] += err[r][c] act[r] for the m rows of the block: per element the rows in order, four per pass. */
    private void outputWeightGradients(int m, double[] sum) {
        int w2 = hidden * dims + hidden;
        for (int c = 0; c < classes; c++) {
            int base = w2 + c * hidden;
            int r = 0;
            for (; r + 4 <= m; r += 4) {
                double e0 = errs[r * classes + c];
                double e1 = errs[(r + 1) * classes + c];
                double e2 = errs[(r + 2) * classes + c];
                double e3 = errs[(r + 3) * classes + c];
                int h0 = r * hidden;
                int h1 = h0 + hidden;
                int h2 = h1 + hidden;
                int h3 = h2 + hidden;
                for (int u = 0; u < hidden; u++) {
                    double v = sum[base + u];
                    v += e0 * act[h0 + u];
                    v += e1 * act[h1 + u];
                    v += e2 * act[h2 + u];
                    v += e3 * act[h3 + u];
                    sum[base + u] = v;
                }
            }
            for (; r < m; r++) {
                double e = errs[r * classes + c];
                int hr = r * hidden;
                for (int u = 0; u < hidden; u++) {
                    sum[base + u] += e * act[hr + u];
                }
            }
        }
    }

    /** delta[r] = sum over classes c, in order, of err[r][c] W2[c] (before the ReLU's mask), four classes per pass. */
    private void backToHidden(int r) {
        int w2 = hidden * dims + hidden;
        int hr = r * hidden;
        int er = r * classes;
        Arrays.fill(delta, hr, hr + hidden, 0);
        int c = 0;
        for (; c + 4 <= classes; c += 4) {
            double e0 = errs[er + c];
            double e1 = errs[er + c + 1];
            double e2 = errs[er + c + 2];
            double e3 = errs[er + c + 3];
            int o0 = w2 + c * hidden;
            int o1 = o0 + hidden;
            int o2 = o1 + hidden;
            int o3 = o2 + hidden;
            for (int u = 0; u < hidden; u++) {
                double v = delta[hr + u];
                v += e0 * params[o0 + u];
                v += e1 * params[o1 + u];
                v += e2 * params[o2 + u];
                v += e3 * params[o3 + u];
                delta[hr + u] = v;
            }
        }
        for (; c < classes; c++) {
            double e = errs[er + c];
            int o = w2 + c * hidden;
            for (int u = 0; u < hidden; u++) {
                delta[hr + u] += e * params[o + u];
            }
        }
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
                for (int c = 0; c < classes; c++) {
                    double err = z[c] - (c == label ? 1 : 0);
                    errs[r * classes + c] = err;
                    sum[b2 + c] += err;
                }
            }
            outputWeightGradients(m, sum);
            for (int r = 0; r < m; r++) {
                backToHidden(r);
                int hr = r * hidden;
                for (int u = 0; u < hidden; u++) {
                    double d = act[hr + u] > 0 ? delta[hr + u] : 0;
                    delta[hr + u] = d;
                    sum[b1 + u] += d;
                }
            }
            for (int u = 0; u < hidden; u++) {
                int k = 0;
                for (int r = 0; r < m; r++) {
                    if (delta[r * hidden + u] != 0) {
                        picked[k++] = r;
                    }
                }
                int base = u * dims;
                int t = 0;
                for (; t + 4 <= k; t += 4) {
                    double d0 = delta[picked[t] * hidden + u];
                    double d1 = delta[picked[t + 1] * hidden + u];
                    double d2 = delta[picked[t + 2] * hidden + u];
                    double d3 = delta[picked[t + 3] * hidden + u];
                    double[] x0 = x[rows[start + picked[t]]];
                    double[] x1 = x[rows[start + picked[t + 1]]];
                    double[] x2 = x[rows[start + picked[t + 2]]];
                    double[] x3 = x[rows[start + picked[t + 3]]];
                    for (int j = 0; j < dims; j++) {
                        double v = sum[base + j];
                        v += d0 * x0[j];
                        v += d1 * x1[j];
                        v += d2 * x2[j];
                        v += d3 * x3[j];
                        sum[base + j] = v;
                    }
                }
                for (; t < k; t++) {
                    double d = delta[picked[t] * hidden + u];
                    double[] xi = x[rows[start + picked[t]]];
                    for (int j = 0; j < dims; j++) {
                        sum[base + j] += d * xi[j];
                    }
                }
            }
        }
    }

    @Override
    public void inputGradients(double[][] xs, int[] ys, int from, int to, double[][] gradients, double[] losses) {
        for (int start = from; start < to; start += BLOCK) {
            int m = Math.min(BLOCK, to - start);
            hiddenLayer(xs, null, start, m);
            for (int r = 0; r < m; r++) {
                probabilities(r);
                int label = ys[start + r];
                for (int c = 0; c < classes; c++) {
                    errs[r * classes + c] = z[c] - (c == label ? 1 : 0);
                }
                backToHidden(r);
                losses[start + r] = -Math.log(Math.max(1e-300, z[label]));
                Arrays.fill(gradients[start + r], 0);
            }
            // Rows of W1 in chunks that stay in the L1 cache while every row of the block uses them.
            int chunkRows = Math.max(4, L1_DOUBLES / dims);
            for (int u0 = 0; u0 < hidden; u0 += chunkRows) {
                int u1 = Math.min(hidden, u0 + chunkRows);
                for (int r = 0; r < m; r++) {
                    int hr = r * hidden;
                    int k = 0;
                    for (int u = u0; u < u1; u++) {
                        if (act[hr + u] > 0) {
                            picked[k++] = u;
                        }
                    }
                    double[] g = gradients[start + r];
                    int t = 0;
                    for (; t + 4 <= k; t += 4) {
                        double d0 = delta[hr + picked[t]];
                        double d1 = delta[hr + picked[t + 1]];
                        double d2 = delta[hr + picked[t + 2]];
                        double d3 = delta[hr + picked[t + 3]];
                        int o0 = picked[t] * dims;
                        int o1 = picked[t + 1] * dims;
                        int o2 = picked[t + 2] * dims;
                        int o3 = picked[t + 3] * dims;
                        for (int j = 0; j < dims; j++) {
                            double v = g[j];
                            v += d0 * params[o0 + j];
                            v += d1 * params[o1 + j];
                            v += d2 * params[o2 + j];
                            v += d3 * params[o3 + j];
                            g[j] = v;
                        }
                    }
                    for (; t < k; t++) {
                        double d = delta[hr + picked[t]];
                        int o = picked[t] * dims;
                        for (int j = 0; j < dims; j++) {
                            g[j] += d * params[o + j];
                        }
                    }
                }
            }
        }
    }
}
