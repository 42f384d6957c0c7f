package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Q4_K rows interleaved by four: the layout, the kernel against its scalar twin and hand-worked blocks. */
class Q4_Kx4Test {

    private static final ValueLayout.OfShort SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Half floats at the edges: the largest, the smallest subnormal and normal, signed zeros, one. */
    private static final short[] EDGES = {0x7bff, (short) 0xfbff, 0x0001, 0x0400, (short) 0x8000, 0x0000, 0x3c00};

    /*
     * One super-block of four rows, written byte by byte. Row k: d = 2^-k, dmin = 2^-(k+1) (exact in f16); the
     * scale of sub-block s is s + 1 + 8 k (up to 32, so that scales past 4 use their high bits), its min is
     * 63 - s - k; every quant of sub-block s at position l is (l + s + k) % 16. The activations are 1 at
     * position 3 of every sub-block and 127 at position 0 (so Q8K's scale is -1 and the values are their negations),
     * 0 elsewhere. Row k's dot is then, per sub-block s: d * sc * (127 q(0) + q(3)) - dmin * min * 128.
     */
    @Test
    void aHandWrittenGroup_givesTheHandComputedDots_inEveryKernel() {
        int cols = 256;
        MemorySegment rows = Arena.ofAuto().allocate(4 * 144);
        float[] x = new float[cols];
        for (int s = 0; s < 8; s++) {
            x[32 * s] = 127;
            x[32 * s + 3] = 1;
        }
        float[] expected = new float[4];
        for (int k = 0; k < 4; k++) {
            long p = 144L * k;
            rows.set(SHORT, p, Float.floatToFloat16((float) Math.scalb(1.0, -k)));
            rows.set(SHORT, p + 2, Float.floatToFloat16((float) Math.scalb(1.0, -k - 1)));
            int[] sc = new int[8];
            int[] mi = new int[8];
            double dot = 0;
            for (int s = 0; s < 8; s++) {
                sc[s] = s + 1 + 8 * k;
                mi[s] = 63 - s - k;
                for (int l = 0; l < 32; l++) {
                    int q = (l + s + k) % 16;
                    long at = p + 16 + 32L * (s / 2) + l;
                    byte old = rows.get(ValueLayout.JAVA_BYTE, at);
                    rows.set(ValueLayout.JAVA_BYTE, at, (byte) (s % 2 == 0 ? (old & 0xF0) | q : (old & 0x0F) | q << 4));
                }
                dot += Math.scalb(1.0, -k) * sc[s] * (127 * ((s + k) % 16) + (3 + s + k) % 16)
                        - Math.scalb(1.0, -k - 1) * mi[s] * 128;
            }
            MemorySegment.copy(MemorySegment.ofArray(Quantizer.packScalesK4(sc, mi)), 0, rows, p + 4, 12);
            expected[k] = (float) dot;
        }
        // worked out separately from the formula above, as a check of the arithmetic
        assertThat(expected).containsExactly(-8852f, 16662f, 22971f, 20853.5f);

        MemorySegment packed = Arena.ofAuto().allocate(Q4_Kx4.packedBytes(4, cols));
        Q4_Kx4.repack(rows, packed, 4, cols);
        Q8K xq = Q8K.of(x, cols);
        assertThat(xq.d()).containsExactly(-1f); // llama.cpp's rounding: the scale is max / -127
        for (int k = 0; k < 4; k++) {
            assertThat(Q4_Kx4.dotScalar(packed, k, xq, cols)).isEqualTo(expected[k]);
            assertThat(KQuantInt8Scalar.dotQ4_K(rows, 144L * k, xq, cols)).isEqualTo(expected[k]);
            assertThat(Q4_Kx4.dot(packed, k, x, 0, cols)).isEqualTo(expected[k]);
        }
        float[] row = new float[cols];
        Q4_Kx4.dequantize(packed, 2, row, 0, cols);
        // row 2, sub-block 5, position 7: d 1/4, scale 22, min 56, dmin 1/8, quant (7 + 5 + 2) % 16 = 14
        assertThat(row[32 * 5 + 7]).isEqualTo(0.25f * 22 * 14 - 0.125f * 56);
        assumeThat(KQuantInt8.AVAILABLE).as("512-bit vectors").isTrue();
        float[] out = new float[4];
        Q4_Kx4.dot4(packed, Q4_Kx4.Activations.of(xq), cols, out, 0);
        assertThat(out).containsExactly(expected);
    }

    @Test
    void theScalarTwin_givesTheBitsOfTheRowMajorScalarKernel_andTheVectorKernelAgreesWithinRounding() {
        Random random = new Random(22);
        for (int cols : new int[] {256, 2048}) {
            int rows = 8;
            MemorySegment w = randomRows(random, rows, cols);
            MemorySegment packed = Arena.ofAuto().allocate(Q4_Kx4.packedBytes(rows, cols));
            Q4_Kx4.repack(w, packed, rows, cols);
            MemorySegment[] groups = Q4_Kx4.groups(packed, rows, cols);
            float[] x = new float[cols];
            for (int i = 0; i < cols; i++) {
                x[i] = (float) random.nextGaussian() * (i % 97 == 0 ? 30 : 1);
            }
            Q8K xq = Q8K.of(x, cols);
            float[] out = new float[rows];
            boolean vector = KQuantInt8.AVAILABLE;
            for (int g = 0; g < rows / 4; g++) {
                if (vector) {
                    Q4_Kx4.dot4(groups[g], Q4_Kx4.Activations.of(xq), cols, out, 4 * g);
                }
                for (int k = 0; k < 4; k++) {
                    int r = 4 * g + k;
                    float twin = Q4_Kx4.dotScalar(groups[g], k, xq, cols);
                    float rowMajor = KQuantInt8Scalar.dotQ4_K(w, 144L * (cols / 256) * r, xq, cols);
                    assertThat(Float.floatToRawIntBits(twin)).as("row %d of %d", r, cols)
                            .isEqualTo(Float.floatToRawIntBits(rowMajor));
                    if (vector) {
                        // the same exact integer sums, added in another float order
                        assertThat(out[r]).as("row %d of %d", r, cols)
                                .isCloseTo(twin, org.assertj.core.data.Offset.offset(1e-4f * scale(w, r, cols, xq)));
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
        WeightMatrix plain = WeightMatrix.of(GgmlType.Q4_K, w, rows, cols);
        MemorySegment packed = Arena.ofAuto().allocate(Q4_Kx4.packedBytes(rows, cols));
        Q4_Kx4.repack(w, packed, rows, cols);
        MemorySegment[] groups = Q4_Kx4.groups(packed, rows, cols);
        float[] expected = new float[cols];
        float[] actual = new float[cols];
        for (int r = 0; r < rows; r++) {
            VectorKernels.dequantize(GgmlType.Q4_K, w, 144L * (cols / 256) * r, expected, 0, cols);
            Q4_Kx4.dequantize(groups[r / 4], r % 4, actual, 0, cols);
            for (int i = 0; i < cols; i++) {
                assertThat(Float.floatToRawIntBits(actual[i])).as("row %d, element %d", r, i)
                        .isEqualTo(Float.floatToRawIntBits(expected[i]));
            }
        }
        assertThat(plain.rows()).isEqualTo(rows);
    }

    @Test
    void aWeightMatrix_interleavesQ4_K_andItsMatvecEachIsItsMatvecBitForBit() {
        assumeThat(KQuantInt8.AVAILABLE).as("512-bit vectors").isTrue();
        Random random = new Random(3);
        int rows = 16;
        int cols = 768;
        MemorySegment w = randomRows(random, rows, cols);
        WeightMatrix m = WeightMatrix.of(GgmlType.Q4_K, w, rows, cols);
        assertThat(m.interleaved()).isTrue();
        int n = 5;
        float[] x = new float[n * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        x[2 * cols + 11] = 0; // and one input of zeros:
        java.util.Arrays.fill(x, 3 * cols, 4 * cols, 0f);
        float[] each = new float[n * rows];
        m.matvecEach(x, n, each);
        for (int i = 0; i < n; i++) {
            float[] one = new float[rows];
            m.matvec(java.util.Arrays.copyOfRange(x, i * cols, (i + 1) * cols), one);
            Q8K xq = Q8K.of(java.util.Arrays.copyOfRange(x, i * cols, (i + 1) * cols), cols);
            for (int r = 0; r < rows; r++) {
                assertThat(Float.floatToRawIntBits(each[i * rows + r])).as("input %d, row %d", i, r)
                        .isEqualTo(Float.floatToRawIntBits(one[r]));
                float rowMajor = KQuantInt8Scalar.dotQ4_K(w, 144L * (cols / 256) * r, xq, cols);
                assertThat(one[r]).isCloseTo(rowMajor, org.assertj.core.data.Offset.offset(
                        1e-4f * scale(w, r, cols, xq)));
            }
        }
        float[] row = new float[cols];
        float[] expected = new float[cols];
        m.dequantizeRow(13, row, 0);
        VectorKernels.dequantize(GgmlType.Q4_K, w, 144L * (cols / 256) * 13, expected, 0, cols);
        assertThat(row).containsExactly(expected);
    }

    @Test
    void rowsNotInWholeGroups_stayInGgmlsLayout() {
        Random random = new Random(5);
        MemorySegment w = randomRows(random, 6, 256);
        assertThat(WeightMatrix.of(GgmlType.Q4_K, w, 6, 256).interleaved()).isFalse();
        assertThatThrownBy(() -> Q4_Kx4.repack(w, Arena.ofAuto().allocate(592), 6, 256))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6 x 256");
    }

    /** A bound on the magnitude of the row's terms: sum |d sc q q_x| + |dmin m sum q_x| over the row. */
    private static float scale(MemorySegment w, int r, int cols, Q8K xq) {
        float[] row = new float[cols];
        ScalarKernels.dequantize(GgmlType.Q4_K, w, 144L * (cols / 256) * r, row, 0, cols);
        double s = 0;
        for (int i = 0; i < cols; i++) {
            s += Math.abs(row[i]) * Math.abs(xq.q()[i] * xq.d()[i / 256]);
        }
        return (float) Math.max(s, 1e-3);
    }

    /** Q4_K rows of random bytes, the f16 d and dmin of some super-blocks set to the edge values. */
    private static MemorySegment randomRows(Random random, int rows, int cols) {
        byte[] bytes = new byte[rows * 144 * (cols / 256)];
        random.nextBytes(bytes);
        MemorySegment w = Arena.ofAuto().allocate(bytes.length);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, w, 0, bytes.length);
        for (long p = 0; p < bytes.length; p += 144) {
            int pick = random.nextInt(3 * EDGES.length);
            w.set(SHORT, p, pick < EDGES.length ? EDGES[pick] : Float.floatToFloat16(random.nextFloat() / 16));
            w.set(SHORT, p + 2, Float.floatToFloat16(random.nextFloat() / 64));
        }
        return w;
    }
}
