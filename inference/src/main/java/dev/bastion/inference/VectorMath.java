package dev.bastion.inference;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The element-wise and reduction operations of the forward pass on float arrays: RMSNorm, dot products for
 * attention, scaled accumulation, softmax, SwiGLU and RoPE.
 *
 * <p>The operations that run per head and position ({@link #dot}, {@link #axpy}) have a Vector API kernel and a scalar
 * twin ({@link Scalar}); {@code bastion.inference.scalar=true} selects the twins everywhere, and a test checks
 * that both agree. Stateless and thread-safe.
 */
final class VectorMath {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final boolean SIMD = !Boolean.getBoolean("bastion.inference.scalar");

    private VectorMath() {
    }

    /** Σ a[aOff + i]·b[bOff + i] for i in [0, n). */
    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        if (!SIMD) {
            return Scalar.dot(a, aOff, b, bOff, n);
        }
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        int upper = F.loopBound(n);
        for (; i < upper; i += F.length()) {
            acc = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc);
        }
        float sum = VectorKernels.sum(acc); // fixed lane order, the same interpreted and compiled
        for (; i < n; i++) {
            sum += a[aOff + i] * b[bOff + i];
        }
        return sum;
    }

    /** y[yOff + i] += alpha·x[xOff + i] for i in [0, n). */
    static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        if (!SIMD) {
            Scalar.axpy(alpha, x, xOff, y, yOff, n);
            return;
        }
        FloatVector a = FloatVector.broadcast(F, alpha);
        int i = 0;
        int upper = F.loopBound(n);
        for (; i < upper; i += F.length()) {
            FloatVector.fromArray(F, x, xOff + i).fma(a, FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    /** out[oOff..+n] = x[xOff..+n] / rms(x)·weight, with rms = sqrt(mean(x²) + eps). */
    static void rmsnorm(float[] out, int oOff, float[] x, int xOff, float[] weight, int n, float eps) {
        float ss = dot(x, xOff, x, xOff, n);
        float scale = (float) (1.0 / Math.sqrt(ss / n + eps));
        for (int i = 0; i < n; i++) {
            out[oOff + i] = weight[i] * (scale * x[xOff + i]);
        }
    }

    /** Softmax of x[off..off+n) in place. */
    static void softmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int i = 0; i < n; i++) {
            x[off + i] *= inv;
        }
    }

    /** gate[i] = silu(gate[i])·up[i] over [off, off + n) (SwiGLU). */
    static void swiglu(float[] gate, float[] up, int off, int n) {
        for (int i = off; i < off + n; i++) {
            float g = gate[i];
            gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
        }
    }

    /** x += y over [0, n). */
    static void add(float[] x, float[] y, int n) {
        axpy(1f, y, 0, x, 0, n);
    }

    /**
     * Rotates one head's vector at {@code off} for position {@code pos} (RoPE, Su et al. 2021). {@code cos}/{@code sin}
     * hold the table row for this position, {@code ropeDim / 2} entries. Llama pairs adjacent elements (2i, 2i+1),
     * the NeoX layout of qwen pairs (i, i + ropeDim/2), as llama.cpp's ROPE_TYPE_NORM and ROPE_TYPE_NEOX.
     */
    static void rope(float[] x, int off, int ropeDim, boolean neox, float[] cos, float[] sin, int tableOff) {
        int half = ropeDim / 2;
        for (int i = 0; i < half; i++) {
            int a = neox ? off + i : off + 2 * i;
            int b = neox ? off + i + half : off + 2 * i + 1;
            float c = cos[tableOff + i];
            float s = sin[tableOff + i];
            float x0 = x[a];
            float x1 = x[b];
            x[a] = x0 * c - x1 * s;
            x[b] = x0 * s + x1 * c;
        }
    }

    /** The scalar twins of the SIMD kernels above. */
    static final class Scalar {
        private Scalar() {
        }

        static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
            float sum = 0f;
            for (int i = 0; i < n; i++) {
                sum += a[aOff + i] * b[bOff + i];
            }
            return sum;
        }

        static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
            for (int i = 0; i < n; i++) {
                y[yOff + i] += alpha * x[xOff + i];
            }
        }
    }
}
