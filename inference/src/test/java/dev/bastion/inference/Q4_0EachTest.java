package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The multi-input Q4_0 kernel ({@link Q4_0Each}): every input's result is the bits of {@link VectorKernels#dotQ4_0}
 * for that input alone, for every input count, on random rows and on hand-worked ones, and close to the scalar twin.
 */
class Q4_0EachTest {

    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Half floats at the edges: the largest, the smallest subnormal and normal, signed zeros, one. */
    private static final short[] EDGES = {0x7bff, (short) 0xfbff, 0x0001, 0x0400, (short) 0x8000, 0x0000, 0x3c00};

    @BeforeEach
    void vectorKernels() {
        assumeThat(VectorKernels.AVAILABLE).as("8 or 16 float lanes").isTrue();
    }

    @Test
    void everyInputCount_givesEachInputTheBitsOfTheSingleInputKernel() {
        Random random = new Random(16);
        int rows = 5;
        int cols = 256;
        long rowBytes = GgmlType.Q4_0.byteSize(cols);
        MemorySegment w = randomRows(random, rows, cols);
        for (int n = 1; n <= 9; n++) {
            float[] x = inputs(random, n, cols);
            float[] each = new float[n * rows];
            Arrays.fill(each, Float.NaN);
            for (int r = 0; r < rows; r++) {
                Q4_0Each.dotEach(w, rowBytes * r, x, n, cols, each, r, rows);
            }
            for (int i = 0; i < n; i++) {
                for (int r = 0; r < rows; r++) {
                    float alone = VectorKernels.dotQ4_0(w, rowBytes * r, x, i * cols, cols);
                    assertThat(Float.floatToRawIntBits(each[i * rows + r]))
                            .as("%d inputs: input %d, row %d", n, i, r)
                            .isEqualTo(Float.floatToRawIntBits(alone));
                    float twin = ScalarKernels.dot(GgmlType.Q4_0, w, rowBytes * r, x, i * cols, cols);
                    if (Float.isFinite(twin)) { // the same products, added in another order
                        assertThat(each[i * rows + r]).as("input %d, row %d", i, r)
                                .isCloseTo(twin, Offset.offset(1e-3f * (Math.abs(twin) + 1)));
                    }
                }
            }
        }
    }

    /*
     * Row k: every quant 8 + k (the value k after the offset of 8; row 0 all zeros) and d = 2^-k, so each weight
     * is k * 2^-k. Input i is 2^-i everywhere. Row k times input i is then cols * k * 2^-(k + i), exactly: each
     * block's sum is 16 * (x + x) * -8 + 16 * (8 + k) * x * 2 = 32 k x, every partial sum a small integer times
     * 2^-i, so no rounding happens.
     */
    @Test
    void handWorkedRows_giveTheHandComputedDots_forEveryInput() {
        int rows = 4;
        int cols = 128;
        int n = 7;
        long rowBytes = GgmlType.Q4_0.byteSize(cols);
        MemorySegment w = Arena.ofAuto().allocate(rowBytes * rows);
        for (int k = 0; k < rows; k++) {
            for (int b = 0; b < cols / 32; b++) {
                long p = rowBytes * k + 18L * b;
                w.set(SHORT, p, Float.floatToFloat16((float) Math.scalb(1.0, -k)));
                for (int j = 0; j < 16; j++) {
                    w.set(ValueLayout.JAVA_BYTE, p + 2 + j, (byte) ((8 + k) | (8 + k) << 4));
                }
            }
        }
        float[] x = new float[n * cols];
        for (int i = 0; i < n; i++) {
            Arrays.fill(x, i * cols, (i + 1) * cols, (float) Math.scalb(1.0, -i));
        }
        float[] out = new float[n * rows];
        for (int r = 0; r < rows; r++) {
            Q4_0Each.dotEach(w, rowBytes * r, x, n, cols, out, r, rows);
        }
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < rows; k++) {
                float expected = (float) Math.scalb((double) cols * k, -(k + i));
                assertThat(out[i * rows + k]).as("input %d, row %d", i, k).isEqualTo(expected);
                assertThat(ScalarKernels.dot(GgmlType.Q4_0, w, rowBytes * k, x, i * cols, cols)).isEqualTo(expected);
            }
        }
    }

    @Test
    void aWeightMatrix_givesEveryInputOfMatvecEachTheBitsOfItsMatvec() {
        Random random = new Random(17);
        int rows = 11;
        int cols = 512;
        WeightMatrix m = WeightMatrix.of(GgmlType.Q4_0, randomRows(random, rows, cols), rows, cols);
        for (int n : new int[] {2, 3, 4, 5, 6, 7, 8}) {
            float[] x = inputs(random, n, cols);
            float[] each = new float[n * rows];
            m.matvecEach(x, n, each);
            float[] one = new float[rows];
            for (int i = 0; i < n; i++) {
                m.matvec(Arrays.copyOfRange(x, i * cols, (i + 1) * cols), one);
                for (int r = 0; r < rows; r++) {
                    assertThat(Float.floatToRawIntBits(each[i * rows + r]))
                            .as("%d inputs: input %d, row %d", n, i, r)
                            .isEqualTo(Float.floatToRawIntBits(one[r]));
                }
            }
        }
    }

    /** n inputs: gaussian, one of them zeros, one with an outlier. */
    private static float[] inputs(Random random, int n, int cols) {
        float[] x = KernelTwinsTest.gaussian(random, n * cols, 1f);
        if (n > 2) {
            Arrays.fill(x, cols, 2 * cols, 0f);
            x[2 * cols + 5] = 400f;
        }
        return x;
    }

    /** Rows of random bytes in ggml's Q4_0 layout (d, then 16 bytes of nibbles), some d set to the edge values. */
    private static MemorySegment randomRows(Random random, int rows, int cols) {
        byte[] bytes = new byte[(int) (rows * GgmlType.Q4_0.byteSize(cols))];
        random.nextBytes(bytes);
        MemorySegment w = Arena.ofAuto().allocate(bytes.length, 64);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, w, 0, bytes.length);
        for (long p = 0; p < bytes.length; p += 18) {
            int pick = random.nextInt(3 * EDGES.length);
            w.set(SHORT, p, pick < EDGES.length ? EDGES[pick] : Float.floatToFloat16(random.nextFloat() / 16));
        }
        return w;
    }
}
