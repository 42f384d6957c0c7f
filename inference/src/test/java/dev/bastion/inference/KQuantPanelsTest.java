package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** K-quant groups dequantised four rows at once ({@link KQuantPanels}) against the row-at-a-time dequantisers. */
class KQuantPanelsTest {

    @Test
    void rowRanges_dequantiseToTheFloatsOfEachRowAlone_bitForBit() {
        Random random = new Random(31);
        int rows = 12;
        for (GgmlType type : new GgmlType[] {GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K}) {
            for (int cols : new int[] {256, 3 * 256}) {
                MemorySegment w = KernelTwinsTest.randomMatrix(type, rows, cols, random);
                WeightMatrix m = WeightMatrix.of(type, w, rows, cols);
                assumeThat(m.interleaved()).as("groups of four need the vector kernels").isTrue();
                float[] alone = new float[rows * cols];
                for (int r = 0; r < rows; r++) {
                    m.dequantizeRow(r, alone, r * cols);
                }
                // whole groups, a range that starts and ends inside a group, one row, and an offset into the output
                int[][] ranges = {{0, 12}, {4, 4}, {1, 10}, {6, 5}, {3, 1}, {9, 3}};
                for (int[] range : ranges) {
                    int r = range[0];
                    int count = range[1];
                    float[] out = new float[7 + count * cols + 5];
                    Arrays.fill(out, Float.NaN);
                    m.dequantizeRows(r, count, out, 7);
                    for (int i = 0; i < count * cols; i++) {
                        assertThat(Float.floatToRawIntBits(out[7 + i])).as("%s cols %d rows [%d, +%d) element %d",
                                type, cols, r, count, i).isEqualTo(Float.floatToRawIntBits(alone[r * cols + i]));
                    }
                    assertThat(Arrays.copyOfRange(out, 0, 7)).as("before the range").containsOnly(Float.NaN);
                    assertThat(Arrays.copyOfRange(out, 7 + count * cols, out.length)).as("after the range")
                            .containsOnly(Float.NaN);
                }
            }
        }
    }

    @Test
    void everyQuantValue_comesOutOfAGroupAsFromItsRow() {
        // rows quantised from values spread over the whole range, so that every nibble and high-bit pattern occurs
        // in every row of a group (a wrong shift or mask would move a row's bits into its neighbour's)
        int rows = 4;
        int cols = 256;
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = ((i * 37) % 64 - 31.5f) / 32f * (1 + (i / cols));
        }
        for (GgmlType type : new GgmlType[] {GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K}) {
            byte[] bytes = Quantizer.quantize(type, values);
            MemorySegment w = java.lang.foreign.Arena.ofAuto().allocate(bytes.length, 64);
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, w, 0, bytes.length);
            WeightMatrix m = WeightMatrix.of(type, w, rows, cols);
            assumeThat(m.interleaved()).as("groups of four need the vector kernels").isTrue();
            float[] group = new float[rows * cols];
            m.dequantizeRows(0, rows, group, 0);
            float[] row = new float[cols];
            for (int r = 0; r < rows; r++) {
                m.dequantizeRow(r, row, 0);
                assertThat(Arrays.copyOfRange(group, r * cols, (r + 1) * cols)).as("%s row %d", type, r)
                        .containsExactly(row);
                for (int k = 0; k < cols; k++) { // and near the values quantised: the rows are not swapped
                    assertThat(row[k]).as("%s row %d col %d", type, r, k)
                            .isCloseTo(values[r * cols + k], org.assertj.core.data.Offset.offset(0.2f * (1 + r)));
                }
            }
        }
    }
}
