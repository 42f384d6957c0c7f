package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Q4_0 rows interleaved by four ({@link Q4_0x4}): the layout keeps every weight, the int8 kernel gives its scalar
 * twin's bits, the twin's block sums are the exact integer dots, and the result stays within the stated bound of
 * the float product; through {@link WeightMatrix}, {@code matvecEach} gives each input the bits of {@code matvec}.
 */
class Q4_0x4Test {

    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Half floats at the edges: the largest, the smallest subnormal and normal, signed zeros, one. */
    private static final short[] EDGES = {0x7bff, (short) 0xfbff, 0x0001, 0x0400, (short) 0x8000, 0x0000, 0x3c00};
    /** Row lengths of 1 to 65 blocks: short last chunks (1, 3, 9, 17, 65 blocks) and whole ones (8, 64). */
    private static final int[] COLS = {32, 96, 256, 288, 544, 2048, 2080, 4128, 8192};

    @BeforeEach
    void int8Kernels() {
        assumeThat(Int8Kernels.AVAILABLE).as("512-bit vectors").isTrue();
    }

    @Test
    void repackedRows_dequantiseToTheFloatsOfTheRowsAsTheyWere() {
        Random random = new Random(1);
        for (int cols : COLS) {
            int rows = 8;
            MemorySegment src = randomRows(random, rows, cols, false);
            MemorySegment packed = repack(src, rows, cols);
            MemorySegment[] groups = Q4_0x4.groups(packed, rows, cols);
            long rowBytes = GgmlType.Q4_0.byteSize(cols);
            for (int r = 0; r < rows; r++) {
                float[] expected = new float[cols];
                float[] actual = new float[cols];
                VectorKernels.dequantizeQ4_0(src, rowBytes * r, expected, 0, cols);
                Q4_0x4.dequantize(groups[r / 4], r % 4, actual, 0, cols);
                assertThat(actual).as("cols %d, row %d", cols, r).containsExactly(expected);
                float[] x = randomFloats(random, cols, 1f);
                double exact = 0;
                double magnitude = 0;
                for (int i = 0; i < cols; i++) {
                    exact += (double) expected[i] * x[i];
                    magnitude += Math.abs((double) expected[i] * x[i]);
                }
                assertThat((double) Q4_0x4.dot(groups[r / 4], r % 4, x, 0, cols)).as("float dot, cols %d, row %d", cols, r)
                        .isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-6 * magnitude + 1e-30));
            }
        }
    }

    @Test
    void theVectorKernel_givesTheBitsOfItsScalarTwin_onRandomAndExtremeBlocks() {
        Random random = new Random(2);
        for (int cols : COLS) {
            for (boolean extreme : new boolean[] {false, true}) {
                int rows = 8;
                MemorySegment packed = repack(randomRows(random, rows, cols, extreme), rows, cols);
                MemorySegment[] groups = Q4_0x4.groups(packed, rows, cols);
                float[] x = randomFloats(random, cols, extreme ? 1e3f : 1f);
                if (extreme) { // every block's largest activation at its two ends, the rest at +-127 or 0
                    for (int i = 0; i < cols; i++) {
                        x[i] = i % 5 == 0 ? 0f : (i % 2 == 0 ? 1e3f : -1e3f);
                    }
                }
                Int8Kernels.Q8 xq = Int8Kernels.Q8.of(x, cols);
                Q4_0x4.Activations xa = Q4_0x4.Activations.of(xq);
                float[] out = new float[rows];
                Arrays.fill(out, Float.NaN);
                for (int g = 0; g < groups.length; g++) {
                    Q4_0x4.dot4(groups[g], xa, cols, out, 4 * g);
                }
                for (int r = 0; r < rows; r++) {
                    float twin = Q4_0x4.dotScalar(groups[r / 4], r % 4, xq, cols);
                    assertThat(Float.floatToRawIntBits(out[r])).as("cols %d, extreme %b, row %d: %s vs %s", cols,
                            extreme, r, out[r], twin).isEqualTo(Float.floatToRawIntBits(twin));
                }
            }
        }
    }

    /*
     * The twin against a reference written independently from ggml's layout: per block the exact integer sum of
     * (q - 8) * x_q in a long, times d_w * d_x in double. Only the twin's float accumulation differs from it, so
     * the two agree to float rounding of the partial sums.
     */
    @Test
    void theTwinsBlockSums_areTheExactIntegerDots() {
        Random random = new Random(3);
        for (int cols : COLS) {
            int rows = 4;
            MemorySegment src = randomRows(random, rows, cols, true);
            MemorySegment[] groups = Q4_0x4.groups(repack(src, rows, cols), rows, cols);
            float[] x = randomFloats(random, cols, 1f);
            Int8Kernels.Q8 xq = Int8Kernels.Q8.of(x, cols);
            long rowBytes = GgmlType.Q4_0.byteSize(cols);
            for (int r = 0; r < rows; r++) {
                double exact = 0;
                double magnitude = 0;
                for (int b = 0; b < cols / 32; b++) {
                    long p = rowBytes * r + 18L * b;
                    long sum = 0;
                    for (int i = 0; i < 16; i++) {
                        int v = src.get(ValueLayout.JAVA_BYTE, p + 2 + i) & 0xff;
                        sum += (long) ((v & 15) - 8) * xq.q()[32 * b + i] + (long) ((v >> 4) - 8) * xq.q()[32 * b + 16 + i];
                    }
                    double scale = (double) (Float.float16ToFloat(src.get(SHORT, p)) * xq.d()[b]);
                    exact += sum * scale;
                    magnitude += Math.abs(sum * scale) + 8 * 32 * 127 * Math.abs(scale);
                }
                float twin = Q4_0x4.dotScalar(groups[r / 4], r % 4, xq, cols);
                assertThat(Math.abs(twin - exact)).as("cols %d, row %d: %s vs %s", cols, r, twin, exact)
                        .isLessThanOrEqualTo(1e-6 * magnitude);
            }
        }
    }

    /** The bound of {@link WeightMatrix#matvec}: {@code sum_c |W[r][c]| * max|x_block(c)| / 254}, plus float rounding. */
    @Test
    void theMatvec_staysWithinTheStatedBoundOfTheFloatProduct() {
        Random random = new Random(4);
        int rows = 12;
        int cols = 544;
        MemorySegment src = randomRows(random, rows, cols, false);
        float[] w = new float[rows * cols];
        long rowBytes = GgmlType.Q4_0.byteSize(cols);
        for (int r = 0; r < rows; r++) {
            VectorKernels.dequantizeQ4_0(src, rowBytes * r, w, r * cols, cols);
        }
        WeightMatrix m = WeightMatrix.of(GgmlType.Q4_0, copy(src), rows, cols);
        float[] x = randomFloats(random, cols, 3f);
        float[] out = new float[rows];
        m.matvec(x, out);
        for (int r = 0; r < rows; r++) {
            double exact = 0;
            double bound = 0;
            double magnitude = 0;
            for (int b = 0; b < cols / 32; b++) {
                double amax = 0;
                for (int i = 0; i < 32; i++) {
                    amax = Math.max(amax, Math.abs(x[32 * b + i]));
                }
                for (int i = 32 * b; i < 32 * b + 32; i++) {
                    exact += (double) w[r * cols + i] * x[i];
                    bound += Math.abs(w[r * cols + i]) * amax / 254;
                    magnitude += Math.abs((double) w[r * cols + i] * x[i]);
                }
            }
            assertThat(Math.abs(out[r] - exact)).as("row %d", r).isLessThanOrEqualTo(bound + 1e-5 * magnitude);
            assertThat(out[r]).as("row %d differs from the float product (int8 activations in use)", r)
                    .isNotEqualTo((float) exact);
        }
    }

    /* Row k, block b: d = 2^-k, every nibble 15 (weight 7) in the low half and 0 (weight -8) in the high half. */
    @Test
    void aHandWrittenGroup_givesTheHandComputedDots() {
        int cols = 64;
        int rows = 4;
        MemorySegment src = Arena.ofAuto().allocate(GgmlType.Q4_0.byteSize(cols) * rows);
        long rowBytes = GgmlType.Q4_0.byteSize(cols);
        for (int k = 0; k < rows; k++) {
            for (int b = 0; b < 2; b++) {
                long p = rowBytes * k + 18L * b;
                src.set(SHORT, p, Float.floatToFloat16((float) Math.scalb(1.0, -k)));
                for (int i = 0; i < 16; i++) {
                    src.set(ValueLayout.JAVA_BYTE, p + 2 + i, (byte) 0x0f);
                }
            }
        }
        // activations: 127 on the first 16 of each block, -127 on the last 16: scale 1, the int8 values themselves
        float[] x = new float[cols];
        for (int i = 0; i < cols; i++) {
            x[i] = i % 32 < 16 ? 127f : -127f;
        }
        // per block: 16 * 7 * 127 + 16 * (-8) * (-127) = 14224 + 16256 = 30480; two blocks: 60960, times 2^-k
        float[] out = new float[rows];
        WeightMatrix.of(GgmlType.Q4_0, copy(src), rows, cols).matvec(x, out);
        float[] direct = new float[rows];
        MemorySegment packed = repack(src, rows, cols);
        Q4_0x4.dot4(Q4_0x4.groups(packed, rows, cols)[0], Q4_0x4.Activations.of(Int8Kernels.Q8.of(x, cols)), cols,
                direct, 0);
        for (int k = 0; k < rows; k++) {
            assertThat(out[k]).as("row %d", k).isEqualTo((float) Math.scalb(60960.0, -k));
            assertThat(direct[k]).as("dot4, row %d", k).isEqualTo((float) Math.scalb(60960.0, -k));
        }
    }

    /*
     * The largest sums the fold meets: every nibble 15 (weight 7) and every activation 127 (scale 1), so each short
     * holds 2 * 15 * 127 = 3810 and each int lane, before the activation sum comes off, 7620. Per block
     * 7 * 127 * 32 = 28448; every partial sum is an integer below 2^24, so the floats are exact, kernel and twin alike.
     */
    @Test
    void everyNibble15AndEveryActivation127_givesTheExactDot_onEveryRowLength() {
        for (int cols : COLS) {
            int rows = 4;
            MemorySegment src = Arena.ofAuto().allocate(GgmlType.Q4_0.byteSize(cols) * rows, 64);
            long rowBytes = GgmlType.Q4_0.byteSize(cols);
            for (int k = 0; k < rows; k++) {
                for (int b = 0; b < cols / 32; b++) {
                    long p = rowBytes * k + 18L * b;
                    src.set(SHORT, p, Float.floatToFloat16(1f));
                    for (int i = 0; i < 16; i++) {
                        src.set(ValueLayout.JAVA_BYTE, p + 2 + i, (byte) 0xff);
                    }
                }
            }
            float[] x = new float[cols];
            Arrays.fill(x, 127f);
            Int8Kernels.Q8 xq = Int8Kernels.Q8.of(x, cols);
            MemorySegment[] groups = Q4_0x4.groups(repack(src, rows, cols), rows, cols);
            float[] out = new float[rows];
            Q4_0x4.dot4(groups[0], Q4_0x4.Activations.of(xq), cols, out, 0);
            for (int k = 0; k < rows; k++) {
                assertThat(out[k]).as("cols %d, row %d", cols, k).isEqualTo(28448f * (cols / 32));
                assertThat(Q4_0x4.dotScalar(groups[0], k, xq, cols)).as("twin, cols %d, row %d", cols, k)
                        .isEqualTo(28448f * (cols / 32));
            }
        }
    }

    @Test
    void matvecEach_givesEveryInputTheBitsOfMatvecAlone() {
        Random random = new Random(5);
        int rows = 4 * (WeightMatrix.EACH_TILE_GROUPS + 3);
        int cols = 288;
        WeightMatrix m = WeightMatrix.of(GgmlType.Q4_0, copy(randomRows(random, rows, cols, false)), rows, cols);
        for (int n = 2; n <= 5; n++) {
            float[] x = randomFloats(random, n * cols, 2f);
            float[] each = new float[n * rows];
            m.matvecEach(x, n, each);
            for (int i = 0; i < n; i++) {
                float[] alone = new float[rows];
                m.matvec(Arrays.copyOfRange(x, i * cols, (i + 1) * cols), alone);
                for (int r = 0; r < rows; r++) {
                    assertThat(Float.floatToRawIntBits(each[i * rows + r])).as("%d inputs: input %d, row %d", n, i, r)
                            .isEqualTo(Float.floatToRawIntBits(alone[r]));
                }
            }
        }
    }

    private static MemorySegment repack(MemorySegment src, int rows, int cols) {
        MemorySegment dst = Arena.ofAuto().allocate(src.byteSize(), 64);
        Q4_0x4.repack(src, dst, rows, cols);
        return dst;
    }

    private static MemorySegment copy(MemorySegment src) {
        MemorySegment dst = Arena.ofAuto().allocate(src.byteSize(), 64);
        dst.copyFrom(src);
        return dst;
    }

    /** Random Q4_0 rows; {@code extreme}: nibbles only 0 or 15 and scales at the f16 edges, some subnormal. */
    static MemorySegment randomRows(Random random, int rows, int cols, boolean extreme) {
        long rowBytes = GgmlType.Q4_0.byteSize(cols);
        MemorySegment w = Arena.ofAuto().allocate(rowBytes * rows, 64);
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < cols / 32; b++) {
                long p = rowBytes * r + 18L * b;
                short d = extreme && random.nextInt(3) == 0 ? EDGES[random.nextInt(EDGES.length)]
                        : Float.floatToFloat16(random.nextFloat(-0.05f, 0.05f));
                w.set(SHORT, p, d);
                for (int i = 0; i < 16; i++) {
                    int lo = extreme ? (random.nextBoolean() ? 15 : 0) : random.nextInt(16);
                    int hi = extreme ? (random.nextBoolean() ? 15 : 0) : random.nextInt(16);
                    w.set(ValueLayout.JAVA_BYTE, p + 2 + i, (byte) (lo | hi << 4));
                }
            }
        }
        return w;
    }

    private static float[] randomFloats(Random random, int n, float scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextGaussian() * scale;
        }
        return x;
    }
}
