package dev.bastion.inference;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The scalar reference kernels: one row of a weight tensor, dequantised or dotted with a float vector.
 *
 * <p>Every method reads {@code cols} elements (a whole number of blocks) of one row that starts
 * {@code rowOffsetBytes} into {@code w}. These are the definitions that {@link VectorKernels} must agree with;
 * they favour being obviously right over being fast. Arguments are not checked here: {@link WeightMatrix}
 * checks shapes once, at construction.
 *
 * <p>This class is stateless and thread-safe.
 */
final class ScalarKernels {

    static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /*
     * Block layouts, after ggml's ggml-common.h (little endian, no padding):
     *   Q8_0 (34 B / 32):  f16 d, int8 q[32];                          x = d*q
     *   Q4_0 (18 B / 32):  f16 d, u8 qs[16] (lo nibble: 0..15, hi: 16..31); x = d*(q-8)
     *   Q4_K (144 B / 256): f16 d, f16 dmin, u8 scales[12], u8 qs[128]; x = d*sc*q - dmin*m
     *   Q5_K (176 B / 256): f16 d, f16 dmin, u8 scales[12], u8 qh[32], u8 qs[128]; q gets a fifth bit from qh
     *   Q6_K (210 B / 256): u8 ql[128], u8 qh[64], int8 scales[16], f16 d; x = d*scale*(q-32)
     * In Q4_K and Q5_K each 32 bytes of qs hold sub-block 2j in the low nibbles and 2j+1 in the high ones; bit
     * 2j of qh[l] is the fifth bit of element l of sub-block 2j. The 12 scale bytes pack eight 6-bit scales and
     * eight 6-bit mins (see scaleK4 and minK4).
     */

    private ScalarKernels() {
    }

    static float dot(GgmlType type, MemorySegment w, long rowOffsetBytes, float[] x, int xOffset, int cols) {
        return switch (type) {
            case F32 -> dotF32(w, rowOffsetBytes, x, xOffset, cols);
            case F16 -> dotF16(w, rowOffsetBytes, x, xOffset, cols);
            case BF16 -> dotBF16(w, rowOffsetBytes, x, xOffset, cols);
            case Q8_0 -> dotQ8_0(w, rowOffsetBytes, x, xOffset, cols);
            case Q4_0 -> dotQ4_0(w, rowOffsetBytes, x, xOffset, cols);
            case Q4_K -> dotQ4_K(w, rowOffsetBytes, x, xOffset, cols);
            case Q5_K -> dotQ5_K(w, rowOffsetBytes, x, xOffset, cols);
            case Q6_K -> dotQ6_K(w, rowOffsetBytes, x, xOffset, cols);
            default -> throw new IllegalArgumentException("no kernel for " + type);
        };
    }

    static void dequantize(GgmlType type, MemorySegment w, long rowOffsetBytes, float[] out, int outOffset, int cols) {
        switch (type) {
            case F32 -> dequantizeF32(w, rowOffsetBytes, out, outOffset, cols);
            case F16 -> dequantizeF16(w, rowOffsetBytes, out, outOffset, cols);
            case BF16 -> dequantizeBF16(w, rowOffsetBytes, out, outOffset, cols);
            case Q8_0 -> dequantizeQ8_0(w, rowOffsetBytes, out, outOffset, cols);
            case Q4_0 -> dequantizeQ4_0(w, rowOffsetBytes, out, outOffset, cols);
            case Q4_K -> dequantizeQ4_K(w, rowOffsetBytes, out, outOffset, cols);
            case Q5_K -> dequantizeQ5_K(w, rowOffsetBytes, out, outOffset, cols);
            case Q6_K -> dequantizeQ6_K(w, rowOffsetBytes, out, outOffset, cols);
            default -> throw new IllegalArgumentException("no kernel for " + type);
        }
    }

    static float dotF32(MemorySegment w, long off, float[] x, int xo, int cols) {
        float sum = 0f;
        for (int i = 0; i < cols; i++) {
            sum += w.get(FLOAT_LE, off + 4L * i) * x[xo + i];
        }
        return sum;
    }

    static float dotF16(MemorySegment w, long off, float[] x, int xo, int cols) {
        float sum = 0f;
        for (int i = 0; i < cols; i++) {
            sum += f16(w, off + 2L * i) * x[xo + i];
        }
        return sum;
    }

    static float dotBF16(MemorySegment w, long off, float[] x, int xo, int cols) {
        float sum = 0f;
        for (int i = 0; i < cols; i++) {
            sum += bf16(w, off + 2L * i) * x[xo + i];
        }
        return sum;
    }

    static float dotQ8_0(MemorySegment w, long off, float[] x, int xo, int cols) {
        return dotByBlocks(GgmlType.Q8_0, w, off, x, xo, cols);
    }

    static float dotQ4_0(MemorySegment w, long off, float[] x, int xo, int cols) {
        return dotByBlocks(GgmlType.Q4_0, w, off, x, xo, cols);
    }

    static float dotQ4_K(MemorySegment w, long off, float[] x, int xo, int cols) {
        return dotByBlocks(GgmlType.Q4_K, w, off, x, xo, cols);
    }

    static float dotQ5_K(MemorySegment w, long off, float[] x, int xo, int cols) {
        return dotByBlocks(GgmlType.Q5_K, w, off, x, xo, cols);
    }

    static float dotQ6_K(MemorySegment w, long off, float[] x, int xo, int cols) {
        return dotByBlocks(GgmlType.Q6_K, w, off, x, xo, cols);
    }

    /**
     * The scalar twin of {@link Int8Kernels#dotQ8_0}: per block the exact integer sum of products, times
     * d_w * d_x, added in block order.
     */
    static float dotQ8_0Int8(MemorySegment w, long off, Int8Kernels.Q8 x, int cols) {
        float sum = 0f;
        for (int b = 0; b < cols / 32; b++) {
            long p = off + 34L * b;
            int s = 0;
            for (int i = 0; i < 32; i++) {
                s += w.get(ValueLayout.JAVA_BYTE, p + 2 + i) * x.q()[32 * b + i];
            }
            sum += s * (f16(w, p) * x.d()[b]);
        }
        return sum;
    }

    /** The reference dot of a quantised row: dequantise one block, multiply and add in order. */
    private static float dotByBlocks(GgmlType type, MemorySegment w, long off, float[] x, int xo, int cols) {
        int bs = type.blockSize();
        float[] block = new float[bs];
        float sum = 0f;
        for (int b = 0; b < cols / bs; b++) {
            dequantize(type, w, off + (long) b * type.bytesPerBlock(), block, 0, bs);
            for (int i = 0; i < bs; i++) {
                sum += block[i] * x[xo + b * bs + i];
            }
        }
        return sum;
    }

    static void dequantizeF32(MemorySegment w, long off, float[] out, int oo, int cols) {
        for (int i = 0; i < cols; i++) {
            out[oo + i] = w.get(FLOAT_LE, off + 4L * i);
        }
    }

    static void dequantizeF16(MemorySegment w, long off, float[] out, int oo, int cols) {
        for (int i = 0; i < cols; i++) {
            out[oo + i] = f16(w, off + 2L * i);
        }
    }

    static void dequantizeBF16(MemorySegment w, long off, float[] out, int oo, int cols) {
        for (int i = 0; i < cols; i++) {
            out[oo + i] = bf16(w, off + 2L * i);
        }
    }

    static void dequantizeQ8_0(MemorySegment w, long off, float[] out, int oo, int cols) {
        for (int b = 0; b < cols / 32; b++) {
            long p = off + 34L * b;
            float d = f16(w, p);
            for (int i = 0; i < 32; i++) {
                out[oo + 32 * b + i] = d * w.get(ValueLayout.JAVA_BYTE, p + 2 + i);
            }
        }
    }

    static void dequantizeQ4_0(MemorySegment w, long off, float[] out, int oo, int cols) {
        for (int b = 0; b < cols / 32; b++) {
            long p = off + 18L * b;
            float d = f16(w, p);
            for (int i = 0; i < 16; i++) {
                int q = u8(w, p + 2 + i);
                out[oo + 32 * b + i] = d * ((q & 0xF) - 8);
                out[oo + 32 * b + 16 + i] = d * ((q >>> 4) - 8);
            }
        }
    }

    static void dequantizeQ4_K(MemorySegment w, long off, float[] out, int oo, int cols) {
        for (int b = 0; b < cols / 256; b++) {
            long p = off + 144L * b;
            float d = f16(w, p);
            float dmin = f16(w, p + 2);
            long scales = p + 4;
            long qs = p + 16;
            for (int s = 0; s < 8; s++) {
                float ds = d * scaleK4(w, scales, s);
                float ms = dmin * minK4(w, scales, s);
                int shift = (s & 1) * 4;
                long q = qs + 32L * (s / 2);
                for (int l = 0; l < 32; l++) {
                    int nibble = (u8(w, q + l) >>> shift) & 0xF;
                    out[oo + 256 * b + 32 * s + l] = ds * nibble - ms;
                }
            }
        }
    }

    static void dequantizeQ5_K(MemorySegment w, long off, float[] out, int oo, int cols) {
        for (int b = 0; b < cols / 256; b++) {
            long p = off + 176L * b;
            float d = f16(w, p);
            float dmin = f16(w, p + 2);
            long scales = p + 4;
            long qh = p + 16;
            long qs = p + 48;
            for (int s = 0; s < 8; s++) {
                float ds = d * scaleK4(w, scales, s);
                float ms = dmin * minK4(w, scales, s);
                int shift = (s & 1) * 4;
                long q = qs + 32L * (s / 2);
                for (int l = 0; l < 32; l++) {
                    int low = (u8(w, q + l) >>> shift) & 0xF;
                    int high = (u8(w, qh + l) >>> s) & 1;
                    out[oo + 256 * b + 32 * s + l] = ds * (low | high << 4) - ms;
                }
            }
        }
    }

    static void dequantizeQ6_K(MemorySegment w, long off, float[] out, int oo, int cols) {
        for (int b = 0; b < cols / 256; b++) {
            long p = off + 210L * b;
            float d = f16(w, p + 208);
            for (int i = 0; i < 256; i++) {
                int half = i / 128;
                int e = i % 128;
                int l = e % 32;
                int quarter = e / 32;
                long ql = p + 64L * half + l + (quarter & 1) * 32;
                int low = (u8(w, ql) >>> (quarter / 2 * 4)) & 0xF;
                int high = (u8(w, p + 128 + 32L * half + l) >>> (2 * quarter)) & 3;
                int scale = w.get(ValueLayout.JAVA_BYTE, p + 192 + i / 16);
                out[oo + 256 * b + i] = d * scale * ((low | high << 4) - 32);
            }
        }
    }

    /** The 6-bit scale of sub-block {@code j} (0..7) of a Q4_K/Q5_K block whose 12 scale bytes start at {@code p}. */
    static int scaleK4(MemorySegment w, long p, int j) {
        if (j < 4) {
            return u8(w, p + j) & 63;
        }
        return (u8(w, p + j + 4) & 0xF) | ((u8(w, p + j - 4) >>> 6) << 4);
    }

    /** The 6-bit min of sub-block {@code j} (0..7) of a Q4_K/Q5_K block whose 12 scale bytes start at {@code p}. */
    static int minK4(MemorySegment w, long p, int j) {
        if (j < 4) {
            return u8(w, p + j + 4) & 63;
        }
        return (u8(w, p + j + 4) >>> 4) | ((u8(w, p + j) >>> 6) << 4);
    }

    static float f16(MemorySegment w, long p) {
        return Float.float16ToFloat(w.get(SHORT_LE, p));
    }

    static float bf16(MemorySegment w, long p) {
        return Float.intBitsToFloat((w.get(SHORT_LE, p) & 0xFFFF) << 16);
    }

    static int u8(MemorySegment w, long p) {
        return w.get(ValueLayout.JAVA_BYTE, p) & 0xFF;
    }
}
