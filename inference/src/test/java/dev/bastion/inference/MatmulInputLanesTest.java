package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The prompt's product with the inputs in the vector lanes ({@link MatmulInputLanes}) against its scalar twin. */
class MatmulInputLanesTest {

    /** Every element equals the scalar FMA chain over the dequantised row, bit for bit. */
    private static void assertTwinBits(WeightMatrix m, float[] x, int n, float[] out) {
        int rows = m.rows();
        int cols = m.cols();
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            m.dequantizeRow(r, row, 0);
            for (int v = 0; v < n; v++) {
                float twin = MatmulInputLanes.dotScalar(row, 0, x, v * cols, cols);
                assertThat(Float.floatToRawIntBits(out[v * rows + r])).as("row %d, input %d", r, v)
                        .isEqualTo(Float.floatToRawIntBits(twin));
            }
        }
    }

    @Test
    void q8_0AndQ4_0Matmul_equalTheScalarTwinBitForBit_forEveryInputCountAndRaggedShapes() {
        assumeThat(MatmulInputLanes.AVAILABLE).as("512-bit vectors").isTrue();
        Random random = new Random(21);
        // rows: whole groups of four, two plain Q8_0 rows after them, fewer rows than a kernel step; columns: less
        // than a chunk, and more than one chunk with a short last one
        int[][] shapes = {{14, 5 * 32}, {8, 160}, {3, 64}, {37, 9 * 32}};
        for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0}) {
            for (int[] shape : shapes) {
                int rows = shape[0];
                int cols = shape[1];
                MemorySegment w = KernelTwinsTest.randomMatrix(type, rows, cols, random);
                WeightMatrix m = WeightMatrix.of(type, w, rows, cols);
                for (int n : new int[] {1, 5, 16, 17, 33, 64, 70}) {
                    float[] x = KernelTwinsTest.gaussian(random, n * cols, 1f);
                    float[] out = new float[n * rows];
                    m.matmul(x, n, out);
                    assertTwinBits(m, x, n, out);
                }
            }
        }
    }

    @Test
    void kQuantMatmul_equalsTheScalarTwinBitForBit_inGroupsOfFourAndPlainRows() {
        assumeThat(MatmulInputLanes.AVAILABLE).as("512-bit vectors").isTrue();
        Random random = new Random(23);
        // rows: one group of four, groups spanning two panels' worth of kernel steps, rows that are not a multiple
        // of four (kept as plain rows), fewer rows than a kernel step; columns: one super-block (two chunks), nine
        // (a short last chunk is impossible at 256, so chunks end exactly), and rows of 2304 with several panels
        int[][] shapes = {{4, 256}, {36, 512}, {6, 256}, {3, 768}, {68, 2304}, {13, 9 * 256}};
        for (GgmlType type : new GgmlType[] {GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K}) {
            for (int[] shape : shapes) {
                assertEveryInputCount(type, shape[0], shape[1], random);
            }
        }
    }

    @Test
    void floatMatmul_equalsTheScalarTwinBitForBit_forRaggedShapes() {
        assumeThat(MatmulInputLanes.AVAILABLE).as("512-bit vectors").isTrue();
        Random random = new Random(24);
        // columns: fewer than a vector, not a multiple of 16, one chunk and a bit; rows: fewer than a kernel step
        int[][] shapes = {{5, 7}, {9, 100}, {17, 129}, {3, 64}, {40, 300}};
        for (GgmlType type : new GgmlType[] {GgmlType.F32, GgmlType.F16, GgmlType.BF16}) {
            for (int[] shape : shapes) {
                assertEveryInputCount(type, shape[0], shape[1], random);
            }
        }
    }

    private static void assertEveryInputCount(GgmlType type, int rows, int cols, Random random) {
        MemorySegment w = KernelTwinsTest.randomMatrix(type, rows, cols, random);
        WeightMatrix m = WeightMatrix.of(type, w, rows, cols);
        for (int n : new int[] {1, 5, 16, 17, 33, 64, 70}) {
            float[] x = KernelTwinsTest.gaussian(random, n * cols, 1f);
            float[] out = new float[n * rows];
            m.matmul(x, n, out);
            assertTwinBits(m, x, n, out);
            // and each dequantised row against a plain float dot within rounding, so a wrong row cannot agree with
            // itself: the twin's row comes from the same dequantiser as the kernel's
            float[] row = new float[cols];
            for (int r = 0; r < rows; r += Math.max(1, rows / 5)) {
                m.dequantizeRow(r, row, 0);
                double exact = 0;
                double magnitude = 0;
                for (int k = 0; k < cols; k++) {
                    exact += (double) row[k] * x[k];
                    magnitude += Math.abs((double) row[k] * x[k]);
                }
                assertThat((double) out[r]).as("%s row %d", type, r)
                        .isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-6 * cols * magnitude + 1e-30));
                assertThat((double) m.dotRow(r, x, 0)).as("%s dotRow %d", type, r)
                        .isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-6 * cols * magnitude + 1e-30));
            }
        }
    }

    @Test
    void anInput_getsTheSameBitsAloneAndAmongOthers() {
        assumeThat(MatmulInputLanes.AVAILABLE).as("512-bit vectors").isTrue();
        Random random = new Random(22);
        int rows = 24;
        int cols = 288;
        WeightMatrix m = WeightMatrix.of(GgmlType.Q8_0, KernelTwinsTest.randomMatrix(GgmlType.Q8_0, rows, cols,
                random), rows, cols);
        int n = 40;
        float[] x = KernelTwinsTest.gaussian(random, n * cols, 1f);
        x[3 * cols + 5] = Float.MAX_VALUE; // an input that overflows to infinity must not touch its neighbours
        float[] all = new float[n * rows];
        m.matmul(x, n, all);
        for (int v : new int[] {0, 3, 4, 39}) {
            float[] alone = new float[rows];
            m.matmul(Arrays.copyOfRange(x, v * cols, (v + 1) * cols), 1, alone);
            assertThat(Arrays.copyOfRange(all, v * rows, (v + 1) * rows)).as("input %d", v).containsExactly(alone);
        }
        float[] part = new float[n * rows]; // inputs [7, 30) of the same call, as the batcher asks for prompt rows
        m.matmul(x, 7, 23, part);
        assertThat(Arrays.copyOfRange(part, 7 * rows, 30 * rows)).containsExactly(
                Arrays.copyOfRange(all, 7 * rows, 30 * rows));
        assertThat(Arrays.copyOfRange(part, 0, 7 * rows)).containsOnly(0f);
    }

    @Test
    void knownRows_giveTheProductsWorkedOutByHand() {
        assumeThat(MatmulInputLanes.AVAILABLE).as("512-bit vectors").isTrue();
        // two Q8_0 rows of one block: scale 0.5 (f16 0x3800); row 0 quants 1..32, row 1 all -2; inputs: all ones,
        // and one-hot at column 31
        int cols = 32;
        byte[] bytes = new byte[2 * 34];
        for (int r = 0; r < 2; r++) {
            bytes[34 * r] = 0x00;
            bytes[34 * r + 1] = 0x38;
            for (int i = 0; i < 32; i++) {
                bytes[34 * r + 2 + i] = (byte) (r == 0 ? i + 1 : -2);
            }
        }
        WeightMatrix m = WeightMatrix.of(GgmlType.Q8_0, MemorySegment.ofArray(bytes), 2, cols);
        float[] x = new float[2 * cols];
        Arrays.fill(x, 0, cols, 1f);
        x[cols + 31] = 1f;
        float[] out = new float[4];
        m.matmul(x, 2, out);
        // input 0: 0.5 * (1 + ... + 32) = 264, 0.5 * -2 * 32 = -32; input 1: 0.5 * 32 = 16, 0.5 * -2 = -1
        assertThat(out).containsExactly(264f, -32f, 16f, -1f);
    }
}
