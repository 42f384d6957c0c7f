package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every SIMD kernel against its scalar twin, on random rows of odd block counts at odd offsets. */
class KernelTwinsTest {

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"})
    void vectorDot_agreesWithScalarDot_onRandomRowsOfOddBlockCounts(GgmlType type) {
        Random random = new Random(7);
        for (int blocks : type.blockSize() == 1 ? new int[] {1, 15, 37, 531} : new int[] {1, 3, 7, 9}) {
            int cols = blocks * type.blockSize();
            int rows = 3;
            MemorySegment w = randomMatrix(type, rows, cols, random);
            int xOffset = 5;
            float[] x = gaussian(random, xOffset + cols, 1f);
            for (int r = 0; r < rows; r++) {
                long off = r * type.byteSize(cols);
                float scalar = ScalarKernels.dot(type, w, off, x, xOffset, cols);
                float vector = VectorKernels.dot(type, w, off, x, xOffset, cols);
                float[] row = new float[cols];
                ScalarKernels.dequantize(type, w, off, row, 0, cols);
                double magnitude = 0;
                for (int c = 0; c < cols; c++) {
                    magnitude += Math.abs(row[c] * x[xOffset + c]);
                }
                // float sums in a different order: a few ulps of the sum of magnitudes
                assertThat(vector).as("%s, %d blocks, row %d", type, blocks, r)
                        .isCloseTo(scalar, within((float) (1e-5 * magnitude + 1e-30)));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"})
    void vectorDequantize_agreesWithScalarDequantize(GgmlType type) {
        Random random = new Random(11);
        int cols = (type.blockSize() == 1 ? 531 : 7 * type.blockSize());
        MemorySegment w = randomMatrix(type, 2, cols, random);
        for (int r = 0; r < 2; r++) {
            long off = r * type.byteSize(cols);
            float[] scalar = new float[cols + 3];
            float[] vector = new float[cols + 3];
            ScalarKernels.dequantize(type, w, off, scalar, 3, cols);
            VectorKernels.dequantize(type, w, off, vector, 3, cols);
            for (int c = 0; c < cols + 3; c++) {
                // the K types fuse d*q - m into one fma: one rounding fewer than the scalar twin
                assertThat(vector[c]).as("%s row %d element %d", type, r, c)
                        .isCloseTo(scalar[c], within(Math.ulp(scalar[c]) * 2 + Math.ulp(1e-3f)));
            }
        }
    }

    @org.junit.jupiter.api.Test
    void fourAtATimeK4ScaleUnpacking_agreesWithGetScaleMinK4_onRandomScaleBytes() {
        Random random = new Random(13);
        byte[] block = new byte[16];
        float[] dm = new float[16];
        for (int trial = 0; trial < 2000; trial++) {
            random.nextBytes(block);
            block[0] = 0x00; // d = 1.0 (f16 0x3C00), dmin = -2.0 (0xC000): scale and min values read back exactly
            block[1] = 0x3C;
            block[2] = 0x00;
            block[3] = (byte) 0xC0;
            MemorySegment w = MemorySegment.ofArray(block);
            VectorKernels.k4Scales(w, 0, dm);
            for (int j = 0; j < 8; j++) {
                assertThat(dm[j]).as("scale %d of %s", j, java.util.HexFormat.of().formatHex(block))
                        .isEqualTo((float) ScalarKernels.scaleK4(w, 4, j));
                assertThat(dm[8 + j]).as("min %d", j).isEqualTo(2f * ScalarKernels.minK4(w, 4, j));
            }
        }
    }

    /** Random weights of plausible size, quantised, in native memory as a mapped file would be. */
    static MemorySegment randomMatrix(GgmlType type, int rows, int cols, Random random) {
        byte[] bytes = Quantizer.quantize(type, gaussian(random, rows * cols, 0.05f));
        MemorySegment segment = Arena.ofAuto().allocate(bytes.length, 64);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, segment, 0, bytes.length);
        return segment;
    }

    static float[] gaussian(Random random, int n, float sigma) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian() * sigma;
        }
        return v;
    }

    /** The vector F16 path converts every half, subnormals and zeros of both signs included, as the JDK does. */
    @Test
    void dequantizeF16_convertsEveryHalf_exactlyAsFloat16ToFloat() {
        short[] all = new short[65536];
        for (int i = 0; i < all.length; i++) {
            all[i] = (short) i;
        }
        float[] out = new float[all.length];
        VectorKernels.dequantize(GgmlType.F16, MemorySegment.ofArray(all), 0, out, 0, all.length);
        for (int i = 0; i < all.length; i++) {
            float expected = Float.float16ToFloat((short) i);
            if (Float.isNaN(expected)) {
                assertThat(out[i]).as("f16 0x%04x", i).isNaN();
            } else {
                assertThat(Float.floatToRawIntBits(out[i])).as("f16 0x%04x", i)
                        .isEqualTo(Float.floatToRawIntBits(expected));
            }
        }
    }
}
