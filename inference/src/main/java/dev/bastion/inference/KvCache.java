package dev.bastion.inference;

/**
 * The keys and values of every position seen so far, per layer, for one sequence, stored as the
 * {@link KvCacheType} says.
 *
 * <p>Sized once from the configured context; a prompt plus answer that would not fit is refused before it runs
 * ({@link ContextOverflowException}). Its memory is taken in pages of {@value #PAGE} positions, each at the first
 * write into it: a short conversation in a context of 4,096 holds a page or two per layer, not the whole context
 * (268 MB for a 1B model's F32 cache, all of it zeroed and resident from the start before round ten). Not thread-safe: one sequence at a time uses it, though the attention of one
 * step reads it from several threads after the step's writes.
 */
abstract sealed class KvCache permits KvCache.F32, KvCache.F16, KvCache.Q8 {

    static final int BLOCK = 32;
    /** Positions per page; a power of two. */
    static final int PAGE = 256;
    private static final int PAGE_SHIFT = 8;

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

    /** Bytes held when every position of the context is in use (pages are taken as positions are written). */
    abstract long bytes();

    /** Pages per layer. */
    final int pages() {
        return (capacity + PAGE - 1) >> PAGE_SHIFT;
    }

    /** Numbers per position ({@code per}) times the positions of page {@code p} (the last may be short). */
    final int pageLength(int p, int per) {
        return Math.min(PAGE, capacity - (p << PAGE_SHIFT)) * per;
    }

    static int page(int pos) {
        return pos >>> PAGE_SHIFT;
    }

    /** Index of position {@code pos}'s first number in its page, {@code per} numbers a position. */
    static int inPage(int pos, int per) {
        return (pos & (PAGE - 1)) * per;
    }

    static final class F32 extends KvCache {
        private final float[][][] keys;   // (layers)(pages)(PAGE, kv_dim), a page made at its first write
        private final float[][][] values; // (layers)(pages)(PAGE, kv_dim)

        F32(ModelConfig c, int capacity) {
            super(c, capacity);
            keys = new float[c.layers()][pages()][];
            values = new float[c.layers()][pages()][];
        }

        @Override
        void write(int l, int pos, float[] k, int kOff, float[] v, int vOff) {
            int p = page(pos);
            if (keys[l][p] == null) {
                keys[l][p] = new float[pageLength(p, kvDim)];
                values[l][p] = new float[pageLength(p, kvDim)];
            }
            System.arraycopy(k, kOff, keys[l][p], inPage(pos, kvDim), kvDim);
            System.arraycopy(v, vOff, values[l][p], inPage(pos, kvDim), kvDim);
        }

        @Override
        float dotKey(int l, int t, int h, float[] q, int qOff) {
            return VectorMath.dot(q, qOff, keys[l][page(t)], inPage(t, kvDim) + h * headDim, headDim);
        }

        @Override
        void addValue(int l, int t, int h, float w, float[] out, int outOff) {
            VectorMath.axpy(w, values[l][page(t)], inPage(t, kvDim) + h * headDim, out, outOff, headDim);
        }

        @Override
        long bytes() {
            return 2L * keys.length * capacity() * kvDim * Float.BYTES;
        }
    }

    static final class F16 extends KvCache {
        private final short[][][] keys;   // (layers)(pages)(PAGE, kv_dim)
        private final short[][][] values;

        F16(ModelConfig c, int capacity) {
            super(c, capacity);
            keys = new short[c.layers()][pages()][];
            values = new short[c.layers()][pages()][];
        }

        @Override
        void write(int l, int pos, float[] k, int kOff, float[] v, int vOff) {
            int p = page(pos);
            if (keys[l][p] == null) {
                keys[l][p] = new short[pageLength(p, kvDim)];
                values[l][p] = new short[pageLength(p, kvDim)];
            }
            short[] kp = keys[l][p];
            short[] vp = values[l][p];
            int at = inPage(pos, kvDim);
            for (int j = 0; j < kvDim; j++) {
                kp[at + j] = Float.floatToFloat16(k[kOff + j]);
                vp[at + j] = Float.floatToFloat16(v[vOff + j]);
            }
        }

        @Override
        float dotKey(int l, int t, int h, float[] q, int qOff) {
            short[] row = keys[l][page(t)];
            int at = inPage(t, kvDim) + h * headDim;
            float sum = 0f;
            for (int j = 0; j < headDim; j++) {
                sum += q[qOff + j] * Float.float16ToFloat(row[at + j]);
            }
            return sum;
        }

        @Override
        void addValue(int l, int t, int h, float w, float[] out, int outOff) {
            short[] row = values[l][page(t)];
            int at = inPage(t, kvDim) + h * headDim;
            for (int j = 0; j < headDim; j++) {
                out[outOff + j] += w * Float.float16ToFloat(row[at + j]);
            }
        }

        @Override
        long bytes() {
            return 2L * keys.length * capacity() * kvDim * Short.BYTES;
        }
    }

    /**
     * int8 in blocks of 32 along each position's row of kv_dim numbers, one float scale per block (llama.cpp's q8_0,
     * with a float scale): 0.28 of the float cache. A head narrower than 32 shares its block's scale with its
     * neighbours. Blocks of the head's width were tried on a model with 8-wide heads: they kept 4 of 6 greedy texts
     * against 3 of 6, at 0.375 of the memory (over the 0.3 aimed at), so they were not kept.
     */
    static final class Q8 extends KvCache {
        private final byte[][][] keys;          // (layers)(pages)(PAGE, kv_dim)
        private final byte[][][] values;
        private final float[][][] keyScales;   // (layers)(pages)(PAGE * kv_dim / BLOCK)
        private final float[][][] valueScales;

        Q8(ModelConfig c, int capacity) {
            super(c, capacity);
            if (kvDim % BLOCK != 0) {
                throw new IllegalArgumentException("a q8_0 key/value cache needs a key/value width that is a multiple "
                        + "of " + BLOCK + "; this model's is " + kvDim + " (use f16 or f32)");
            }
            keys = new byte[c.layers()][pages()][];
            values = new byte[c.layers()][pages()][];
            keyScales = new float[c.layers()][pages()][];
            valueScales = new float[c.layers()][pages()][];
        }

        @Override
        void write(int l, int pos, float[] k, int kOff, float[] v, int vOff) {
            int p = page(pos);
            if (keys[l][p] == null) {
                keys[l][p] = new byte[pageLength(p, kvDim)];
                values[l][p] = new byte[pageLength(p, kvDim)];
                keyScales[l][p] = new float[pageLength(p, kvDim / BLOCK)];
                valueScales[l][p] = new float[pageLength(p, kvDim / BLOCK)];
            }
            quantize(k, kOff, keys[l][p], keyScales[l][p], inPage(pos, kvDim));
            quantize(v, vOff, values[l][p], valueScales[l][p], inPage(pos, kvDim));
        }

        private void quantize(float[] x, int xOff, byte[] q, float[] scales, int at) {
            for (int b = 0; b < kvDim; b += BLOCK) {
                scales[(at + b) / BLOCK] = quantizeBlock(x, xOff + b, q, at + b);
            }
        }

        /**
         * One block of {@link #BLOCK} numbers from {@code x[from..]} to int8 in {@code q[at..]}; returns its scale.
         * ggml's reference q8_0 ({@code quantize_row_q8_0_ref}): d = amax / 127, each number times 1 / d rounded
         * to the nearest integer with halves away from zero (C's {@code roundf}; {@code Math.round} would take
         * -2.5 to -2), except that d stays a float where ggml stores it as f16 (more exact, 4 bytes a block
         * instead of 2: 0.28 of the float cache instead of 0.27).
         */
        static float quantizeBlock(float[] x, int from, byte[] q, int at) {
            float max = 0f;
            for (int j = 0; j < BLOCK; j++) {
                max = Math.max(max, Math.abs(x[from + j]));
            }
            float d = max / 127f;
            float inv = d == 0f ? 0f : 1f / d;
            for (int j = 0; j < BLOCK; j++) {
                float v = x[from + j] * inv;
                // floor(|v| + 0.5) in double is exact for every float |v|, so this is roundf
                q[at + j] = (byte) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
            }
            return d;
        }

        @Override
        float dotKey(int l, int t, int h, float[] q, int qOff) {
            byte[] row = keys[l][page(t)];
            float[] scales = keyScales[l][page(t)];
            int from = inPage(t, kvDim) + h * headDim;
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
            byte[] row = values[l][page(t)];
            float[] scales = valueScales[l][page(t)];
            int from = inPage(t, kvDim) + h * headDim;
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
            return 2L * keys.length * ((long) capacity() * kvDim + (long) capacity() * kvDim / BLOCK * Float.BYTES);
        }
    }
}
