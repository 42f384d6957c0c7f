package dev.bastion.inference;

/**
 * The keys and values of every position seen so far, per layer, for one sequence, stored as the
 * {@link KvCacheType} says.
 *
 * <p>Sized once from the configured context; a prompt plus answer that would not fit is refused before it runs
 * ({@link ContextOverflowException}). Not thread-safe: one sequence at a time uses it, though the attention of one
 * step reads it from several threads after the step's writes.
 */
abstract sealed class KvCache permits KvCache.F32, KvCache.F16, KvCache.Q8 {

    private static final int BLOCK = 32;

    final int kvDim;
    final int headDim;
    private final int capacity;
    private int length;

    private KvCache(ModelConfig c, int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("context size must be positive, was " + capacity);
        }
        if ((long) capacity * c.kvDim() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a context of " + capacity + " tokens needs a key/value cache larger "
                    + "than one Java array per layer; lower the context size");
        }
        this.capacity = capacity;
        this.kvDim = c.kvDim();
        this.headDim = c.headDim();
    }

    static KvCache of(ModelConfig c, int capacity, KvCacheType type) {
        return switch (type) {
            case F32 -> new F32(c, capacity);
            case F16 -> new F16(c, capacity);
            case Q8_0 -> new Q8(c, capacity);
        };
    }

    int capacity() {
        return capacity;
    }

    /** Positions stored. */
    int length() {
        return length;
    }

    /** Forgets everything from position {@code newLength} on (keeps a shared prefix). */
    void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate a cache of " + length + " positions to " + newLength);
        }
        length = newLength;
    }

    void advance(int n) {
        if (length + n > capacity) {
            throw new IllegalStateException("cache overflow: " + length + " + " + n + " > " + capacity);
        }
        length += n;
    }

    /** Stores the key {@code k[kOff, kOff + kvDim)} and value {@code v[vOff, ...)} of layer {@code l} at {@code pos}. */
    abstract void write(int l, int pos, float[] k, int kOff, float[] v, int vOff);

    /** The dot product of the query {@code q[qOff, qOff + headDim)} with the key of head {@code h} at {@code t}. */
    abstract float dotKey(int l, int t, int h, float[] q, int qOff);

    /** {@code out[outOff, outOff + headDim) += w * value of head h at t}. */
    abstract void addValue(int l, int t, int h, float w, float[] out, int outOff);

    /** Bytes held. */
    abstract long bytes();

    static final class F32 extends KvCache {
        final float[][] keys;   // (layers)(capacity, kv_dim)
        final float[][] values; // (layers)(capacity, kv_dim)

        F32(ModelConfig c, int capacity) {
            super(c, capacity);
            keys = new float[c.layers()][capacity * kvDim];
            values = new float[c.layers()][capacity * kvDim];
        }

        @Override
        void write(int l, int pos, float[] k, int kOff, float[] v, int vOff) {
            System.arraycopy(k, kOff, keys[l], pos * kvDim, kvDim);
            System.arraycopy(v, vOff, values[l], pos * kvDim, kvDim);
        }

        @Override
        float dotKey(int l, int t, int h, float[] q, int qOff) {
            return VectorMath.dot(q, qOff, keys[l], t * kvDim + h * headDim, headDim);
        }

        @Override
        void addValue(int l, int t, int h, float w, float[] out, int outOff) {
            VectorMath.axpy(w, values[l], t * kvDim + h * headDim, out, outOff, headDim);
        }

        @Override
        long bytes() {
            return 2L * keys.length * keys[0].length * Float.BYTES;
        }
    }

    static final class F16 extends KvCache {
        private final short[][] keys;
        private final short[][] values;

        F16(ModelConfig c, int capacity) {
            super(c, capacity);
            keys = new short[c.layers()][capacity * kvDim];
            values = new short[c.layers()][capacity * kvDim];
        }

        @Override
        void write(int l, int pos, float[] k, int kOff, float[] v, int vOff) {
            int at = pos * kvDim;
            for (int j = 0; j < kvDim; j++) {
                keys[l][at + j] = Float.floatToFloat16(k[kOff + j]);
                values[l][at + j] = Float.floatToFloat16(v[vOff + j]);
            }
        }

        @Override
        float dotKey(int l, int t, int h, float[] q, int qOff) {
            short[] row = keys[l];
            int at = t * kvDim + h * headDim;
            float sum = 0f;
            for (int j = 0; j < headDim; j++) {
                sum += q[qOff + j] * Float.float16ToFloat(row[at + j]);
            }
            return sum;
        }

        @Override
        void addValue(int l, int t, int h, float w, float[] out, int outOff) {
            short[] row = values[l];
            int at = t * kvDim + h * headDim;
            for (int j = 0; j < headDim; j++) {
                out[outOff + j] += w * Float.float16ToFloat(row[at + j]);
            }
        }

        @Override
        long bytes() {
            return 2L * keys.length * keys[0].length * Short.BYTES;
        }
    }

    /**
     * int8 in blocks of 32 along each position's row of kv_dim numbers, one float scale per block (llama.cpp's q8_0,
     * with a float scale): 0.28 of the float cache. A head narrower than 32 shares its block's scale with its
     * neighbours. Blocks of the head's width were tried on a model with 8-wide heads: they kept 4 of 6 greedy texts
     * against 3 of 6, at 0.375 of the memory (over the 0.3 aimed at), so they were not kept.
     */
    static final class Q8 extends KvCache {
        private final byte[][] keys;
        private final byte[][] values;
        private final float[][] keyScales;   // (layers)(capacity * kv_dim / BLOCK)
        private final float[][] valueScales;

        Q8(ModelConfig c, int capacity) {
            super(c, capacity);
            if (kvDim % BLOCK != 0) {
                throw new IllegalArgumentException("a q8_0 key/value cache needs a key/value width that is a multiple "
                        + "of " + BLOCK + "; this model's is " + kvDim + " (use f16 or f32)");
            }
            keys = new byte[c.layers()][capacity * kvDim];
            values = new byte[c.layers()][capacity * kvDim];
            keyScales = new float[c.layers()][capacity * kvDim / BLOCK];
            valueScales = new float[c.layers()][capacity * kvDim / BLOCK];
        }

        @Override
        void write(int l, int pos, float[] k, int kOff, float[] v, int vOff) {
            quantize(k, kOff, keys[l], keyScales[l], pos * kvDim);
            quantize(v, vOff, values[l], valueScales[l], pos * kvDim);
        }

        private void quantize(float[] x, int xOff, byte[] q, float[] scales, int at) {
            for (int b = 0; b < kvDim; b += BLOCK) {
                float max = 0f;
                for (int j = 0; j < BLOCK; j++) {
                    max = Math.max(max, Math.abs(x[xOff + b + j]));
                }
                float d = max / 127f;
                float inv = d == 0f ? 0f : 1f / d;
                for (int j = 0; j < BLOCK; j++) {
                    q[at + b + j] = (byte) Math.round(x[xOff + b + j] * inv);
                }
                scales[(at + b) / BLOCK] = d;
            }
        }

        @Override
        float dotKey(int l, int t, int h, float[] q, int qOff) {
            byte[] row = keys[l];
            float[] scales = keyScales[l];
            int from = t * kvDim + h * headDim;
            int to = from + headDim;
            float sum = 0f;
            for (int i = from; i < to; ) {
                int end = Math.min(to, (i / BLOCK + 1) * BLOCK); // the rest of this block within the head
                float partial = 0f;
                for (int j = i; j < end; j++) {
                    partial += q[qOff + j - from] * row[j];
                }
                sum += partial * scales[i / BLOCK];
                i = end;
            }
            return sum;
        }

        @Override
        void addValue(int l, int t, int h, float w, float[] out, int outOff) {
            byte[] row = values[l];
            float[] scales = valueScales[l];
            int from = t * kvDim + h * headDim;
            int to = from + headDim;
            for (int i = from; i < to; ) {
                int end = Math.min(to, (i / BLOCK + 1) * BLOCK);
                float f = w * scales[i / BLOCK];
                for (int j = i; j < end; j++) {
                    out[outOff + j - from] += f * row[j];
                }
                i = end;
            }
        }

        @Override
        long bytes() {
            return 2L * keys.length * ((long) keys[0].length + (long) keyScales[0].length * Float.BYTES);
        }
    }
}
