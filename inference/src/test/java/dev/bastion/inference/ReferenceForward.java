package dev.bastion.inference;

/**
 * A deliberately naive forward pass, written from the architectures' definitions without the engine's batching,
 * buffers or kernels: every matrix dequantised row by row into floats, plain loops, the whole sequence recomputed
 * for the last position. Slow, and only for tiny test models; it exists to check {@link Transformer}.
 */
final class ReferenceForward {
    private final ModelConfig c;
    private final GgufFile file;

    ReferenceForward(GgufFile file) throws GgufFormatException {
        this.file = file;
        this.c = ModelConfig.from(file);
    }

    /** Logits after the last of {@code tokens}. */
    float[] logits(int[] tokens) throws GgufFormatException {
        int n = tokens.length;
        int hd = c.headDim();
        float[][] x = new float[n][];
        float[][] emb = matrix("token_embd.weight");
        for (int i = 0; i < n; i++) {
            x[i] = emb[tokens[i]].clone();
        }
        for (int l = 0; l < c.layers(); l++) {
            String p = "blk." + l + ".";
            float[][] q = new float[n][];
            float[][] k = new float[n][];
            float[][] v = new float[n][];
            for (int i = 0; i < n; i++) {
                float[] h = rmsnorm(x[i], vector(p + "attn_norm.weight"));
                q[i] = add(mul(matrix(p + "attn_q.weight"), h), optional(p + "attn_q.bias"));
                k[i] = add(mul(matrix(p + "attn_k.weight"), h), optional(p + "attn_k.bias"));
                v[i] = add(mul(matrix(p + "attn_v.weight"), h), optional(p + "attn_v.bias"));
                perHeadNorm(q[i], optional(p + "attn_q_norm.weight"));
                perHeadNorm(k[i], optional(p + "attn_k_norm.weight"));
                rope(q[i], i);
                rope(k[i], i);
            }
            for (int i = 0; i < n; i++) {
                float[] out = new float[c.qDim()];
                for (int h = 0; h < c.heads(); h++) {
                    int kvh = h / (c.heads() / c.kvHeads());
                    double[] w = new double[i + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int t = 0; t <= i; t++) {
                        double s = 0;
                        for (int d = 0; d < hd; d++) {
                            s += q[i][h * hd + d] * k[t][kvh * hd + d];
                        }
                        w[t] = s / Math.sqrt(hd);
                        max = Math.max(max, w[t]);
                    }
                    double sum = 0;
                    for (int t = 0; t <= i; t++) {
                        w[t] = Math.exp(w[t] - max);
                        sum += w[t];
                    }
                    for (int t = 0; t <= i; t++) {
                        for (int d = 0; d < hd; d++) {
                            out[h * hd + d] += (float) (w[t] / sum) * v[t][kvh * hd + d];
                        }
                    }
                }
                x[i] = add(x[i], mul(matrix(p + "attn_output.weight"), out));
                float[] h = rmsnorm(x[i], vector(p + "ffn_norm.weight"));
                float[] g = mul(matrix(p + "ffn_gate.weight"), h);
                float[] u = mul(matrix(p + "ffn_up.weight"), h);
                for (int j = 0; j < g.length; j++) {
                    g[j] = (float) (g[j] / (1 + Math.exp(-g[j])) * u[j]);
                }
                x[i] = add(x[i], mul(matrix(p + "ffn_down.weight"), g));
            }
        }
        float[] last = rmsnorm(x[n - 1], vector("output_norm.weight"));
        float[][] head = file.tensor("output.weight").isPresent() ? matrix("output.weight") : emb;
        return mul(head, last);
    }

    private void rope(float[] v, int pos) {
        int hd = c.headDim();
        for (int h = 0; h < v.length / hd; h++) {
            for (int i = 0; i < c.ropeDim() / 2; i++) {
                double theta = pos * Math.pow(c.ropeBase(), -2.0 * i / c.ropeDim());
                int a = h * hd + (c.ropeNeox() ? i : 2 * i);
                int b = h * hd + (c.ropeNeox() ? i + c.ropeDim() / 2 : 2 * i + 1);
                double x0 = v[a];
                double x1 = v[b];
                v[a] = (float) (x0 * Math.cos(theta) - x1 * Math.sin(theta));
                v[b] = (float) (x0 * Math.sin(theta) + x1 * Math.cos(theta));
            }
        }
    }

    private void perHeadNorm(float[] v, float[] weight) {
        if (weight == null) {
            return;
        }
        int hd = c.headDim();
        for (int h = 0; h < v.length / hd; h++) {
            float[] head = java.util.Arrays.copyOfRange(v, h * hd, (h + 1) * hd);
            System.arraycopy(rmsnorm(head, weight), 0, v, h * hd, hd);
        }
    }

    private float[] rmsnorm(float[] x, float[] w) {
        double ss = 0;
        for (float f : x) {
            ss += f * f;
        }
        double scale = 1 / Math.sqrt(ss / x.length + c.rmsEpsilon());
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (x[i] * scale * w[i]);
        }
        return out;
    }

    private static float[] mul(float[][] m, float[] x) {
        float[] out = new float[m.length];
        for (int r = 0; r < m.length; r++) {
            double s = 0;
            for (int j = 0; j < x.length; j++) {
                s += m[r][j] * x[j];
            }
            out[r] = (float) s;
        }
        return out;
    }

    private static float[] add(float[] a, float[] b) {
        if (b == null) {
            return a;
        }
        float[] out = a.clone();
        for (int i = 0; i < a.length; i++) {
            out[i] += b[i];
        }
        return out;
    }

    private final java.util.Map<String, float[][]> cache = new java.util.HashMap<>();

    private float[][] matrix(String name) throws GgufFormatException {
        float[][] m = cache.get(name);
        if (m != null) {
            return m;
        }
        GgufTensor t = file.tensor(name).orElseThrow(() -> new GgufFormatException(name));
        m = new float[t.rows()][t.cols()];
        for (int r = 0; r < t.rows(); r++) {
            ScalarKernels.dequantize(t.type(), file.data(t), (long) r * t.type().byteSize(t.cols()), m[r], 0, t.cols());
        }
        cache.put(name, m);
        return m;
    }

    private float[] vector(String name) throws GgufFormatException {
        return matrix(name)[0];
    }

    private float[] optional(String name) throws GgufFormatException {
        return file.tensor(name).isPresent() ? vector(name) : null;
    }
}
