package dev.bastion.inference;

import static dev.bastion.inference.ScalarKernels.f16;
import static dev.bastion.inference.ScalarKernels.minK4;
import static dev.bastion.inference.ScalarKernels.scaleK4;
import static dev.bastion.inference.ScalarKernels.u8;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The scalar twins of {@link KQuantInt8}: the dot of one K-quant row with int8 activations ({@link Q8K}),
 * written from the block layouts (see {@link ScalarKernels}) to be obviously right, not fast.
 *
 * <p>For each sub-block s the integer sum {@code S_s = sum q_w * q_x} is exact; then
 * {@code (d_w * d_x * sc_s) * S_s} (minus {@code dmin_w * d_x * sum_s m_s * sum(q_x of s)} per super-block for
 * Q4_K and Q5_K) is added in float. The vector kernels add the same products in a different float order.
 *
 * <p>This class is stateless and thread-safe.
 */
final class KQuantInt8Scalar {

    private KQuantInt8Scalar() {
    }

    static float dotQ4_K(MemorySegment w, long off, Q8K x, int cols) {
        return dotK4(w, off, x, cols, false);
    }

    static float dotQ5_K(MemorySegment w, long off, Q8K x, int cols) {
        return dotK4(w, off, x, cols, true);
    }

    /** Q4_K (144 B) or, with {@code fifthBit}, Q5_K (176 B: qh[32] before qs). */
    private static float dotK4(MemorySegment w, long off, Q8K x, int cols, boolean fifthBit) {
        int bytes = fifthBit ? 176 : 144;
        float sum = 0f;
        for (int b = 0; b < cols / 256; b++) {
            long p = off + (long) bytes * b;
            long qs = p + (fifthBit ? 48 : 16);
            long scales = p + 4;
            float d = f16(w, p) * x.d()[b];
            long mins = 0;
            for (int s = 0; s < 8; s++) {
                long q = qs + 32L * (s / 2);
                int shift = (s & 1) * 4;
                long dot = 0;
                for (int l = 0; l < 32; l++) {
                    int qw = (u8(w, q + l) >>> shift) & 0xF;
                    if (fifthBit) {
                        qw |= ((u8(w, p + 16 + l) >>> s) & 1) << 4;
                    }
                    dot += (long) qw * x.q()[256 * b + 32 * s + l];
                }
                sum += d * scaleK4(w, scales, s) * dot;
                mins += (long) minK4(w, scales, s) * x.sums()[8 * b + s];
            }
            sum -= f16(w, p + 2) * x.d()[b] * mins;
        }
        return sum;
    }

    static float dotQ6_K(MemorySegment w, long off, Q8K x, int cols) {
        float sum = 0f;
        for (int b = 0; b < cols / 256; b++) {
            long p = off + 210L * b;
            float d = f16(w, p + 208) * x.d()[b];
            for (int sub = 0; sub < 16; sub++) {
                long dot = 0;
                for (int i = 16 * sub; i < 16 * sub + 16; i++) {
                    int half = i / 128;
                    int e = i % 128;
                    int l = e % 32;
                    int quarter = e / 32;
                    int low = (u8(w, p + 64L * half + l + (quarter & 1) * 32) >>> (quarter / 2 * 4)) & 0xF;
                    int high = (u8(w, p + 128 + 32L * half + l) >>> (2 * quarter)) & 3;
                    dot += (long) ((low | high << 4) - 32) * x.q()[256 * b + i];
                }
                int scale = w.get(ValueLayout.JAVA_BYTE, p + 192 + sub);
                sum += d * scale * dot;
            }
        }
        return sum;
    }
}
