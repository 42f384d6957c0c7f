package dev.bastion.inference;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The batched product behind {@link WeightMatrix#matmul}: a range of rows times {@code n} input vectors.
 *
 * <p>Rows are dequantised {@link #ROWS} at a time into a small float buffer, which stays in L1/L2 while it is
 * multiplied with a block of input vectors by a 4 x 4 register tile (four rows times four inputs: eight vector
 * loads feed sixteen fused multiply-adds). Input vectors are taken in blocks of about {@link #BLOCK_FLOATS}
 * floats so that one block stays in L2 while all rows of the range pass over it; each row is dequantised once per
 * input block.
 *
 * <p>This class is thread-safe; its only state is one row buffer per thread.
 */
final class MatmulTiles {

    /** Rows dequantised and multiplied together. */
    static final int ROWS = 4;
    private static final int VECS = 4;
    /*
     * 256 K floats (1 MB, half of this machine's 2 MB L2 per core): each row is dequantised once per block, and with
     * rows of 8192 (ffn_down) the former 96 K floats made blocks of 12 inputs, so a 512-token prompt dequantised
     * every row 43 times. With 32 inputs a block: -20% CPU for the 2048 x 8192 product of 512 inputs, Q4_K and
     * Q8_0 alike; rows of 2048 unchanged (PromptGroupsProbe, docs/inference-kernels.md, round eleven). The block
     * does not change the bits: every element is the same sum whichever inputs share its block.
     */
    private static final int BLOCK_FLOATS = 256 * 1024;
    private static final VectorSpecies<Float> F = VectorKernels.F;
    private static final ThreadLocal<float[]> ROW_BUFFER = ThreadLocal.withInitial(() -> new float[0]);

    private MatmulTiles() {
    }

    /** {@code out[v * rows + r]} for rows {@code [r0, r1)} and the inputs {@code [from, to)}. */
    static void run(WeightMatrix m, float[] x, int from, int to, float[] out, int r0, int r1) {
        int cols = m.cols();
        int rows = m.rows();
        if (m.scalar()) {
            for (int v = from; v < to; v++) {
                for (int r = r0; r < r1; r++) {
                    out[v * rows + r] = m.dot(r, x, v * cols);
                }
            }
            return;
        }
        float[] w = rowBuffer(ROWS * cols);
        int block = Math.max(VECS, BLOCK_FLOATS / cols / VECS * VECS);
        for (int v0 = from; v0 < to; v0 += block) {
            int v1 = Math.min(to, v0 + block);
            for (int r = r0; r < r1; r += ROWS) {
                int nr = Math.min(ROWS, r1 - r);
                for (int i = 0; i < nr; i++) {
                    m.dequantizeRow(r + i, w, i * cols);
                }
                tile(w, nr, cols, x, v0, v1, out, r, rows);
            }
        }
    }

    /**
     * This thread's buffer for dequantised rows, at least {@code n} floats: one per thread, not one per call (by
     * count, a 512-token prompt on a 1B model asked for about 320 MB of them, garbage that grew the heap;
     * docs/inference-kernels.md, round eight). A call uses it only while it runs and calls nothing that could use
     * it again.
     */
    private static float[] rowBuffer(int n) {
        float[] b = ROW_BUFFER.get();
        if (b.length < n) {
            b = new float[n];
            ROW_BUFFER.set(b);
        }
        return b;
    }

    /** Rows {@code w[0 .. nr)} (dequantised, {@code cols} each) times inputs {@code [v0, v1)}. */
    private static void tile(float[] w, int nr, int cols, float[] x, int v0, int v1, float[] out, int r, int rows) {
        int v = v0;
        if (nr == ROWS) {
            for (; v + VECS <= v1; v += VECS) {
                tile4x4(w, cols, x, v, out, r, rows);
            }
        }
        for (; v < v1; v++) {
            for (int i = 0; i < nr; i++) {
                out[v * rows + r + i] = dot(w, i * cols, x, v * cols, cols);
            }
        }
    }

    private static void tile4x4(float[] w, int cols, float[] x, int v, float[] out, int r, int rows) {
        int w0 = 0;
        int w1 = cols;
        int w2 = 2 * cols;
        int w3 = 3 * cols;
        int x0 = v * cols;
        int x1 = x0 + cols;
        int x2 = x1 + cols;
        int x3 = x2 + cols;
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int lanes = F.length();
        int k = 0;
        for (; k + lanes <= cols; k += lanes) {
            FloatVector b0 = FloatVector.fromArray(F, x, x0 + k);
            FloatVector b1 = FloatVector.fromArray(F, x, x1 + k);
            FloatVector b2 = FloatVector.fromArray(F, x, x2 + k);
            FloatVector b3 = FloatVector.fromArray(F, x, x3 + k);
            FloatVector c = FloatVector.fromArray(F, w, w0 + k);
            a00 = c.fma(b0, a00);
            a01 = c.fma(b1, a01);
            a02 = c.fma(b2, a02);
            a03 = c.fma(b3, a03);
            c = FloatVector.fromArray(F, w, w1 + k);
            a10 = c.fma(b0, a10);
            a11 = c.fma(b1, a11);
            a12 = c.fma(b2, a12);
            a13 = c.fma(b3, a13);
            c = FloatVector.fromArray(F, w, w2 + k);
            a20 = c.fma(b0, a20);
            a21 = c.fma(b1, a21);
            a22 = c.fma(b2, a22);
            a23 = c.fma(b3, a23);
            c = FloatVector.fromArray(F, w, w3 + k);
            a30 = c.fma(b0, a30);
            a31 = c.fma(b1, a31);
            a32 = c.fma(b2, a32);
            a33 = c.fma(b3, a33);
        }
        int o0 = v * rows + r;
        int o1 = o0 + rows;
        int o2 = o1 + rows;
        int o3 = o2 + rows;
        out[o0] = sum(a00) + tail(w, w0, x, x0, k, cols);
        out[o1] = sum(a01) + tail(w, w0, x, x1, k, cols);
        out[o2] = sum(a02) + tail(w, w0, x, x2, k, cols);
        out[o3] = sum(a03) + tail(w, w0, x, x3, k, cols);
        out[o0 + 1] = sum(a10) + tail(w, w1, x, x0, k, cols);
        out[o1 + 1] = sum(a11) + tail(w, w1, x, x1, k, cols);
        out[o2 + 1] = sum(a12) + tail(w, w1, x, x2, k, cols);
        out[o3 + 1] = sum(a13) + tail(w, w1, x, x3, k, cols);
        out[o0 + 2] = sum(a20) + tail(w, w2, x, x0, k, cols);
        out[o1 + 2] = sum(a21) + tail(w, w2, x, x1, k, cols);
        out[o2 + 2] = sum(a22) + tail(w, w2, x, x2, k, cols);
        out[o3 + 2] = sum(a23) + tail(w, w2, x, x3, k, cols);
        out[o0 + 3] = sum(a30) + tail(w, w3, x, x0, k, cols);
        out[o1 + 3] = sum(a31) + tail(w, w3, x, x1, k, cols);
        out[o2 + 3] = sum(a32) + tail(w, w3, x, x2, k, cols);
        out[o3 + 3] = sum(a33) + tail(w, w3, x, x3, k, cols);
    }

    private static float sum(FloatVector a) {
        return VectorKernels.sum(a); // fixed lane order, the same interpreted and compiled
    }

    static float tail(float[] w, int wo, float[] x, int xo, int k, int cols) {
        float s = 0f;
        for (int i = k; i < cols; i++) {
            s += w[wo + i] * x[xo + i];
        }
        return s;
    }

    static float dot(float[] w, int wo, float[] x, int xo, int cols) {
        FloatVector acc = FloatVector.zero(F);
        int lanes = F.length();
        int k = 0;
        for (; k + lanes <= cols; k += lanes) {
            acc = FloatVector.fromArray(F, w, wo + k).fma(FloatVector.fromArray(F, x, xo + k), acc);
        }
        return VectorKernels.sum(acc) + tail(w, wo, x, xo, k, cols);
    }
}
