package dev.bastion.inference;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The prompt's batched product for every weight type ({@link WeightMatrix#matmul}; Q8_0 and Q4_0 since round
 * eleven, the K-quants and float types since round twelve) with the inputs in the
 * vector lanes: up to 64 inputs are transposed once per call into {@code xt[k][input]} (16 inputs per vector, the
 * last vector padded with zeros), and each weight element, dequantised to a float, is broadcast and multiplied
 * into the 16 to 64 inputs at once. Every output element is therefore one fused multiply-add chain over the
 * columns in order, {@code s = fma(w[k], x[k], s)} from {@code s = +0}: its bits do not depend on how many inputs
 * the call has, which of them it is, or how the work is cut into tiles, chunks and threads (so a prompt's rows
 * get the same bits alone or batched beside other sequences), and {@link #dotScalar} is its scalar twin.
 *
 * <p>Why not {@link MatmulTiles} (a 4 x 4 tile of inner products, still used without 512-bit vectors): there each
 * tile streams four dequantised rows and four whole inputs from L2 at every step (eight 64-byte loads, most of
 * them split across two cache lines, per sixteen FMAs), and the tile ran at about 30% of this core's FMA peak.
 * Here a panel of rows is dequantised once (at most {@link #PANEL_FLOATS} floats, in L2; K-quant groups of four
 * rows at once, {@link KQuantPanels}), the columns are taken
 * in chunks of {@link #CHUNK} so that the transposed inputs' chunk (at most 32 KB) stays in L1 while every row of
 * the panel passes over it, and each step of the register tile (4 rows x 64 inputs, or 8 rows x 32 or 16) loads
 * one 4-byte weight per row and one vector per 16 inputs. The accumulators are kept in a per-thread array between
 * chunks (exactly: loads and stores do not round). Measurements: docs/inference-kernels.md, "Prompt processing with
 * the inputs in the vector lanes, round eleven".
 *
 * <p>This class is thread-safe; its only state is per-thread scratch arrays.
 */
final class MatmulInputLanes {

    /** Inputs per call of the kernels (four vectors of 16 lanes); more are taken 64 at a time. */
    static final int INPUTS = 64;
    /** Columns per chunk: 128 columns of 64 transposed inputs are 32 KB, inside the 48 KB L1 data cache. */
    static final int CHUNK = 128;
    /** Dequantised floats per panel of rows (512 KB: 64 rows of 2048, 16 of 8192), kept in L2. */
    static final int PANEL_FLOATS = 128 * 1024;
    /** Whether the kernels can run: 16 float lanes (512-bit vectors). */
    static final boolean AVAILABLE = VectorKernels.F.length() == 16;
    private static final VectorSpecies<Float> F = VectorKernels.F;
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[3][0]);

    private MatmulInputLanes() {
    }

    /**
     * {@code out[v * rows + r] = sum_k W[r][k] * x[v * cols + k]} (as one FMA chain over k in order) for the
     * inputs {@code [from, to)}, split over {@link Parallel}: the inputs are transposed on the calling thread, 64 at
     * a time, and the panels of rows go to the pool.
     */
    static void matmul(WeightMatrix m, float[] x, int from, int to, float[] out) {
        int cols = m.cols();
        int rows = m.rows();
        int panel = panelRows(cols);
        for (int v0 = from; v0 < to; v0 += INPUTS) {
            int n = Math.min(INPUTS, to - v0);
            int first = v0;
            float[] xt = transpose(x, v0, n, cols);
            Parallel.forRange((rows + panel - 1) / panel, (start, end) -> run(m, xt, first, n, out, start * panel,
                    Math.min(rows, end * panel)));
        }
    }

    /**
     * Rows {@code [r0, r1)} times the {@code n} inputs transposed in {@code xt} ({@link #transpose}), which are
     * inputs {@code v0 .. v0 + n - 1} of the call: {@code out[(v0 + v) * rows + r]}.
     */
    static void run(WeightMatrix m, float[] xt, int v0, int n, float[] out, int r0, int r1) {
        int cols = m.cols();
        int rows = m.rows();
        int groups = (n + 15) / 16;
        int panel = panelRows(cols);
        float[][] scratch = SCRATCH.get();
        float[] w = buffer(scratch, 0, panel * cols);
        float[] s = buffer(scratch, 1, panel * INPUTS);
        for (int p0 = r0; p0 < r1; p0 += panel) {
            int pn = Math.min(panel, r1 - p0);
            m.dequantizeRows(p0, pn, w, 0); // K-quant groups of four at once: round twelve
            java.util.Arrays.fill(s, 0, pn * 16 * groups, 0f);
            for (int k0 = 0; k0 < cols; k0 += CHUNK) {
                kernel(w, pn, cols, xt, groups, s, k0, Math.min(cols, k0 + CHUNK));
            }
            // input by input, so that the writes to out run along its rows (row by row they were n writes a
            // row apart, often a multiple of 4 KB, and took 5-6% of a prompt's samples; round twelve)
            int width = 16 * groups;
            for (int v = 0; v < n; v++) {
                int oo = (v0 + v) * rows + p0;
                for (int i = 0, si = v; i < pn; i++, si += width) {
                    out[oo + i] = s[si];
                }
            }
        }
    }

    /** Rows per panel at {@code cols} columns: a multiple of 8, at least 8. */
    static int panelRows(int cols) {
        return Math.max(8, PANEL_FLOATS / cols / 8 * 8);
    }

    /**
     * The inputs {@code v0 .. v0 + n - 1} ({@code n <= 64}) transposed into the calling thread's buffer, valid until
     * its next call: {@code xt[k * 16 * groups + v] = x[(v0 + v) * cols + k]}, zero for {@code n <= v < 16 * groups}
     * (the pool's workers only read it, and {@link #matmul} returns when they are done).
     */
    static float[] transpose(float[] x, int v0, int n, int cols) {
        int groups = (n + 15) / 16;
        int width = 16 * groups;
        float[][] scratch = SCRATCH.get();
        float[] xt = buffer(scratch, 2, INPUTS * cols);
        java.util.Arrays.fill(xt, 0, width * cols, 0f);
        for (int v = 0; v < n; v++) {
            int xo = (v0 + v) * cols;
            for (int k = 0, t = v; k < cols; k++, t += width) {
                xt[t] = x[xo + k];
            }
        }
        return xt;
    }

    /**
     * Columns {@code [k0, k1)} of the panel's {@code pn} rows (dequantised at {@code w[i * cols]}) times the
     * {@code 16 * groups} transposed inputs, added to the accumulators {@code s[(i * groups + g) * 16 + lane]}.
     */
    private static void kernel(float[] w, int pn, int cols, float[] xt, int groups, float[] s, int k0, int k1) {
        int step = groups <= 2 ? 8 : 4;
        int i = 0;
        for (; i + step <= pn; i += step) {
            int so = i * 16 * groups;
            switch (groups) {
                case 1 -> rows8x1(w, i * cols, cols, xt, s, so, k0, k1);
                case 2 -> rows8x2(w, i * cols, cols, xt, s, so, k0, k1);
                case 3 -> rows4x3(w, i * cols, cols, xt, s, so, k0, k1);
                default -> rows4x4(w, i * cols, cols, xt, s, so, k0, k1);
            }
        }
        for (; i < pn; i++) {
            int so = i * 16 * groups;
            switch (groups) {
                case 1 -> rows1x1(w, i * cols, cols, xt, s, so, k0, k1);
                case 2 -> rows1x2(w, i * cols, cols, xt, s, so, k0, k1);
                case 3 -> rows1x3(w, i * cols, cols, xt, s, so, k0, k1);
                default -> rows1x4(w, i * cols, cols, xt, s, so, k0, k1);
            }
        }
    }

    /** The scalar twin of one output element: the same FMA chain, one element at a time. */
    static float dotScalar(float[] w, int wo, float[] x, int xo, int cols) {
        float s = 0f;
        for (int k = 0; k < cols; k++) {
            s = Math.fma(w[wo + k], x[xo + k], s);
        }
        return s;
    }

    private static float[] buffer(float[][] scratch, int i, int n) {
        if (scratch[i].length < n) {
            scratch[i] = new float[n];
        }
        return scratch[i];
    }

    /*
     * The kernels below are written out (generated, one per shape): C2 keeps every accumulator in a register only
     * if each is a local of its own. rowsRxG: R rows (8 or 4, and 1 for the rows past the last whole step) times G
     * vectors of 16 inputs; per column, G vector loads of the transposed inputs, R broadcasts of one weight each,
     * R * G FMAs.
     */

    /** Rows {@code w[wo + i * cols ..]}, i < 8, times 16 inputs: see {@link #kernel}. */
    private static void rows8x1(float[] w, int wo, int cols, float[] xt, float[] s, int so, int k0, int k1) {
        int w0 = wo + 0 * cols;
        int w1 = wo + 1 * cols;
        int w2 = wo + 2 * cols;
        int w3 = wo + 3 * cols;
        int w4 = wo + 4 * cols;
        int w5 = wo + 5 * cols;
        int w6 = wo + 6 * cols;
        int w7 = wo + 7 * cols;
        FloatVector a00 = FloatVector.fromArray(F, s, so + 0);
        FloatVector a10 = FloatVector.fromArray(F, s, so + 16);
        FloatVector a20 = FloatVector.fromArray(F, s, so + 32);
        FloatVector a30 = FloatVector.fromArray(F, s, so + 48);
        FloatVector a40 = FloatVector.fromArray(F, s, so + 64);
        FloatVector a50 = FloatVector.fromArray(F, s, so + 80);
        FloatVector a60 = FloatVector.fromArray(F, s, so + 96);
        FloatVector a70 = FloatVector.fromArray(F, s, so + 112);
        for (int k = k0, xo = 16 * k0; k < k1; k++, xo += 16) {
            FloatVector b0 = FloatVector.fromArray(F, xt, xo);
            FloatVector c = FloatVector.broadcast(F, w[w0 + k]);
            a00 = c.fma(b0, a00);
            c = FloatVector.broadcast(F, w[w1 + k]);
            a10 = c.fma(b0, a10);
            c = FloatVector.broadcast(F, w[w2 + k]);
            a20 = c.fma(b0, a20);
            c = FloatVector.broadcast(F, w[w3 + k]);
            a30 = c.fma(b0, a30);
            c = FloatVector.broadcast(F, w[w4 + k]);
            a40 = c.fma(b0, a40);
            c = FloatVector.broadcast(F, w[w5 + k]);
            a50 = c.fma(b0, a50);
            c = FloatVector.broadcast(F, w[w6 + k]);
            a60 = c.fma(b0, a60);
            c = FloatVector.broadcast(F, w[w7 + k]);
            a70 = c.fma(b0, a70);
        }
        a00.intoArray(s, so + 0);
        a10.intoArray(s, so + 16);
        a20.intoArray(s, so + 32);
        a30.intoArray(s, so + 48);
        a40.intoArray(s, so + 64);
        a50.intoArray(s, so + 80);
        a60.intoArray(s, so + 96);
        a70.intoArray(s, so + 112);
    }

    /** Rows {@code w[wo + i * cols ..]}, i < 1, times 16 inputs: see {@link #kernel}. */
    private static void rows1x1(float[] w, int wo, int cols, float[] xt, float[] s, int so, int k0, int k1) {
        int w0 = wo + 0 * cols;
        FloatVector a00 = FloatVector.fromArray(F, s, so + 0);
        for (int k = k0, xo = 16 * k0; k < k1; k++, xo += 16) {
            FloatVector b0 = FloatVector.fromArray(F, xt, xo);
            FloatVector c = FloatVector.broadcast(F, w[w0 + k]);
            a00 = c.fma(b0, a00);
        }
        a00.intoArray(s, so + 0);
    }

    /** Rows {@code w[wo + i * cols ..]}, i < 8, times 32 inputs: see {@link #kernel}. */
    private static void rows8x2(float[] w, int wo, int cols, float[] xt, float[] s, int so, int k0, int k1) {
        int w0 = wo + 0 * cols;
        int w1 = wo + 1 * cols;
        int w2 = wo + 2 * cols;
        int w3 = wo + 3 * cols;
        int w4 = wo + 4 * cols;
        int w5 = wo + 5 * cols;
        int w6 = wo + 6 * cols;
        int w7 = wo + 7 * cols;
        FloatVector a00 = FloatVector.fromArray(F, s, so + 0);
        FloatVector a01 = FloatVector.fromArray(F, s, so + 16);
        FloatVector a10 = FloatVector.fromArray(F, s, so + 32);
        FloatVector a11 = FloatVector.fromArray(F, s, so + 48);
        FloatVector a20 = FloatVector.fromArray(F, s, so + 64);
        FloatVector a21 = FloatVector.fromArray(F, s, so + 80);
        FloatVector a30 = FloatVector.fromArray(F, s, so + 96);
        FloatVector a31 = FloatVector.fromArray(F, s, so + 112);
        FloatVector a40 = FloatVector.fromArray(F, s, so + 128);
        FloatVector a41 = FloatVector.fromArray(F, s, so + 144);
        FloatVector a50 = FloatVector.fromArray(F, s, so + 160);
        FloatVector a51 = FloatVector.fromArray(F, s, so + 176);
        FloatVector a60 = FloatVector.fromArray(F, s, so + 192);
        FloatVector a61 = FloatVector.fromArray(F, s, so + 208);
        FloatVector a70 = FloatVector.fromArray(F, s, so + 224);
        FloatVector a71 = FloatVector.fromArray(F, s, so + 240);
        for (int k = k0, xo = 32 * k0; k < k1; k++, xo += 32) {
            FloatVector b0 = FloatVector.fromArray(F, xt, xo);
            FloatVector b1 = FloatVector.fromArray(F, xt, xo + 16);
            FloatVector c = FloatVector.broadcast(F, w[w0 + k]);
            a00 = c.fma(b0, a00);
            a01 = c.fma(b1, a01);
            c = FloatVector.broadcast(F, w[w1 + k]);
            a10 = c.fma(b0, a10);
            a11 = c.fma(b1, a11);
            c = FloatVector.broadcast(F, w[w2 + k]);
            a20 = c.fma(b0, a20);
            a21 = c.fma(b1, a21);
            c = FloatVector.broadcast(F, w[w3 + k]);
            a30 = c.fma(b0, a30);
            a31 = c.fma(b1, a31);
            c = FloatVector.broadcast(F, w[w4 + k]);
            a40 = c.fma(b0, a40);
            a41 = c.fma(b1, a41);
            c = FloatVector.broadcast(F, w[w5 + k]);
            a50 = c.fma(b0, a50);
            a51 = c.fma(b1, a51);
            c = FloatVector.broadcast(F, w[w6 + k]);
            a60 = c.fma(b0, a60);
            a61 = c.fma(b1, a61);
            c = FloatVector.broadcast(F, w[w7 + k]);
            a70 = c.fma(b0, a70);
            a71 = c.fma(b1, a71);
        }
        a00.intoArray(s, so + 0);
        a01.intoArray(s, so + 16);
        a10.intoArray(s, so + 32);
        a11.intoArray(s, so + 48);
        a20.intoArray(s, so + 64);
        a21.intoArray(s, so + 80);
        a30.intoArray(s, so + 96);
        a31.intoArray(s, so + 112);
        a40.intoArray(s, so + 128);
        a41.intoArray(s, so + 144);
        a50.intoArray(s, so + 160);
        a51.intoArray(s, so + 176);
        a60.intoArray(s, so + 192);
        a61.intoArray(s, so + 208);
        a70.intoArray(s, so + 224);
        a71.intoArray(s, so + 240);
    }

    /** Rows {@code w[wo + i * cols ..]}, i < 1, times 32 inputs: see {@link #kernel}. */
    private static void rows1x2(float[] w, int wo, int cols, float[] xt, float[] s, int so, int k0, int k1) {
        int w0 = wo + 0 * cols;
        FloatVector a00 = FloatVector.fromArray(F, s, so + 0);
        FloatVector a01 = FloatVector.fromArray(F, s, so + 16);
        for (int k = k0, xo = 32 * k0; k < k1; k++, xo += 32) {
            FloatVector b0 = FloatVector.fromArray(F, xt, xo);
            FloatVector b1 = FloatVector.fromArray(F, xt, xo + 16);
            FloatVector c = FloatVector.broadcast(F, w[w0 + k]);
            a00 = c.fma(b0, a00);
            a01 = c.fma(b1, a01);
        }
        a00.intoArray(s, so + 0);
        a01.intoArray(s, so + 16);
    }

    /** Rows {@code w[wo + i * cols ..]}, i < 4, times 48 inputs: see {@link #kernel}. */
    private static void rows4x3(float[] w, int wo, int cols, float[] xt, float[] s, int so, int k0, int k1) {
        int w0 = wo + 0 * cols;
        int w1 = wo + 1 * cols;
        int w2 = wo + 2 * cols;
        int w3 = wo + 3 * cols;
        FloatVector a00 = FloatVector.fromArray(F, s, so + 0);
        FloatVector a01 = FloatVector.fromArray(F, s, so + 16);
        FloatVector a02 = FloatVector.fromArray(F, s, so + 32);
        FloatVector a10 = FloatVector.fromArray(F, s, so + 48);
        FloatVector a11 = FloatVector.fromArray(F, s, so + 64);
        FloatVector a12 = FloatVector.fromArray(F, s, so + 80);
        FloatVector a20 = FloatVector.fromArray(F, s, so + 96);
        FloatVector a21 = FloatVector.fromArray(F, s, so + 112);
        FloatVector a22 = FloatVector.fromArray(F, s, so + 128);
        FloatVector a30 = FloatVector.fromArray(F, s, so + 144);
        FloatVector a31 = FloatVector.fromArray(F, s, so + 160);
        FloatVector a32 = FloatVector.fromArray(F, s, so + 176);
        for (int k = k0, xo = 48 * k0; k < k1; k++, xo += 48) {
            FloatVector b0 = FloatVector.fromArray(F, xt, xo);
            FloatVector b1 = FloatVector.fromArray(F, xt, xo + 16);
            FloatVector b2 = FloatVector.fromArray(F, xt, xo + 32);
            FloatVector c = FloatVector.broadcast(F, w[w0 + k]);
            a00 = c.fma(b0, a00);
            a01 = c.fma(b1, a01);
            a02 = c.fma(b2, a02);
            c = FloatVector.broadcast(F, w[w1 + k]);
            a10 = c.fma(b0, a10);
            a11 = c.fma(b1, a11);
            a12 = c.fma(b2, a12);
            c = FloatVector.broadcast(F, w[w2 + k]);
            a20 = c.fma(b0, a20);
            a21 = c.fma(b1, a21);
            a22 = c.fma(b2, a22);
            c = FloatVector.broadcast(F, w[w3 + k]);
            a30 = c.fma(b0, a30);
            a31 = c.fma(b1, a31);
            a32 = c.fma(b2, a32);
        }
        a00.intoArray(s, so + 0);
        a01.intoArray(s, so + 16);
        a02.intoArray(s, so + 32);
        a10.intoArray(s, so + 48);
        a11.intoArray(s, so + 64);
        a12.intoArray(s, so + 80);
        a20.intoArray(s, so + 96);
        a21.intoArray(s, so + 112);
        a22.intoArray(s, so + 128);
        a30.intoArray(s, so + 144);
        a31.intoArray(s, so + 160);
        a32.intoArray(s, so + 176);
    }

    /** Rows {@code w[wo + i * cols ..]}, i < 1, times 48 inputs: see {@link #kernel}. */
    private static void rows1x3(float[] w, int wo, int cols, float[] xt, float[] s, int so, int k0, int k1) {
        int w0 = wo + 0 * cols;
        FloatVector a00 = FloatVector.fromArray(F, s, so + 0);
        FloatVector a01 = FloatVector.fromArray(F, s, so + 16);
        FloatVector a02 = FloatVector.fromArray(F, s, so + 32);
        for (int k = k0, xo = 48 * k0; k < k1; k++, xo += 48) {
            FloatVector b0 = FloatVector.fromArray(F, xt, xo);
            FloatVector b1 = FloatVector.fromArray(F, xt, xo + 16);
            FloatVector b2 = FloatVector.fromArray(F, xt, xo + 32);
            FloatVector c = FloatVector.broadcast(F, w[w0 + k]);
            a00 = c.fma(b0, a00);
            a01 = c.fma(b1, a01);
            a02 = c.fma(b2, a02);
        }
        a00.intoArray(s, so + 0);
        a01.intoArray(s, so + 16);
        a02.intoArray(s, so + 32);
    }

    /** Rows {@code w[wo + i * cols ..]}, i < 4, times 64 inputs: see {@link #kernel}. */
    private static void rows4x4(float[] w, int wo, int cols, float[] xt, float[] s, int so, int k0, int k1) {
        int w0 = wo + 0 * cols;
        int w1 = wo + 1 * cols;
        int w2 = wo + 2 * cols;
        int w3 = wo + 3 * cols;
        FloatVector a00 = FloatVector.fromArray(F, s, so + 0);
        FloatVector a01 = FloatVector.fromArray(F, s, so + 16);
        FloatVector a02 = FloatVector.fromArray(F, s, so + 32);
        FloatVector a03 = FloatVector.fromArray(F, s, so + 48);
        FloatVector a10 = FloatVector.fromArray(F, s, so + 64);
        FloatVector a11 = FloatVector.fromArray(F, s, so + 80);
        FloatVector a12 = FloatVector.fromArray(F, s, so + 96);
        FloatVector a13 = FloatVector.fromArray(F, s, so + 112);
        FloatVector a20 = FloatVector.fromArray(F, s, so + 128);
        FloatVector a21 = FloatVector.fromArray(F, s, so + 144);
        FloatVector a22 = FloatVector.fromArray(F, s, so + 160);
        FloatVector a23 = FloatVector.fromArray(F, s, so + 176);
        FloatVector a30 = FloatVector.fromArray(F, s, so + 192);
        FloatVector a31 = FloatVector.fromArray(F, s, so + 208);
        FloatVector a32 = FloatVector.fromArray(F, s, so + 224);
        FloatVector a33 = FloatVector.fromArray(F, s, so + 240);
        for (int k = k0, xo = 64 * k0; k < k1; k++, xo += 64) {
            FloatVector b0 = FloatVector.fromArray(F, xt, xo);
            FloatVector b1 = FloatVector.fromArray(F, xt, xo + 16);
            FloatVector b2 = FloatVector.fromArray(F, xt, xo + 32);
            FloatVector b3 = FloatVector.fromArray(F, xt, xo + 48);
            FloatVector c = FloatVector.broadcast(F, w[w0 + k]);
            a00 = c.fma(b0, a00);
            a01 = c.fma(b1, a01);
            a02 = c.fma(b2, a02);
            a03 = c.fma(b3, a03);
            c = FloatVector.broadcast(F, w[w1 + k]);
            a10 = c.fma(b0, a10);
            a11 = c.fma(b1, a11);
            a12 = c.fma(b2, a12);
            a13 = c.fma(b3, a13);
            c = FloatVector.broadcast(F, w[w2 + k]);
            a20 = c.fma(b0, a20);
            a21 = c.fma(b1, a21);
            a22 = c.fma(b2, a22);
            a23 = c.fma(b3, a23);
            c = FloatVector.broadcast(F, w[w3 + k]);
            a30 = c.fma(b0, a30);
            a31 = c.fma(b1, a31);
            a32 = c.fma(b2, a32);
            a33 = c.fma(b3, a33);
        }
        a00.intoArray(s, so + 0);
        a01.intoArray(s, so + 16);
        a02.intoArray(s, so + 32);
        a03.intoArray(s, so + 48);
        a10.intoArray(s, so + 64);
        a11.intoArray(s, so + 80);
        a12.intoArray(s, so + 96);
        a13.intoArray(s, so + 112);
        a20.intoArray(s, so + 128);
        a21.intoArray(s, so + 144);
        a22.intoArray(s, so + 160);
        a23.intoArray(s, so + 176);
        a30.intoArray(s, so + 192);
        a31.intoArray(s, so + 208);
        a32.intoArray(s, so + 224);
        a33.intoArray(s, so + 240);
    }

    /** Rows {@code w[wo + i * cols ..]}, i < 1, times 64 inputs: see {@link #kernel}. */
    private static void rows1x4(float[] w, int wo, int cols, float[] xt, float[] s, int so, int k0, int k1) {
        int w0 = wo + 0 * cols;
        FloatVector a00 = FloatVector.fromArray(F, s, so + 0);
        FloatVector a01 = FloatVector.fromArray(F, s, so + 16);
        FloatVector a02 = FloatVector.fromArray(F, s, so + 32);
        FloatVector a03 = FloatVector.fromArray(F, s, so + 48);
        for (int k = k0, xo = 64 * k0; k < k1; k++, xo += 64) {
            FloatVector b0 = FloatVector.fromArray(F, xt, xo);
            FloatVector b1 = FloatVector.fromArray(F, xt, xo + 16);
            FloatVector b2 = FloatVector.fromArray(F, xt, xo + 32);
            FloatVector b3 = FloatVector.fromArray(F, xt, xo + 48);
            FloatVector c = FloatVector.broadcast(F, w[w0 + k]);
            a00 = c.fma(b0, a00);
            a01 = c.fma(b1, a01);
            a02 = c.fma(b2, a02);
            a03 = c.fma(b3, a03);
        }
        a00.intoArray(s, so + 0);
        a01.intoArray(s, so + 16);
        a02.intoArray(s, so + 32);
        a03.intoArray(s, so + 48);
    }
}
