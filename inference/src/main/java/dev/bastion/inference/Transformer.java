package dev.bastion.inference;

import java.util.Optional;

/**
 * The forward pass of a llama-family decoder (llama, mistral, qwen2, qwen3): token embedding, then per block
 * RMSNorm, grouped-query attention with RoPE and a causal key/value cache, RMSNorm and a SwiGLU feed-forward, then
 * the final norm and the output head.
 *
 * <p>Tokens run in batches: every weight matrix is applied to all tokens of a batch at once
 * ({@link WeightMatrix#matmul}), which is what makes prompt processing fast; generation is a batch of one. This
 * class is immutable and thread-safe; the mutable state of a sequence lives in its {@link Sequence}.
 */
final class Transformer {
    /** Tokens processed together during prompt processing (llama.cpp's ubatch is 512; this bounds scratch memory). */
    static final int MAX_BATCH = 64;

    final ModelConfig config;
    final Weights weights;
    private final float[] cos; // (context, rope_dim / 2)
    private final float[] sin; // (context, rope_dim / 2)
    private final int tableContext;

    Transformer(ModelConfig config, Weights weights, int context) {
        this.config = config;
        this.weights = weights;
        this.tableContext = context;
        int half = config.ropeDim() / 2;
        cos = new float[context * half];
        sin = new float[context * half];
        float[] factors = weights.ropeFactors().orElse(null);
        for (int i = 0; i < half; i++) {
            double freq = Math.pow(config.ropeBase(), -2.0 * i / config.ropeDim());
            if (factors != null) {
                freq /= factors[i];
            }
            for (int pos = 0; pos < context; pos++) {
                double theta = pos * config.ropeScale() * freq;
                cos[pos * half + i] = (float) Math.cos(theta);
                sin[pos * half + i] = (float) Math.sin(theta);
            }
        }
    }

    /** Scratch buffers and the cache of one sequence. Not thread-safe. */
    final class Sequence {
        final KvCache cache;
        final float[] x;      // (batch, dim) residual stream
        final float[] xb;     // (batch, dim) normed input
        final float[] q;      // (batch, q_dim)
        final float[] k;      // (batch, kv_dim)
        final float[] v;      // (batch, kv_dim)
        final float[] att;    // (batch, q_dim) attention output
        final float[] proj;   // (batch, dim)
        final float[] gate;   // (batch, hidden)
        final float[] up;     // (batch, hidden)
        final float[] lastNorm; // (dim)

        Sequence(int context) {
            if (context > tableContext) {
                throw new IllegalArgumentException("context " + context + " exceeds the model's table " + tableContext);
            }
            ModelConfig c = config;
            cache = new KvCache(c, context);
            x = new float[MAX_BATCH * c.dim()];
            xb = new float[MAX_BATCH * c.dim()];
            q = new float[MAX_BATCH * c.qDim()];
            k = new float[MAX_BATCH * c.kvDim()];
            v = new float[MAX_BATCH * c.kvDim()];
            att = new float[MAX_BATCH * c.qDim()];
            proj = new float[MAX_BATCH * c.dim()];
            gate = new float[MAX_BATCH * c.hiddenDim()];
            up = new float[MAX_BATCH * c.hiddenDim()];
            lastNorm = new float[c.dim()];
        }
    }

    Sequence newSequence(int context) {
        return new Sequence(context);
    }

    /**
     * Runs {@code tokens[from, from + n)} at the next positions of {@code s} and writes the logits of the last of
     * them into {@code logits} (vocab).
     */
    void forward(Sequence s, int[] tokens, int from, int n, float[] logits) {
        if (s.cache.length() + n > s.cache.capacity()) {
            throw new ContextOverflowException(s.cache.length() + n, s.cache.capacity());
        }
        int done = 0;
        while (done < n) {
            int b = Math.min(MAX_BATCH, n - done);
            batch(s, tokens, from + done, b);
            done += b;
        }
        ModelConfig c = config;
        int last = (n - 1) % MAX_BATCH; // the last token of the last batch
        VectorMath.rmsnorm(s.lastNorm, 0, s.x, last * c.dim(), weights.outputNorm(), c.dim(), c.rmsEpsilon());
        weights.output().matvec(s.lastNorm, logits);
    }

    private void batch(Sequence s, int[] tokens, int from, int n) {
        ModelConfig c = config;
        int dim = c.dim();
        for (int i = 0; i < n; i++) {
            int token = tokens[from + i];
            if (token < 0 || token >= c.vocabularySize()) {
                throw new IllegalArgumentException("token id " + token + " is outside the vocabulary of "
                        + c.vocabularySize());
            }
            weights.tokenEmbedding().dequantizeRow(token, s.x, i * dim);
        }
        int start = s.cache.length();
        for (int l = 0; l < c.layers(); l++) {
            Weights.Layer layer = weights.layers().get(l);
            for (int i = 0; i < n; i++) {
                VectorMath.rmsnorm(s.xb, i * dim, s.x, i * dim, layer.attnNorm(), dim, c.rmsEpsilon());
            }
            multiply(layer.wq(), s.xb, n, s.q);
            multiply(layer.wk(), s.xb, n, s.k);
            multiply(layer.wv(), s.xb, n, s.v);
            addBias(s.q, layer.bq(), n, c.qDim());
            addBias(s.k, layer.bk(), n, c.kvDim());
            addBias(s.v, layer.bv(), n, c.kvDim());
            headNorm(s.q, layer.qNorm(), n * c.heads());
            headNorm(s.k, layer.kNorm(), n * c.kvHeads());
            rotate(s.q, n, c.heads(), start);
            rotate(s.k, n, c.kvHeads(), start);
            int kvDim = c.kvDim();
            System.arraycopy(s.k, 0, s.cache.keys[l], start * kvDim, n * kvDim);
            System.arraycopy(s.v, 0, s.cache.values[l], start * kvDim, n * kvDim);
            attention(s, l, n, start);
            multiply(layer.wo(), s.att, n, s.proj);
            VectorMath.add(s.x, s.proj, n * dim);
            for (int i = 0; i < n; i++) {
                VectorMath.rmsnorm(s.xb, i * dim, s.x, i * dim, layer.ffnNorm(), dim, c.rmsEpsilon());
            }
            multiply(layer.gate(), s.xb, n, s.gate);
            multiply(layer.up(), s.xb, n, s.up);
            VectorMath.swiglu(s.gate, s.up, 0, n * c.hiddenDim());
            multiply(layer.down(), s.gate, n, s.proj);
            VectorMath.add(s.x, s.proj, n * dim);
        }
        s.cache.advance(n);
    }

    private static void multiply(WeightMatrix w, float[] in, int n, float[] out) {
        if (n == 1) {
            w.matvec(in, out);
        } else {
            w.matmul(in, n, out);
        }
    }

    private static void addBias(float[] x, Optional<float[]> bias, int n, int width) {
        if (bias.isEmpty()) {
            return;
        }
        float[] b = bias.get();
        for (int i = 0; i < n; i++) {
            VectorMath.axpy(1f, b, 0, x, i * width, width);
        }
    }

    /** Qwen3's per-head RMSNorm of queries and keys, before RoPE. */
    private void headNorm(float[] x, Optional<float[]> weight, int vectors) {
        if (weight.isEmpty()) {
            return;
        }
        int hd = config.headDim();
        for (int j = 0; j < vectors; j++) {
            VectorMath.rmsnorm(x, j * hd, x, j * hd, weight.get(), hd, config.rmsEpsilon());
        }
    }

    private void rotate(float[] x, int n, int heads, int start) {
        int hd = config.headDim();
        int half = config.ropeDim() / 2;
        for (int i = 0; i < n; i++) {
            int pos = start + i;
            for (int h = 0; h < heads; h++) {
                VectorMath.rope(x, (i * heads + h) * hd, config.ropeDim(), config.ropeNeox(), cos, sin, pos * half);
            }
        }
    }

    /** Causal grouped-query attention of the batch's queries over the cache, into {@code s.att}. */
    private void attention(Sequence s, int layer, int n, int start) {
        ModelConfig c = config;
        int hd = c.headDim();
        int kvDim = c.kvDim();
        int group = c.heads() / c.kvHeads();
        float scale = (float) (1.0 / Math.sqrt(hd));
        float[] keys = s.cache.keys[layer];
        float[] values = s.cache.values[layer];
        Parallel.forRange(n * c.heads(), (lo, hi) -> {
            float[] scores = new float[start + n];
            for (int item = lo; item < hi; item++) {
                int i = item / c.heads();
                int h = item % c.heads();
                int pos = start + i;
                int qOff = (i * c.heads() + h) * hd;
                int kvOff = (h / group) * hd;
                for (int t = 0; t <= pos; t++) {
                    scores[t] = VectorMath.dot(s.q, qOff, keys, t * kvDim + kvOff, hd) * scale;
                }
                VectorMath.softmax(scores, 0, pos + 1);
                java.util.Arrays.fill(s.att, qOff, qOff + hd, 0f);
                for (int t = 0; t <= pos; t++) {
                    VectorMath.axpy(scores[t], values, t * kvDim + kvOff, s.att, qOff, hd);
                }
            }
        });
    }
}
