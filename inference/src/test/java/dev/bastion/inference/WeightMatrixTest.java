package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WeightMatrixTest {

    @BeforeAll
    static void twoThreads() {
        try {
            Parallel.configure(2);
        } catch (IllegalStateException alreadyRunning) {
            // another test class started the pool first; the thread test below checks the size it got
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"})
    void matvecMatmulAndScalarKernels_agree(GgmlType type) {
        Random random = new Random(3);
        int rows = 13;
        int cols = type.blockSize() == 1 ? 97 : 3 * type.blockSize();
        MemorySegment data = KernelTwinsTest.randomMatrix(type, rows, cols, random);
        WeightMatrix m = WeightMatrix.of(type, data, rows, cols);
        WeightMatrix scalar = scalarMatrix(type, data, rows, cols);
        for (int n : new int[] {1, 4, 7, 9}) {
            float[] x = KernelTwinsTest.gaussian(random, n * cols, 1f);
            float[] batched = new float[n * rows];
            m.matmul(x, n, batched);
            float[] scalarBatched = new float[n * rows];
            scalar.matmul(x, n, scalarBatched);
            for (int i = 0; i < n; i++) {
                float[] xi = new float[cols];
                System.arraycopy(x, i * cols, xi, 0, cols);
                float[] single = new float[rows];
                m.matvec(xi, single);
                for (int r = 0; r < rows; r++) {
                    float ref = ScalarKernels.dot(type, data, r * type.byteSize(cols), x, i * cols, cols);
                    float tol = 1e-4f * (1 + Math.abs(ref));
                    float matvecTol = int8Activations(type) ? int8Bound(m, r, xi) + tol : tol;
                    assertThat(single[r]).as("matvec %s n=%d i=%d r=%d", type, n, i, r)
                            .isCloseTo(ref, within(matvecTol));
                    assertThat(batched[i * rows + r]).as("matmul %s n=%d i=%d r=%d", type, n, i, r)
                            .isCloseTo(ref, within(tol));
                    assertThat(scalarBatched[i * rows + r]).isEqualTo(ref);
                    assertThat(m.dotRow(r, x, i * cols)).isCloseTo(single[r], within(matvecTol));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0", "Q4_K"})
    void matvecOnTwoThreads_equalsMatvecOnOneThread(GgmlType type) {
        assumeTrue(Parallel.threads() == 2, "the pool runs with " + Parallel.threads() + " threads");
        Random random = new Random(5);
        int rows = 1000;
        int cols = 512;
        WeightMatrix m = WeightMatrix.of(type, KernelTwinsTest.randomMatrix(type, rows, cols, random), rows, cols);
        float[] x = KernelTwinsTest.gaussian(random, cols, 1f);
        float[] parallel = new float[rows];
        m.matvec(x, parallel);
        float[] serial = new float[rows];
        // a forRange called from inside a chunk runs inline, on that chunk's one thread
        Parallel.forRange(2, (s, e) -> {
            if (s == 0) {
                m.matvec(x, serial);
            }
        });
        // Equal up to the order of the lane sums: a chunk that runs before C2 has compiled the kernel sums the
        // lanes in order, the compiled kernel as a tree (seen once in a full suite run, Q8_0). A lost, repeated
        // or misplaced row would be off by the whole value.
        for (int r = 0; r < rows; r++) {
            assertThat(parallel[r]).as("row %d", r).isCloseTo(serial[r], within(1e-5f * (1 + Math.abs(serial[r]))));
        }
        float[] rowByRow = new float[rows];
        for (int r = 0; r < rows; r++) {
            rowByRow[r] = m.dotRow(r, x, 0);
        }
        if (!int8Activations(type)) { // Q8_0, Q4_0 and K-quant matvec use int8 activations, dotRow floats
            for (int r = 0; r < rows; r++) {
                assertThat(parallel[r]).as("dotRow %d", r)
                        .isCloseTo(rowByRow[r], within(1e-5f * (1 + Math.abs(rowByRow[r]))));
            }
        }
    }

    @Test
    void dequantizeRow_writesTheRowAtTheOffset() {
        float[] values = {1f, -2f, 3f, 0.5f, 7f, 8f};
        WeightMatrix m = WeightMatrix.of(GgmlType.F16, MemorySegment.ofArray(Quantizer.quantize(GgmlType.F16,
                values)), 2, 3);
        float[] out = new float[5];
        m.dequantizeRow(1, out, 2);
        assertThat(out).containsExactly(0f, 0f, 0.5f, 7f, 8f);
        assertThat(m.dotRow(0, new float[] {1f, 1f, 1f}, 0)).isEqualTo(2f);
    }

    @Test
    void dataOfTheWrongSize_isRefusedWithBothSizes() {
        MemorySegment data = MemorySegment.ofArray(new byte[144 * 2 - 1]);
        assertThatThrownBy(() -> WeightMatrix.of(GgmlType.Q4_K, data, 2, 256))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("288").hasMessageContaining("287");
    }

    @Test
    void colsThatAreNotWholeBlocks_andUnsupportedTypes_areRefused() {
        MemorySegment data = MemorySegment.ofArray(new byte[1000]);
        assertThatThrownBy(() -> WeightMatrix.of(GgmlType.Q8_0, data, 1, 40))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blocks of 32");
        assertThatThrownBy(() -> WeightMatrix.of(GgmlType.Q2_K, data, 1, 256))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Q2_K is not supported");
        assertThatThrownBy(() -> WeightMatrix.of(GgmlType.F32, data, 0, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
    }

    @Test
    void rowsAndArraysOutOfRange_areRefused() {
        WeightMatrix m = WeightMatrix.of(GgmlType.F32, MemorySegment.ofArray(new byte[4 * 6]), 2, 3);
        assertThatThrownBy(() -> m.dotRow(2, new float[3], 0)).hasMessageContaining("row 2 is outside [0, 2)");
        assertThatThrownBy(() -> m.dotRow(0, new float[3], 1)).hasMessageContaining("from offset 1");
        assertThatThrownBy(() -> m.matvec(new float[2], new float[2])).hasMessageContaining("x has length 2");
        assertThatThrownBy(() -> m.matmul(new float[6], 2, new float[3])).hasMessageContaining("out has length 3");
        assertThatThrownBy(() -> m.matmul(new float[6], -1, new float[3])).hasMessageContaining("negative");
    }

    /** Whether matvec rounds x to int8 for this type (with the vector kernels, see WeightMatrix.matvec). */
    private static boolean int8Activations(GgmlType type) {
        // Q4_0: in groups of four rows (Q4_0x4) with the 512-bit kernels; a looser bound elsewhere is still a bound
        return type == GgmlType.Q8_0 || type == GgmlType.Q4_0 || type.blockSize() == 256;
    }

    /**
     * Matvec rounds x to int8 blocks (32 values for Q8_0 and Q4_0, 256 for the K-quants): sum_c |W[r][c]| *
     * max|x_block(c)| / 254 (see WeightMatrix.matvec).
     */
    private static float int8Bound(WeightMatrix m, int r, float[] x) {
        float[] row = new float[m.cols()];
        m.dequantizeRow(r, row, 0);
        int block = m.type().blockSize();
        double bound = 0;
        for (int b = 0; b < m.cols() / block; b++) {
            float amax = 0f;
            for (int i = 0; i < block; i++) {
                amax = Math.max(amax, Math.abs(x[block * b + i]));
            }
            for (int i = 0; i < block; i++) {
                bound += Math.abs(row[block * b + i]) * amax / 254;
            }
        }
        return (float) (bound * 1.01);
    }

    private static WeightMatrix scalarMatrix(GgmlType type, MemorySegment data, int rows, int cols) {
        System.setProperty("bastion.inference.scalar", "true");
        try {
            return WeightMatrix.of(type, data, rows, cols);
        } finally {
            System.clearProperty("bastion.inference.scalar");
        }
    }
}
