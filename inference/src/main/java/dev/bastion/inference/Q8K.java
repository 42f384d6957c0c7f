package dev.bastion.inference;

/**
 * Activations rounded to int8 in blocks of 256, the operand of the K-quant kernels with int8 activations
 * ({@link KQuantInt8}): {@code x[i] ~ d[i / 256] * q[i]}, {@code q} in [-127, 127], rounded as llama.cpp's
 * {@code quantize_row_q8_K} rounds them (the scale is the value of largest magnitude over -127, ties to even).
 *
 * <p>The int8 values are kept widened to shorts, the lane type the kernels multiply in, so that a kernel loads
 * them without a conversion; {@code sums} holds the sum of {@code q} over each 32 values, which the Q4_K and Q5_K
 * kernels need for their sub-block minimums. Rounding moves each {@code x[i]} by at most
 * {@code max|x_block(i)| / 254}.
 *
 * <p>Blocks of 256 and llama.cpp's rounding, not blocks of 32 (tried: less rounding error) because the
 * differential test against llama.cpp agreed better this way: with blocks of 32 greedy decoding of the small
 * random-weight qwen2 Q4_K_M model parted from llama.cpp's early on most prompts, since the two engines' rounding
 * errors were then independent.
 *
 * @param q the int8 values, widened to shorts; a whole number of blocks of 256
 * @param d one scale per block of 256
 * @param sums the sum of {@code q} over each 32 consecutive values
 */
record Q8K(short[] q, float[] d, int[] sums) {

    Q8K {
        if (q.length != 256 * d.length || sums.length != 8 * d.length) {
            throw new IllegalArgumentException(q.length + " int8 activations and " + sums.length
                    + " sums do not make " + d.length + " blocks of 256");
        }
    }

    /**
     * The first {@code n} values of {@code x} rounded to the nearest step of their block, in new arrays.
     *
     * @throws IllegalArgumentException if {@code n} is not a multiple of 256 or exceeds {@code x.length}
     */
    static Q8K of(float[] x, int n) {
        return allocate(n).quantize(x);
    }

    /**
     * Zeroed buffers for {@code n} activations, to be filled by {@link #quantize}.
     *
     * @throws IllegalArgumentException if {@code n} is not a positive multiple of 256
     */
    static Q8K allocate(int n) {
        if (n <= 0 || n % 256 != 0) {
            throw new IllegalArgumentException("cannot hold " + n + " activations in blocks of 256");
        }
        return new Q8K(new short[n], new float[n / 256], new int[n / 32]);
    }

    /**
     * Rounds the first {@code q.length} values of {@code x} into this record's arrays, replacing what they held,
     * and returns this record. The arrays are the caller's to keep from other threads while they are written.
     *
     * @throws IllegalArgumentException if {@code x} is shorter than {@code q.length}
     */
    Q8K quantize(float[] x) {
        int n = q.length;
        if (n > x.length) {
            throw new IllegalArgumentException("cannot quantise " + n + " of " + x.length + " activations");
        }
        for (int b = 0; b < d.length; b++) {
            float max = 0f; // the value of largest magnitude, with its sign
            for (int i = 256 * b; i < 256 * (b + 1); i++) {
                if (Math.abs(x[i]) > Math.abs(max)) {
                    max = x[i];
                }
            }
            float iscale = max == 0f ? 0f : -127f / max;
            d[b] = max == 0f ? 0f : 1f / iscale;
            for (int s = 8 * b; s < 8 * (b + 1); s++) {
                int sum = 0;
                for (int i = 32 * s; i < 32 * (s + 1); i++) {
                    int v = Math.min(127, (int) Math.rint(iscale * x[i]));
                    q[i] = (short) v;
                    sum += v;
                }
                sums[s] = sum;
            }
        }
        return this;
    }
}
