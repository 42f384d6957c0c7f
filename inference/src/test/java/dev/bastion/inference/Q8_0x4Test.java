package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Q8_0 rows interleaved by four: the layout, the kernel against its scalar twin and hand-worked blocks. */
class Q8_0x4Test {

    private static final ValueLayout.OfShort SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Test
    void halves_convertEveryF16Value_exactlyAsFloat16ToFloat() {
        short[] all = new short[65536];
        for (int i = 0; i < all.length; i++) {
            all[i] = (short) i;
        }
        float[] out = new float[65536];
        Q8_0x4.halves(MemorySegment.ofArray(all), 0, all.length, out);
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

    /*
     * Four rows of one block, written byte by byte: row k has scale 2^-k (exact in f16) and quants q_k[i] = (i - 16)
     * * (k + 1), clamped to [-128, 127]. The activations are integers with 127 in the block, so they quantise to
     * scale 1 and themselves. Row k's dot is then 2^-k * sum_i q_k[i] * x[i], worked out below in integers.
     */
    @Test
    void aHandWrittenGroup_givesTheHandComputedDots_inEveryKernel() {
        assumeThat(Int8Kernels.AVAILABLE).as("512-bit vectors").isTrue();
        int cols = 32;
        MemorySegment rows = Arena.ofAuto().allocate(4 * 34);
        float[] x = new float[32];
        for (int i = 0; i < 32; i++) {
            x[i] = i % 3 == 0 ? -1 : 2;
        }
        x[5] = 127;
        float[] expected = new float[4];
        for (int k = 0; k < 4; k++) {
            rows.set(SHORT, 34L * k, Float.floatToFloat16((float) Math.scalb(1.0, -k)));
            long sum = 0;
            for (int i = 0; i < 32; i++) {
                int q = Math.max(-128, Math.min(127, (i - 16) * (k + 1)));
                rows.set(ValueLayout.JAVA_BYTE, 34L * k + 2 + i, (byte) q);
                sum += q * (long) x[i];
            }
            expected[k] = (float) Math.scalb((double) sum, -k);
        }
        assertThat(expected).containsExactly(-1374f, -1374f, -1030.5f, -687f); // worked out separately, as a check

        MemorySegment packed = Q8_0x4.repack(rows, 4, cols);
        Int8Kernels.Q8 xq = Int8Kernels.Q8.of(x, cols);
        assertThat(xq.d()).containsExactly(1f);
        float[] out = new float[4];
        Q8_0x4.dot4(packed, 0, Q8_0x4.widen(xq), xq.d(), cols, out, 0);
        assertThat(out).containsExactly(expected);
        float[] asTheyCome = new float[4];
        Q8_0x4.dot4(packed, xq.q(), xq.d(), cols, asTheyCome, 0);
        assertThat(asTheyCome).containsExactly(expected);
        for (int k = 0; k < 4; k++) {
            assertThat(Q8_0x4.dotScalar(packed, 0, k, xq, cols)).isEqualTo(expected[k]);
            assertThat(Q8_0x4.dot(packed, 0, k, x, 0, cols)).isEqualTo(expected[k]);
        }
        float[] row = new float[cols];
        Q8_0x4.dequantize(packed, 0, 2, row, 0, cols);
        assertThat(row[0]).isEqualTo(-48 * 0.25f);
        assertThat(row[31]).isEqualTo(45 * 0.25f);
        WeightMatrix m = WeightMatrix.of(GgmlType.Q8_0, rows, 4, cols);
        float[] viaMatrix = new float[4];
        m.matvec(x, viaMatrix);
        assertThat(viaMatrix).containsExactly(expected);
    }

    /*
     * The largest products: weights of +-127 and -128 against activations of +-127 (scale 1). Four products of one
     * pair of lanes reach 4 * 128 * 127 = 65024, more than a short holds: the kernel must add its pairs in ints.
     * Row k's dot is sum_i w_k[i] * x[i] with x[i] = 127 for even i, -127 for odd i.
     */
    @Test
    void theLargestQuants_doNotOverflowThePairSums() {
        assumeThat(Int8Kernels.AVAILABLE).as("512-bit vectors").isTrue();
        int cols = 32;
        int[][] w = new int[4][32];
        for (int i = 0; i < 32; i++) {
            w[0][i] = 127;                      // 16 * 127 * 127 - 16 * 127 * 127 = 0 (every pair of lanes at 0, not the most)
            w[1][i] = i % 2 == 0 ? 127 : -127;  // 32 * 127 * 127 = 516128
            w[2][i] = i % 2 == 0 ? -128 : 127;  // 16 * -128 * 127 + 16 * 127 * -127 = -518160
            w[3][i] = i < 16 ? 127 : -128;      // each half times alternating +-127: 0
        }
        float[] expected = {0f, 516128f, -16 * 128 * 127 - 16 * 127 * 127, 0f};
        MemorySegment rows = Arena.ofAuto().allocate(4 * 34);
        for (int k = 0; k < 4; k++) {
            rows.set(SHORT, 34L * k, Float.floatToFloat16(1f));
            for (int i = 0; i < 32; i++) {
                rows.set(ValueLayout.JAVA_BYTE, 34L * k + 2 + i, (byte) w[k][i]);
            }
        }
        float[] x = new float[32];
        for (int i = 0; i < 32; i++) {
            x[i] = i % 2 == 0 ? 127 : -127;
        }
        Int8Kernels.Q8 xq = Int8Kernels.Q8.of(x, cols);
        MemorySegment packed = Q8_0x4.repack(rows, 4, cols);
        float[] out = new float[4];
        Q8_0x4.dot4(packed, 0, Q8_0x4.widen(xq), xq.d(), cols, out, 0);
        assertThat(out).containsExactly(expected);
        float[] asTheyCome = new float[4];
        Q8_0x4.dot4(packed, xq.q(), xq.d(), cols, asTheyCome, 0);
        assertThat(asTheyCome).containsExactly(expected);
        for (int k = 0; k < 4; k++) {
            assertThat(Q8_0x4.dotScalar(packed, 0, k, xq, cols)).isEqualTo(expected[k]);
        }
    }

    /**
     * Round twenty's kernel (activations as they come, two accumulators) against the kernel that reads them widened
     * (four accumulators): the same bits on every shape, activation scale and weight scale, subnormal f16 scales
     * included.
     */
    @Test
    void theKernelReadingActivationsAsTheyCome_givesTheBitsOfTheWidenedOne() {
        assumeThat(Int8Kernels.AVAILABLE).as("512-bit vectors").isTrue();
        Random random = new Random(20);
        for (int cols : new int[] {32, 64, 96, 160, 2048, 8192}) {
            for (float scale : new float[] {1e-3f, 1f, 300f}) {
                for (boolean subnormal : new boolean[] {false, true}) {
                    int rows = 8;
                    MemorySegment w = KernelTwinsTest.randomMatrix(GgmlType.Q8_0, rows, cols, random);
                    if (subnormal) { // every other block's scale a random subnormal f16
                        for (long b = 0; b < rows * (cols / 32L); b += 2) {
                            w.set(SHORT, 34 * b, (short) (1 + random.nextInt(0x3ff) | (random.nextBoolean() ? 0x8000 : 0)));
                        }
                    }
                    MemorySegment packed = Q8_0x4.repack(w, rows, cols);
                    MemorySegment[] groups = Q8_0x4.groups(packed, rows, cols);
                    Int8Kernels.Q8 xq = Int8Kernels.Q8.of(KernelTwinsTest.gaussian(random, cols, scale), cols);
                    float[] widened = new float[rows];
                    float[] asTheyCome = new float[rows];
                    for (int g = 0; g < groups.length; g++) {
                        Q8_0x4.dot4(groups[g], Q8_0x4.widen(xq), xq.d(), cols, widened, 4 * g);
                        Q8_0x4.dot4(groups[g], xq.q(), xq.d(), cols, asTheyCome, 4 * g);
                    }
                    for (int r = 0; r < rows; r++) {
                        assertThat(Float.floatToRawIntBits(asTheyCome[r]))
                                .as("row %d, %d columns, x scale %s, subnormal %s", r, cols, scale, subnormal)
                                .isEqualTo(Float.floatToRawIntBits(widened[r]));
                    }
                }
            }
        }
    }

    @Test
    void theScalarTwin_onTheRepackedRows_equalsTheRowMajorScalarKernel_exactly() {
        Random random = new Random(5);
        int rows = 11;
        int cols = 7 * 32;
        MemorySegment w = KernelTwinsTest.randomMatrix(GgmlType.Q8_0, rows, cols, random);
        MemorySegment packed = Q8_0x4.repack(w, rows, cols);
        Int8Kernels.Q8 xq = Int8Kernels.Q8.of(KernelTwinsTest.gaussian(random, cols, 1f), cols);
        long rb = GgmlType.Q8_0.byteSize(cols);
        for (int r = 0; r < 8; r++) {
            assertThat(Q8_0x4.dotScalar(packed, rb * (r - r % 4), r % 4, xq, cols))
                    .isEqualTo(ScalarKernels.dotQ8_0Int8(w, rb * r, xq, cols));
        }
        for (int r = 8; r < rows; r++) { // the rows past the last group keep their layout
            assertThat(packed.asSlice(rb * r, rb).mismatch(w.asSlice(rb * r, rb))).isEqualTo(-1L);
        }
    }

    @Test
    void theVectorKernel_matchesItsScalarTwin_onRandomRows() {
        assumeThat(Int8Kernels.AVAILABLE).as("512-bit vectors").isTrue();
        Random random = new Random(8);
        for (int cols : new int[] {32, 96, 2048}) {
            int rows = 8;
            MemorySegment packed = Q8_0x4.repack(KernelTwinsTest.randomMatrix(GgmlType.Q8_0, rows, cols, random),
                    rows, cols);
            Int8Kernels.Q8 xq = Int8Kernels.Q8.of(KernelTwinsTest.gaussian(random, cols, 1f), cols);
            float[] out = new float[rows];
            long gb = Q8_0x4.groupBytes(cols);
            Q8_0x4.dot4(packed, 0, Q8_0x4.widen(xq), xq.d(), cols, out, 0);
            Q8_0x4.dot4(packed, gb, Q8_0x4.widen(xq), xq.d(), cols, out, 4);
            for (int r = 0; r < rows; r++) {
                float twin = Q8_0x4.dotScalar(packed, gb * (r / 4), r % 4, xq, cols);
                assertThat(out[r]).as("row %d of %d columns", r, cols)
                        .isCloseTo(twin, org.assertj.core.api.Assertions.within(1e-4f * (1 + Math.abs(twin))));
            }
        }
    }

    /** Round fourteen summed the lanes in place (no boxed vectors): the bits of the kernel before, on every shape. */
    @Test
    void theVectorKernel_givesTheBitsOfRoundThirteensLaneSums() {
        assumeThat(Int8Kernels.AVAILABLE).as("512-bit vectors").isTrue();
        Random random = new Random(14);
        for (int cols : new int[] {32, 64, 96, 2048, 8192}) {
            for (float scale : new float[] {1e-3f, 1f, 300f}) {
                int rows = 8;
                MemorySegment packed = Q8_0x4.repack(KernelTwinsTest.randomMatrix(GgmlType.Q8_0, rows, cols, random),
                        rows, cols);
                Int8Kernels.Q8 xq = Int8Kernels.Q8.of(KernelTwinsTest.gaussian(random, cols, scale), cols);
                short[] xs = Q8_0x4.widen(xq);
                long gb = Q8_0x4.groupBytes(cols);
                float[] now = new float[rows];
                float[] before = new float[rows];
                for (int g = 0; g < rows / 4; g++) {
                    Q8_0x4.dot4(packed, gb * g, xs, xq.d(), cols, now, 4 * g);
                    Q8_0x4Round13.dot4(packed.asSlice(gb * g, gb), xs, xq.d(), cols, before, 4 * g);
                }
                for (int r = 0; r < rows; r++) {
                    assertThat(Float.floatToRawIntBits(now[r])).as("row %d, %d columns, x scale %s", r, cols, scale)
                            .isEqualTo(Float.floatToRawIntBits(before[r]));
                }
            }
        }
    }

    /** The matrix that repacks: the same rows dequantised, the same float dots, matvecEach bit for bit. */
    @Test
    void aRepackedMatrix_dequantisesItsRowsExactly_andMatvecEachEqualsMatvecBitForBit() {
        assumeThat(Int8Kernels.AVAILABLE).as("512-bit vectors").isTrue();
        Random random = new Random(13);
        int rows = 14; // three groups and two rows in ggml's layout
        int cols = 5 * 32;
        MemorySegment w = KernelTwinsTest.randomMatrix(GgmlType.Q8_0, rows, cols, random);
        WeightMatrix m = WeightMatrix.of(GgmlType.Q8_0, w, rows, cols);
        long rb = GgmlType.Q8_0.byteSize(cols);
        float[] row = new float[cols];
        float[] reference = new float[cols];
        float[] x = KernelTwinsTest.gaussian(random, 3 * cols, 1f);
        for (int r = 0; r < rows; r++) {
            m.dequantizeRow(r, row, 0);
            ScalarKernels.dequantize(GgmlType.Q8_0, w, rb * r, reference, 0, cols);
            assertThat(row).as("row %d", r).containsExactly(reference);
            float exact = ScalarKernels.dot(GgmlType.Q8_0, w, rb * r, x, cols, cols);
            assertThat(m.dotRow(r, x, cols)).isCloseTo(exact,
                    org.assertj.core.api.Assertions.within(1e-4f * (1 + Math.abs(exact))));
        }
        float[] each = new float[3 * rows];
        m.matvecEach(x, 3, each);
        for (int i = 0; i < 3; i++) {
            float[] alone = new float[rows];
            m.matvec(java.util.Arrays.copyOfRange(x, i * cols, (i + 1) * cols), alone);
            assertThat(java.util.Arrays.copyOfRange(each, i * rows, (i + 1) * rows)).containsExactly(alone);
            Int8Kernels.Q8 xq = Int8Kernels.Q8.of(java.util.Arrays.copyOfRange(x, i * cols, (i + 1) * cols), cols);
            for (int r = 0; r < rows; r++) {
                float twin = ScalarKernels.dotQ8_0Int8(w, rb * r, xq, cols);
                assertThat(alone[r]).isCloseTo(twin,
                        org.assertj.core.api.Assertions.within(1e-4f * (1 + Math.abs(twin))));
            }
        }
    }
    /** The bulk repack (a few groups per copy, the last copy short) puts every byte where the layout says. */
    @Test
    void theRepack_putsEveryScaleAndQuantWhereTheLayoutSays_acrossManyCopies() {
        Random random = new Random(31);
        int cols = 5 * 32;
        int rows = 4 * 301 + 3; // 301 groups: several bulk copies, the last one short, then three plain rows
        MemorySegment w = KernelTwinsTest.randomMatrix(GgmlType.Q8_0, rows, cols, random);
        MemorySegment packed = Q8_0x4.repack(w, rows, cols);
        int nb = cols / 32;
        long rb = GgmlType.Q8_0.byteSize(cols);
        long gb = Q8_0x4.groupBytes(cols);
        for (int r = 0; r < rows - 3; r++) {
            long g = gb * (r / 4);
            int k = r % 4;
            for (int b = 0; b < nb; b++) {
                assertThat(packed.get(SHORT, g + 8L * b + 2L * k)).as("scale of row %d block %d", r, b)
                        .isEqualTo(w.get(SHORT, rb * r + 34L * b));
                for (int i = 0; i < 32; i++) {
                    assertThat(packed.get(ValueLayout.JAVA_BYTE, g + Q8_0x4.quantOffset(nb, b, k, i)))
                            .as("quant %d of row %d block %d", i, r, b)
                            .isEqualTo(w.get(ValueLayout.JAVA_BYTE, rb * r + 34L * b + 2 + i));
                }
            }
        }
        long tail = gb * (rows / 4);
        assertThat(packed.asSlice(tail).toArray(ValueLayout.JAVA_BYTE))
                .containsExactly(w.asSlice(tail).toArray(ValueLayout.JAVA_BYTE));
    }
}
