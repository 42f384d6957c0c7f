package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
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
            KQuantInt8Each.dotQ4_K(w, off, x, floats(x), 3, cols, new float[3 * KQuantInt8Each.SCRATCH_PER_INPUT],
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
            case Q4_K -> KQuantInt8Each.dotQ4_K(w, off, x, floats(x), n, cols, acc, mins, out, at, stride);
            case Q5_K -> KQuantInt8Each.dotQ5_K(w, off, x, n, cols, acc, mins, out, at, stride);
            default -> KQuantInt8Each.dotQ6_K(w, off, x, floats(x), n, cols, acc, mins, out, at, stride);
        }
    }

    private static float[][] floats(Q8K[] x) {
        float[][] f = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            f[i] = KQuantInt8Each.floats(x[i]);
        }
        return f;
    }
}
