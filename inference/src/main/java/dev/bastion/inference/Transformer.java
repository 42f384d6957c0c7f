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

    /** Buffers for the rows of one batch ({@link #MAX_BATCH} at most). Not thread-safe. */
    final class Scratch {
        final float[] x;      // (batch, dim) residual stream
        final float[] xb;     // (batch, dim) normed input
        final float[] q;      // (batch, q_dim)
        final float[] k;      // (batch, kv_dim)
        final float[] v;      // (batch, kv_dim)
        final float[] att;    // (batch, q_dim) attention output
        final float[] proj;   // (batch, dim)
        final float[] gate;   // (batch, hidden)
        final float[] up;     // (batch, hidden)
        final float[] lastNorm; // (logitRows, dim) final norm of the rows whose logits are wanted
        final float[] logits; // (logitRows, vocab), for steps that want logits of several rows; empty for one
        final int logitRows;
        final Sequence[] rowSequence = new Sequence[MAX_BATCH];
        final int[] rowPosition = new int[MAX_BATCH];
        final int[] rowToken = new int[MAX_BATCH];

        /**
         * @param logitRows the most rows of one step whose logits are wanted: one per call that can be in a step at
         *     once. A step wants at most one logits row per call, so this is the number of slots, not
         *     {@link #MAX_BATCH}: on a 128k-token vocabulary each row of logits is 0.5 MB.
         */
        Scratch(int logitRows) {
            if (logitRows < 1 || logitRows > MAX_BATCH) {
                throw new IllegalArgumentException("logit rows must be 1.." + MAX_BATCH + ", got " + logitRows);
            }
            this.logitRows = logitRows;
            ModelConfig c = config;
            x = new float[MAX_BATCH * c.dim()];
            xb = new float[MAX_BATCH * c.dim()];
            q = new float[MAX_BATCH * c.qDim()];
            k = new float[MAX_BATCH * c.kvDim()];
            v = new float[MAX_BATCH * c.kvDim()];
            att = new float[MAX_BATCH * c.qDim()];
            proj = new float[MAX_BATCH * c.dim()];
            gate = new float[MAX_BATCH * c.hiddenDim()];
            up = new float[MAX_BATCH * c.hiddenDim()];
            lastNorm = new float[logitRows * c.dim()];
            logits = new float[logitRows > 1 ? logitRows * c.vocabularySize() : 0];
        }
    }

    /** The cache of one sequence, and the scratch its own {@link #forward} calls use. Not thread-safe. */
    final class Sequence {
        final KvCache cache;
        private Scratch scratch; // allocated on the first forward: sequences driven by a Batcher never need it

        Sequence(int context, KvCacheType cacheType) {
            if (context > tableContext) {
                throw new IllegalArgumentException("context " + context + " exceeds the model's table " + tableContext);
            }
            cache = KvCache.of(config, context, cacheType);
        }

        private Scratch scratch() {
            if (scratch == null) {
                scratch = new Scratch(1);
            }
            return scratch;
        }
    }

    Sequence newSequence(int context) {
        return new Sequence(context, KvCacheType.F32);
    }

    Sequence newSequence(int context, KvCacheType cacheType) {
        return new Sequence(context, cacheType);
    }

    /** Scratch for {@link #step}s whose rows belong to at most {@code calls} forward calls at once. */
    Scratch newScratch(int calls) {
        return new Scratch(calls);
    }

    /**
     * Runs {@code tokens[from, from + n)} at the next positions of {@code s} and writes the logits of the last of
     * them into {@code logits} (vocab).
     */
    void forward(Sequence s, int[] tokens, int from, int n, float[] logits) {
        if (s.cache.length() + n > s.cache.capacity()) {
            throw new ContextOverflowException(s.cache.length() + n, s.cache.capacity());
        }
        Scratch scratch = s.scratch();
        int done = 0;
        int b = 0;
        while (done < n) {
            b = Math.min(MAX_BATCH, n - done);
            int start = s.cache.length();
            for (int i = 0; i < b; i++) {
                scratch.rowSequence[i] = s;
                scratch.rowPosition[i] = start + i;
                scratch.rowToken[i] = tokens[from + done + i];
            }
            rows(scratch, b, n == 1 ? 1 : 0);
            done += b;
        }
        ModelConfig c = config;
        VectorMath.rmsnorm(scratch.lastNorm, 0, scratch.x, (b - 1) * c.dim(), weights.outputNorm(), c.dim(),
                c.rmsEpsilon());
        weights.output().matvec(scratch.lastNorm, logits);
        java.util.Arrays.fill(scratch.rowSequence, null);
    }

    /**
     * One step over rows of several sequences: row {@code i} runs {@code tokens[i]} at the next free position of
     * {@code sequences[i]} (rows of the same sequence take consecutive positions, in order), every weight matrix is
     * applied to all rows at once, and each row attends only to its own sequence's cache. The logits of the rows
     * {@code wanted[0, m)} are written to {@code logits[0, m)}. This is what lets concurrent generations share the
     * reading of the weights ({@link Batcher}).
     *
     * <p>The first {@code single} rows are forward calls of one token (decoding): their products are computed as
     * {@link #forward} computes a one-token call ({@link WeightMatrix#matvecEach}), and the other rows as it
     * computes the rows of a longer call ({@link WeightMatrix#matmul}), so every row gets the same bits in a shared
     * step as in a call of its own, whatever else the step holds.
     *
     * @throws ContextOverflowException if a sequence has no room for its rows (nothing is run then)
     */
    void step(Scratch scratch, Sequence[] sequences, int[] tokens, int n, int single, int[] wanted, float[][] logits,
            int m) {
        if (n < 1 || n > MAX_BATCH || m < 0 || m > n || m > scratch.logitRows || single < 0 || single > n) {
            throw new IllegalArgumentException("a step runs 1.." + MAX_BATCH + " rows and wants at most as many "
                    + "logits, and at most the scratch's " + scratch.logitRows + ", got " + n + " rows and " + m
                    + " logits");
        }
        java.util.IdentityHashMap<Sequence, Integer> next = new java.util.IdentityHashMap<>();
        for (int i = 0; i < n; i++) {
            Sequence s = sequences[i];
            int pos = next.getOrDefault(s, s.cache.length());
            if (pos >= s.cache.capacity()) {
                throw new ContextOverflowException(pos + 1, s.cache.capacity());
            }
            next.put(s, pos + 1);
            scratch.rowSequence[i] = s;
            scratch.rowPosition[i] = pos;
            scratch.rowToken[i] = tokens[i];
        }
        rows(scratch, n, single);
        java.util.Arrays.fill(scratch.rowSequence, null);
        ModelConfig c = config;
        for (int j = 0; j < m; j++) {
            VectorMath.rmsnorm(scratch.lastNorm, j * c.dim(), scratch.x, wanted[j] * c.dim(), weights.outputNorm(),
                    c.dim(), c.rmsEpsilon());
        }
        if (m == 1) {
            weights.output().matvec(scratch.lastNorm, logits[0]);
        } else if (m > 1) { // as forward computes each call's last logits: one row at a time
            weights.output().matvecEach(scratch.lastNorm, m, scratch.logits);
            int vocab = c.vocabularySize();
            for (int j = 0; j < m; j++) {
                System.arraycopy(scratch.logits, j * vocab, logits[j], 0, vocab);
            }
        }
    }

    /**
     * The layers over the scratch's first {@code n} rows, the first {@code single} of them multiplied row by row
     * exactly as alone; then each row's sequence holds one more position.
     */
    private void rows(Scratch s, int n, int single) {
        ModelConfig c = config;
        int dim = c.dim();
        for (int i = 0; i < n; i++) {
            int token = s.rowToken[i];
            if (token < 0 || token >= c.vocabularySize()) {
                throw new IllegalArgumentException("token id " + token + " is outside the vocabulary of "
                        + c.vocabularySize());
            }
            weights.tokenEmbedding().dequantizeRow(token, s.x, i * dim);
        }
        for (int l = 0; l < c.layers(); l++) {
            Weights.Layer layer = weights.layers().get(l);
            for (int i = 0; i < n; i++) {
                VectorMath.rmsnorm(s.xb, i * dim, s.x, i * dim, layer.attnNorm(), dim, c.rmsEpsilon());
            }
            multiply(layer.wq(), s.xb, n, single, s.q);
            multiply(layer.wk(), s.xb, n, single, s.k);
            multiply(layer.wv(), s.xb, n, single, s.v);
            addBias(s.q, layer.bq(), n, c.qDim());
            addBias(s.k, layer.bk(), n, c.kvDim());
            addBias(s.v, layer.bv(), n, c.kvDim());
            headNorm(s.q, layer.qNorm(), n * c.heads());
            headNorm(s.k, layer.kNorm(), n * c.kvHeads());
            rotate(s.q, s.rowPosition, n, c.heads());
            rotate(s.k, s.rowPosition, n, c.kvHeads());
            int kvDim = c.kvDim();
            for (int i = 0; i < n; i++) {
                s.rowSequence[i].cache.write(l, s.rowPosition[i], s.k, i * kvDim, s.v, i * kvDim);
            }
            attention(s, l, n);
            multiply(layer.wo(), s.att, n, single, s.proj);
            VectorMath.add(s.x, s.proj, n * dim);
            for (int i = 0; i < n; i++) {
                VectorMath.rmsnorm(s.xb, i * dim, s.x, i * dim, layer.ffnNorm(), dim, c.rmsEpsilon());
            }
            multiply(layer.gate(), s.xb, n, single, s.gate);
            multiply(layer.up(), s.xb, n, single, s.up);
            VectorMath.swiglu(s.gate, s.up, 0, n * c.hiddenDim());
            multiply(layer.down(), s.gate, n, single, s.proj);
            VectorMath.add(s.x, s.proj, n * dim);
        }
        for (int i = 0; i < n; i++) {
            s.rowSequence[i].cache.advance(1);
        }
    }

    /** Rows {@code [0, single)} one by one as {@link WeightMatrix#matvec} would, the rest as a batch. */
    private static void multiply(WeightMatrix w, float[] in, int n, int single, float[] out) {
        if (single > 0) {
            w.matvecEach(in, single, out);
        }
        if (n > single) {
            w.matmul(in, single, n - single, out);
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

    private void rotate(float[] x, int[] positions, int n, int heads) {
        int hd = config.headDim();
        int half = config.ropeDim() / 2;
        for (int i = 0; i < n; i++) {
            int pos = positions[i];
            for (int h = 0; h < heads; h++) {
                VectorMath.rope(x, (i * heads + h) * hd, config.ropeDim(), config.ropeNeox(), cos, sin, pos * half);
            }
        }
    }

    /** Causal grouped-query attention of each row's queries over its own sequence's cache, into {@code s.att}. */
    private void attention(Scratch s, int layer, int n) {
        ModelConfig c = config;
        int hd = c.headDim();
        int group = c.heads() / c.kvHeads();
        float scale = (float) (1.0 / Math.sqrt(hd));
        int longest = 0;
        for (int i = 0; i < n; i++) {
            longest = Math.max(longest, s.rowPosition[i] + 1);
        }
        int span = longest;
        Parallel.forRange(n * c.heads(), (lo, hi) -> {
            float[] scores = new float[span];
            for (int item = lo; item < hi; item++) {
                int i = item / c.heads();
                int h = item % c.heads();
                int pos = s.rowPosition[i];
                KvCache cache = s.rowSequence[i].cache;
                int qOff = (i * c.heads() + h) * hd;
                int kvHead = h / group;
                for (int t = 0; t <= pos; t++) {
                    scores[t] = cache.dotKey(layer, t, kvHead, s.q, qOff) * scale;
                }
                VectorMath.softmax(scores, 0, pos + 1);
                java.util.Arrays.fill(s.att, qOff, qOff + hd, 0f);
                for (int t = 0; t <= pos; t++) {
                    cache.addValue(layer, t, kvHead, scores[t], s.att, qOff);
                }
            }
        });
    }
}
