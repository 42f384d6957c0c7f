package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link WeightMatrix#matvecEach} on interleaved K-quant groups, which it runs in tiles of
 * {@link WeightMatrix#EACH_TILE_GROUPS} groups through the single-input kernels: on matrices of several tiles and a
 * partial last one, split over the pool's threads, every input gets the bits of its own {@link WeightMatrix#matvec},
 * and each product is the float product of the dequantised row within the int8 rounding of the input.
 */
class KQuantTilesEachTest {

    @Test
    void severalTilesAndAPartialOne_giveEveryInputTheBitsOfItsOwnMatvec() {
        Random random = new Random(23);
        int rows = 4 * (2 * WeightMatrix.EACH_TILE_GROUPS + 3); // two full tiles and three groups
        int cols = 512;
        for (GgmlType type : new GgmlType[] {GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K}) {
            WeightMatrix m = WeightMatrix.of(type, KernelTwinsTest.randomMatrix(type, rows, cols, random), rows, cols);
            assertThat(m.interleaved()).as("%s rows are interleaved by four", type).isTrue();
            for (int n : new int[] {2, 3, 4, 5, 8}) {
                float[] x = new float[n * cols];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) random.nextGaussian();
                }
                x[3] = 40f; // an outlier in the first input's first block
                float[] each = new float[n * rows];
                m.matvecEach(x, n, each);
                float[] one = new float[rows];
                float[] row = new float[cols];
                for (int i = 0; i < n; i++) {
                    float[] input = Arrays.copyOfRange(x, i * cols, (i + 1) * cols);
                    m.matvec(input, one);
                    for (int r = 0; r < rows; r++) {
                        assertThat(Float.floatToRawIntBits(each[i * rows + r]))
                                .as("%s, %d inputs: input %d, row %d", type, n, i, r)
                                .isEqualTo(Float.floatToRawIntBits(one[r]));
                    }
                    for (int r : new int[] {0, 4 * WeightMatrix.EACH_TILE_GROUPS - 1, 4 * WeightMatrix.EACH_TILE_GROUPS,
                            rows - 1}) { // rows on both sides of a tile's edge, and the last
                        m.dequantizeRow(r, row, 0);
                        double exact = 0;
                        double bound = 0;
                        for (int c = 0; c < cols; c++) {
                            exact += (double) row[c] * input[c];
                            bound += Math.abs(row[c]);
                        }
                        // the input rounded to int8 per block of 256: at most max|x| / 254 per column
                        double maxX = 0;
                        for (float v : input) {
                            maxX = Math.max(maxX, Math.abs(v));
                        }
                        assertThat((double) each[i * rows + r]).as("%s input %d row %d", type, i, r)
                                .isCloseTo(exact, org.assertj.core.api.Assertions.within(bound * maxX / 254 + 1e-3));
                    }
                }
            }
        }
    }
}
