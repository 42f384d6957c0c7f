package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * Q5_K rows interleaved by four: the scalar twin against the row-major one, the vector kernel against the twin,
 * the dequantised rows, and matvecEach against matvec. (Hand-worked blocks: {@code KnownBlocksTest}, which runs its
 * Q5_K block through these kernels as the four rows of a group.)
 */
class Q5_Kx4Test {

    private static final ValueLayout.OfShort SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final short[] EDGES = {0x7bff, (short) 0xfbff, 0x0001, 0x0400, (short) 0x8000, 0x0000, 0x3c00};

    @Test
    void theScalarTwin_givesTheBitsOfTheRowMajorScalarKernel_andTheVectorKernelAgreesWithinRounding() {
        Random random = new Random(22);
        for (int cols : new int[] {256, 2048}) {
            int rows = 8;
            MemorySegment w = randomRows(random, rows, cols);
            MemorySegment packed = Arena.ofAuto().allocate(Q5_Kx4.packedBytes(rows, cols));
            Q5_Kx4.repack(w, packed, rows, cols);
            MemorySegment[] groups = Q5_Kx4.groups(packed, rows, cols);
            float[] x = new float[cols];
            for (int i = 0; i < cols; i++) {
                x[i] = (float) random.nextGaussian() * (i % 97 == 0 ? 30 : 1);
            }
            Q8K xq = Q8K.of(x, cols);
            float[] out = new float[rows];
            boolean vector = KQuantInt8.AVAILABLE;
            for (int g = 0; g < rows / 4; g++) {
                if (vector) {
                    Q5_Kx4.dot4(groups[g], Q4_Kx4.Activations.of(xq), cols, out, 4 * g);
                }
                for (int k = 0; k < 4; k++) {
                    int r = 4 * g + k;
                    float twin = Q5_Kx4.dotScalar(groups[g], k, xq, cols);
                    float rowMajor = KQuantInt8Scalar.dotQ5_K(w, 176L * (cols / 256) * r, xq, cols);
                    assertThat(Float.floatToRawIntBits(twin)).as("row %d of %d", r, cols)
                            .isEqualTo(Float.floatToRawIntBits(rowMajor));
                    if (vector) {
                        assertThat(out[r]).as("row %d of %d", r, cols)
                                .isCloseTo(twin, Offset.offset(1e-4f * scale(w, r, cols, xq)));
                    }
                }
            }
        }
    }

    @Test
    void dequantizedRows_areExactlyTheRowMajorKernelsRows() {
        Random random = new Random(7);
        int rows = 12;
        int cols = 512;
        MemorySegment w = randomRows(random, rows, cols);
        MemorySegment packed = Arena.ofAuto().allocate(Q5_Kx4.packedBytes(rows, cols));
        Q5_Kx4.repack(w, packed, rows, cols);
        MemorySegment[] groups = Q5_Kx4.groups(packed, rows, cols);
        float[] expected = new float[cols];
        float[] actual = new float[cols];
        for (int r = 0; r < rows; r++) {
            VectorKernels.dequantize(GgmlType.Q5_K, w, 176L * (cols / 256) * r, expected, 0, cols);
            Q5_Kx4.dequantize(groups[r / 4], r % 4, actual, 0, cols);
            for (int i = 0; i < cols; i++) {
                assertThat(Float.floatToRawIntBits(actual[i])).as("row %d, element %d", r, i)
                        .isEqualTo(Float.floatToRawIntBits(expected[i]));
            }
            double squares = 0;
            for (float v : actual) {
                squares += (double) v * v;
            }
            assertThat((double) Q5_Kx4.dot(groups[r / 4], r % 4, actual, 0, cols)).as("row %d with itself", r)
                    .isCloseTo(squares, Offset.offset(1e-5 * squares + 1e-30));
        }
    }

    @Test
    void aWeightMatrix_interleavesQ5_K_andItsMatvecEachIsItsMatvecBitForBit() {
        assumeThat(KQuantInt8.AVAILABLE).as("512-bit vectors").isTrue();
        Random random = new Random(3);
        int rows = 16;
        int cols = 768;
        MemorySegment w = randomRows(random, rows, cols);
        WeightMatrix m = WeightMatrix.of(GgmlType.Q5_K, w, rows, cols);
        assertThat(m.interleaved()).isTrue();
        int n = 5;
        float[] x = new float[n * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        Arrays.fill(x, 3 * cols, 4 * cols, 0f); // one input of zeros
        float[] each = new float[n * rows];
        m.matvecEach(x, n, each);
        for (int i = 0; i < n; i++) {
            float[] input = Arrays.copyOfRange(x, i * cols, (i + 1) * cols);
            float[] one = new float[rows];
            m.matvec(input, one);
            Q8K xq = Q8K.of(input, cols);
            for (int r = 0; r < rows; r++) {
                assertThat(Float.floatToRawIntBits(each[i * rows + r])).as("input %d, row %d", i, r)
                        .isEqualTo(Float.floatToRawIntBits(one[r]));
                float rowMajor = KQuantInt8Scalar.dotQ5_K(w, 176L * (cols / 256) * r, xq, cols);
                assertThat(one[r]).isCloseTo(rowMajor, Offset.offset(1e-4f * scale(w, r, cols, xq)));
            }
        }
        float[] row = new float[cols];
        float[] expected = new float[cols];
        m.dequantizeRow(13, row, 0);
        VectorKernels.dequantize(GgmlType.Q5_K, w, 176L * (cols / 256) * 13, expected, 0, cols);
        assertThat(row).containsExactly(expected);
    }

    @Test
    void rowsNotInWholeGroups_stayInGgmlsLayout() {
        MemorySegment w = randomRows(new Random(5), 6, 256);
        assertThat(WeightMatrix.of(GgmlType.Q5_K, w, 6, 256).interleaved()).isFalse();
        assertThatThrownBy(() -> Q5_Kx4.repack(w, Arena.ofAuto().allocate(720), 6, 256))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6 x 256");
    }

    private static float scale(MemorySegment w, int r, int cols, Q8K xq) {
        float[] row = new float[cols];
        ScalarKernels.dequantize(GgmlType.Q5_K, w, 176L * (cols / 256) * r, row, 0, cols);
        double s = 0;
        for (int i = 0; i < cols; i++) {
            s += Math.abs(row[i]) * Math.abs(xq.q()[i] * xq.d()[i / 256]);
        }
        return (float) Math.max(s, 1e-3);
    }

    /** Q5_K rows of random bytes, the f16 d of some super-blocks set to the edge values. */
    private static MemorySegment randomRows(Random random, int rows, int cols) {
        byte[] bytes = new byte[rows * 176 * (cols / 256)];
        random.nextBytes(bytes);
        MemorySegment w = Arena.ofAuto().allocate(bytes.length);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, w, 0, bytes.length);
        for (long p = 0; p < bytes.length; p += 176) {
            int pick = random.nextInt(3 * EDGES.length);
            w.set(SHORT, p, pick < EDGES.length ? EDGES[pick] : Float.floatToFloat16(random.nextFloat() / 16));
            w.set(SHORT, p + 2, Float.floatToFloat16(random.nextFloat() / 64));
        }
        return w;
    }
}
