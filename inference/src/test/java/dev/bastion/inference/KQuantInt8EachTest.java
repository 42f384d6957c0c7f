package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The multi-input K-quant kernels ({@link KQuantInt8Each}) give each input exactly the bits the single-input
 * kernel ({@link KQuantInt8}) gives it alone, and {@link WeightMatrix#matvecEach} gives each input exactly the
 * bits of {@link WeightMatrix#matvec}, for 1 to 8 inputs, odd row counts, random bytes with extreme block scales.
 */
class KQuantInt8EachTest {

    private static final GgmlType[] TYPES = {GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K};
    private static final ValueLayout.OfShort SHORT_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Finite half floats at the edges: largest, its negative, smallest subnormal, smallest normal, -0, 1, 0. */
    private static final short[] EXTREME_HALVES = {0x7BFF, (short) 0xFBFF, 0x0001, 0x0400, (short) 0x8000, 0x3C00, 0};

    @Test
    void eachInput_getsTheSingleInputKernelsBits_forOneToEightInputs() {
        assumeTrue(KQuantInt8.AVAILABLE, "needs 512-bit vectors");
        Random random = new Random(22);
        int cols = 3 * 256;
        int rows = 7;
        for (GgmlType type : TYPES) {
            for (MemorySegment w : new MemorySegment[] {KernelTwinsTest.randomMatrix(type, rows, cols, random),
                randomBytesWithExtremeScales(type, rows, cols, random)}) {
                for (int n = 1; n <= 8; n++) {
                    Q8K[] x = inputs(random, n, cols);
                    float[] out = new float[n * rows];
                    float[] acc = new float[n * KQuantInt8Each.SCRATCH_PER_INPUT];
                    float[] mins = new float[n];
                    for (int r = 0; r < rows; r++) {
                        long off = r * type.byteSize(cols);
                        each(type, w, off, x, n, cols, acc, mins, out, r, rows);
                        for (int i = 0; i < n; i++) {
                            float alone = single(type, w, off, x[i], cols);
                            assertThat(Float.floatToRawIntBits(out[i * rows + r]))
                                    .as("%s row %d input %d of %d: %s vs %s alone", type, r, i, n,
                                            out[i * rows + r], alone)
                                    .isEqualTo(Float.floatToRawIntBits(alone));
                        }
                    }
                }
            }
        }
    }

    @Test
    void matvecEach_givesEachInputTheBitsOfMatvec_forEveryWeightType() {
        Random random = new Random(23);
        int cols = 2 * 256;
        int rows = 9;
        GgmlType[] all = {GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.F16};
        for (GgmlType type : all) {
            WeightMatrix m = WeightMatrix.of(type, KernelTwinsTest.randomMatrix(type, rows, cols, random), rows, cols);
            for (int n = 1; n <= 8; n++) {
                float[] x = KernelTwinsTest.gaussian(random, n * cols, 1f);
                float[] out = new float[n * rows];
                m.matvecEach(x, n, out);
                for (int i = 0; i < n; i++) {
                    float[] alone = new float[rows];
                    m.matvec(java.util.Arrays.copyOfRange(x, i * cols, (i + 1) * cols), alone);
                    for (int r = 0; r < rows; r++) {
                        assertThat(Float.floatToRawIntBits(out[i * rows + r]))
                                .as("%s row %d input %d of %d", type, r, i, n)
                                .isEqualTo(Float.floatToRawIntBits(alone[r]));
                    }
                }
            }
        }
    }

    /*
     * The largest lanes the formats allow keep the single kernel's bits: Q4_K quants 15 with scale 63 times
     * activations of -127 (16 * 15 * 63 * 127 = 1,920,240 per lane), Q6_K quants -32 with scale -128 (16 * 32 * 128
     * * 127 = 8,323,072), with activations of one sign and of alternating sign. (Multi-input kernels that form the
     * lanes with float multiply-adds, exact below 2^24, were tried against this test: docs/inference-kernels.md.)
     */
    @Test
    void largestLaneSums_theFormatsAllow_stayExact() {
        assumeTrue(KQuantInt8.AVAILABLE, "needs 512-bit vectors");
        int cols = 2 * 256;
        MemorySegment q4 = Arena.ofAuto().allocate(GgmlType.Q4_K.byteSize(cols), 64);
        q4.fill((byte) 0xFF); // quants 15, scales and minimums 63
        MemorySegment q6 = Arena.ofAuto().allocate(GgmlType.Q6_K.byteSize(cols), 64);
        MemorySegment q6High = Arena.ofAuto().allocate(GgmlType.Q6_K.byteSize(cols), 64);
        q6High.fill((byte) 0xFF); // quants 63 - 32 = 31
        for (int b = 0; b < cols / 256; b++) {
            long p4 = 144L * b;
            q4.set(SHORT_LE, p4, (short) 0x3C00);
            q4.set(SHORT_LE, p4 + 2, (short) 0x3C00);
            long p6 = 210L * b;
            for (int k = 0; k < 16; k++) {
                q6.set(ValueLayout.JAVA_BYTE, p6 + 192 + k, (byte) -128); // quants 0 - 32 = -32
                q6High.set(ValueLayout.JAVA_BYTE, p6 + 192 + k, (byte) 127);
            }
            q6.set(SHORT_LE, p6 + 208, (short) 0x3C00);
            q6High.set(SHORT_LE, p6 + 208, (short) 0x3C00);
        }
        float[] ones = new float[cols];
        float[] minusOnes = new float[cols];
        float[] alternating = new float[cols];
        for (int k = 0; k < cols; k++) {
            ones[k] = 1f;
            minusOnes[k] = -1f;
            alternating[k] = k % 2 == 0 ? 1f : -1f;
        }
        Q8K[] x = {Q8K.of(ones, cols), Q8K.of(minusOnes, cols), Q8K.of(alternating, cols)};
        assertThat(x[0].q()[0]).isEqualTo((short) -127);
        Object[][] cases = {{GgmlType.Q4_K, q4}, {GgmlType.Q6_K, q6}, {GgmlType.Q6_K, q6High}};
        for (Object[] c : cases) {
            GgmlType type = (GgmlType) c[0];
            MemorySegment w = (MemorySegment) c[1];
            float[] out = new float[x.length];
            each(type, w, 0, x, x.length, cols, new float[x.length * KQuantInt8Each.SCRATCH_PER_INPUT],
                    new float[x.length], out, 0, 1);
            for (int i = 0; i < x.length; i++) {
                float alone = single(type, w, 0, x[i], cols);
                assertThat(Float.floatToRawIntBits(out[i])).as("%s input %d: %s vs %s alone", type, i, out[i], alone)
                        .isEqualTo(Float.floatToRawIntBits(alone));
            }
        }
        // the one-sign Q6_K lanes really are that large: 2 blocks of 16 lanes of -8,323,072, times d_x = -1/127
        assertThat(single(GgmlType.Q6_K, q6, 0, x[0], cols)).isCloseTo(2f * 16 * 16 * 32 * 128, within(4f));
    }

    /*
     * The float steps pinned down: a scalar model of the Q4_K kernel (exact integer lane sums, one Math.fma per
     * lane and super-block, the lanes summed as the tree i + 8, + 4, + 2, + 1) gives the kernel's bits. The
     * interpreter and C1 run the Vector API's Java fallbacks and C2 its intrinsics; with reduceLanes the two
     * summed the lanes in different orders (docs/inference-kernels.md, round nine).
     */
    @Test
    void q4K_kernels_giveTheBitsOfAnExactScalarModel_withTheTreeLaneSum() {
        assumeTrue(KQuantInt8.AVAILABLE, "needs 512-bit vectors");
        Random random = new Random(24);
        int cols = 3 * 256;
        int rows = 5;
        MemorySegment w = KernelTwinsTest.randomMatrix(GgmlType.Q4_K, rows, cols, random);
        Q8K[] x = inputs(random, 3, cols);
        float[] out = new float[3 * rows];
        for (int r = 0; r < rows; r++) {
            long off = r * GgmlType.Q4_K.byteSize(cols);
            KQuantInt8Each.dotQ4_K(w, off, x, 3, cols, new float[3 * KQuantInt8Each.SCRATCH_PER_INPUT],
                    new float[3], out, r, rows);
            for (int i = 0; i < 3; i++) {
                float model = q4KModel(w, off, x[i], cols);
                assertThat(Float.floatToRawIntBits(KQuantInt8.dotQ4_K(w, off, x[i], cols)))
                        .as("row %d input %d", r, i).isEqualTo(Float.floatToRawIntBits(model));
                assertThat(Float.floatToRawIntBits(out[i * rows + r])).isEqualTo(Float.floatToRawIntBits(model));
            }
        }
    }

    private static float q4KModel(MemorySegment w, long off, Q8K x, int cols) {
        float[] lanes = new float[16];
        float minimums = 0f;
        for (int b = 0; b < cols / 256; b++) {
            long p = off + 144L * b;
            int xb = 256 * b;
            float d = Float.float16ToFloat(w.get(SHORT_LE, p)) * x.d()[b];
            float dmin = Float.float16ToFloat(w.get(SHORT_LE, p + 2)) * x.d()[b];
            long sc = VectorKernels.k4ScaleBytes(w, p);
            long mn = VectorKernels.k4MinBytes(w, p);
            int m = 0;
            for (int k = 0; k < 8; k++) {
                m += (int) ((mn >>> (8 * k)) & 0xFF) * x.sums()[8 * b + k];
            }
            minimums += dmin * m;
            for (int l = 0; l < 16; l++) {
                int lane = 0;
                for (int j = 0; j < 4; j++) {
                    int q0 = w.get(ValueLayout.JAVA_BYTE, p + 16 + 32 * j + l) & 0xFF;
                    int q1 = w.get(ValueLayout.JAVA_BYTE, p + 32 + 32 * j + l) & 0xFF;
                    int lo = (q0 & 15) * x.q()[xb + 64 * j + l] + (q1 & 15) * x.q()[xb + 64 * j + 16 + l];
                    int hi = (q0 >> 4) * x.q()[xb + 64 * j + 32 + l] + (q1 >> 4) * x.q()[xb + 64 * j + 48 + l];
                    lane += lo * (int) ((sc >>> (16 * j)) & 0xFF) + hi * (int) ((sc >>> (16 * j + 8)) & 0xFF);
                }
                lanes[l] = Math.fma((float) lane, d, lanes[l]);
            }
        }
        for (int h = 8; h >= 1; h /= 2) {
            for (int l = 0; l < h; l++) {
                lanes[l] = lanes[l] + lanes[l + h];
            }
        }
        return lanes[0] - minimums;
    }

    /** Inputs of very different sizes, one of them all zeros (scale 0). */
    private static Q8K[] inputs(Random random, int n, int cols) {
        Q8K[] x = new Q8K[n];
        float[] sigmas = {1f, 1000f, 1e-3f, 0f, 30f};
        for (int i = 0; i < n; i++) {
            x[i] = Q8K.of(KernelTwinsTest.gaussian(random, cols, sigmas[i % sigmas.length]), cols);
        }
        return x;
    }

    /** Every quant, scale and minimum bit random; the half-float block scales set to finite edge values. */
    private static MemorySegment randomBytesWithExtremeScales(GgmlType type, int rows, int cols, Random random) {
        long blockBytes = type.byteSize(256);
        MemorySegment w = Arena.ofAuto().allocate(rows * type.byteSize(cols), 64);
        for (long k = 0; k < w.byteSize(); k++) {
            w.set(ValueLayout.JAVA_BYTE, k, (byte) random.nextInt());
        }
        for (long p = 0; p < w.byteSize(); p += blockBytes) {
            short d = EXTREME_HALVES[random.nextInt(EXTREME_HALVES.length)];
            short dmin = EXTREME_HALVES[random.nextInt(EXTREME_HALVES.length)];
            if (type == GgmlType.Q6_K) {
                w.set(SHORT_LE, p + 208, d);
            } else {
                w.set(SHORT_LE, p, d);
                w.set(SHORT_LE, p + 2, dmin);
            }
        }
        return w;
    }

    private static float single(GgmlType type, MemorySegment w, long off, Q8K x, int cols) {
        return switch (type) {
            case Q4_K -> KQuantInt8.dotQ4_K(w, off, x, cols);
            case Q5_K -> KQuantInt8.dotQ5_K(w, off, x, cols);
            default -> KQuantInt8.dotQ6_K(w, off, x, cols);
        };
    }

    private static void each(GgmlType type, MemorySegment w, long off, Q8K[] x, int n, int cols, float[] acc,
            float[] mins, float[] out, int at, int stride) {
        switch (type) {
            case Q4_K -> KQuantInt8Each.dotQ4_K(w, off, x, n, cols, acc, mins, out, at, stride);
            case Q5_K -> KQuantInt8Each.dotQ5_K(w, off, x, n, cols, acc, mins, out, at, stride);
            default -> KQuantInt8Each.dotQ6_K(w, off, x, n, cols, acc, mins, out, at, stride);
        }
    }
}
