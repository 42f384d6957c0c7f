package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The measured alternative (int8 activations) computes the same products as the float kernels, up to rounding x. */
class Int8KernelsTest {

    @Test
    void q8Activations_ofABlock_areRoundedToItsLargestMagnitudeOver127() {
        float[] x = new float[32];
        x[0] = 1.27f;
        x[1] = -0.5f;
        x[2] = 0.004f;
        Int8Kernels.Q8 q = Int8Kernels.Q8.of(x, 32);
        assertThat(q.d()).containsExactly(0.01f);
        assertThat(q.q()[0]).isEqualTo((byte) 127);
        assertThat(q.q()[1]).isEqualTo((byte) -50);
        assertThat(q.q()[2]).isEqualTo((byte) 0);
    }

    @Test
    void q8Activations_refuseLengthsThatAreNotWholeBlocks() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Int8Kernels.Q8.of(new float[40], 40))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blocks of 32");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Int8Kernels.Q8(new byte[31], new float[1]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /*
     * Rounding x to d_x * q changes each x_i by at most d_x / 2 = max|x_block| / 254, so a row dot moves by at
     * most sum_i |w_i| * max|x_block(i)| / 254. The test allows exactly that bound (plus float noise).
     */
    @Test
    void int8ActivationDots_matchFloatDots_withinTheActivationRoundingBound() {
        Random random = new Random(21);
        int cols = 9 * 32;
        for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0}) {
            MemorySegment w = KernelTwinsTest.randomMatrix(type, 5, cols, random);
            float[] x = KernelTwinsTest.gaussian(random, cols, 1f);
            Int8Kernels.Q8 xq = Int8Kernels.Q8.of(x, cols);
            for (int r = 0; r < 5; r++) {
                long off = r * type.byteSize(cols);
                float[] row = new float[cols];
                ScalarKernels.dequantize(type, w, off, row, 0, cols);
                double bound = 0;
                for (int b = 0; b < cols / 32; b++) {
                    float amax = 0f;
                    for (int i = 0; i < 32; i++) {
                        amax = Math.max(amax, Math.abs(x[32 * b + i]));
                    }
                    for (int i = 0; i < 32; i++) {
                        bound += Math.abs(row[32 * b + i]) * amax / 254;
                    }
                }
                float exact = ScalarKernels.dot(type, w, off, x, 0, cols);
                float int8 = type == GgmlType.Q8_0 ? Int8Kernels.dotQ8_0(w, off, xq, cols)
                        : Int8Q4_0.dotQ4_0(w, off, xq, cols);
                assertThat(int8).as("%s row %d", type, r).isCloseTo(exact, within((float) (bound * 1.01 + 1e-4)));
                assertThat(int8).isNotEqualTo(exact); // it really used rounded activations
                if (type == GgmlType.Q8_0) {
                    float twin = ScalarKernels.dotQ8_0Int8(w, off, xq, cols);
                    // integer block sums are exact in both; only the float sum of blocks differs in order
                    assertThat(int8).as("scalar twin, row %d", r).isCloseTo(twin, within(1e-5f * (1 + Math.abs(twin))));
                }
            }
        }
    }
}
