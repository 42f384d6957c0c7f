package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The K-quant kernels with int8 activations: the activation rounding ({@link Q8K}), the vector kernels against
 * their scalar twins, and both against the float dot of the dequantised row within the rounding bound. Blocks
 * worked out by hand are in {@link KnownBlocksTest}.
 */
class KQuantInt8Test {

    private static final GgmlType[] TYPES = {GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K};

    @Test
    void q8kActivations_ofABlock_areRoundedToItsLargestMagnitudeOverMinus127_withSumsPer32() {
        float[] x = new float[512];
        x[0] = 1.27f;   // the largest magnitude of block 0: scale -0.01
        x[1] = -0.5f;
        x[2] = 0.004f;
        x[40] = 0.6f;
        x[300] = -2.54f; // block 1: scale 0.02
        Q8K q = Q8K.of(x, 512);
        assertThat(q.d()).hasSize(2);
        assertThat(q.d()[0]).isCloseTo(-0.01f, within(1e-8f));
        assertThat(q.d()[1]).isCloseTo(0.02f, within(1e-8f));
        assertThat(q.q()[0]).isEqualTo((short) -127);
        assertThat(q.q()[1]).isEqualTo((short) 50);
        assertThat(q.q()[2]).isEqualTo((short) 0);
        assertThat(q.q()[40]).isEqualTo((short) -60);
        assertThat(q.q()[300]).isEqualTo((short) -127);
        assertThat(q.sums()).containsExactly(-77, -60, 0, 0, 0, 0, 0, 0, 0, -127, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void q8kActivations_refuseLengthsThatAreNotWholeBlocks() {
        assertThatThrownBy(() -> Q8K.of(new float[288], 288)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blocks of 256");
        assertThatThrownBy(() -> new Q8K(new short[256], new float[1], new int[7]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void threadBuffers_areReusedPerRowLength_andHoldWhatAFreshRoundingWouldHold() {
        Random random = new Random(5);
        float[] a = KernelTwinsTest.gaussian(random, 2048, 1f);
        float[] b = KernelTwinsTest.gaussian(random, 2048, 3f);
        Q8K first = ActivationBuffers.q8k(a, 2048);
        Q8K shorter = ActivationBuffers.q8k(b, 512);
        Q8K again = ActivationBuffers.q8k(b, 2048);
        assertThat(again).isSameAs(first);
        assertThat(shorter).isNotSameAs(first);
        Q8K fresh = Q8K.of(b, 2048);
        assertThat(again.q()).containsExactly(fresh.q());
        assertThat(again.d()).containsExactly(fresh.d());
        assertThat(again.sums()).containsExactly(fresh.sums());
        assertThat(shorter.sums()).containsExactly(Q8K.of(b, 512).sums());
        Int8Kernels.Q8 q8 = ActivationBuffers.q8(a, 2048);
        assertThat(ActivationBuffers.q8(b, 2048)).isSameAs(q8);
        assertThat(q8.q()).containsExactly(Int8Kernels.Q8.of(b, 2048).q());
        assertThat(q8.d()).containsExactly(Int8Kernels.Q8.of(b, 2048).d());
    }

    @Test
    void vectorKernels_matchTheirScalarTwins_onRandomRows() {
        Random random = new Random(5);
        int cols = 3 * 256;
        for (GgmlType type : TYPES) {
            MemorySegment w = KernelTwinsTest.randomMatrix(type, 6, cols, random);
            Q8K x = Q8K.of(KernelTwinsTest.gaussian(random, cols, 1f), cols);
            for (int r = 0; r < 6; r++) {
                long off = r * type.byteSize(cols);
                float twin = dot(type, w, off, x, cols, false);
                float vector = dot(type, w, off, x, cols, true);
                // exact integer sums in both; the float sums differ in order only
                assertThat(vector).as("%s row %d", type, r).isCloseTo(twin, within(1e-5f * magnitude(type, w, off, x, cols)));
            }
        }
    }

    /*
     * Rounding x to d_x * q moves each x_i by at most d_x / 2 = max|x_block(i)| / 254 (blocks of 256), so a row
     * dot moves by at most sum_i |w_i| * max|x_block(i)| / 254. The test allows exactly that bound plus float noise.
     */
    @Test
    void int8Dots_matchTheFloatDotOfTheDequantisedRow_withinTheActivationRoundingBound() {
        Random random = new Random(8);
        int cols = 4 * 256;
        for (GgmlType type : TYPES) {
            MemorySegment w = KernelTwinsTest.randomMatrix(type, 5, cols, random);
            float[] x = KernelTwinsTest.gaussian(random, cols, 1f);
            Q8K xq = Q8K.of(x, cols);
            for (int r = 0; r < 5; r++) {
                long off = r * type.byteSize(cols);
                float[] row = new float[cols];
                ScalarKernels.dequantize(type, w, off, row, 0, cols);
                double bound = 0;
                for (int i = 0; i < cols; i++) {
                    bound += Math.abs(row[i] * xq.d()[i / 256]) / 2;
                }
                float exact = ScalarKernels.dot(type, w, off, x, 0, cols);
                for (boolean vector : new boolean[] {false, true}) {
                    float int8 = dot(type, w, off, xq, cols, vector);
                    assertThat(int8).as("%s row %d, vector %s", type, r, vector)
                            .isCloseTo(exact, within((float) (bound * 1.01 + 1e-4)));
                    assertThat(int8).isNotEqualTo(exact); // it really used rounded activations
                }
            }
        }
    }

    @Test
    void weightMatrixMatvec_onKQuants_agreesWithTheScalarInt8Twin() {
        Random random = new Random(13);
        int rows = 37;
        int cols = 2 * 256;
        for (GgmlType type : TYPES) {
            MemorySegment w = Arena.ofAuto().allocate(rows * type.byteSize(cols));
            MemorySegment.copy(KernelTwinsTest.randomMatrix(type, rows, cols, random), 0, w, 0, w.byteSize());
            float[] x = KernelTwinsTest.gaussian(random, cols, 1f);
            float[] out = new float[rows];
            WeightMatrix.of(type, w, rows, cols).matvec(x, out);
            Q8K xq = Q8K.of(x, cols);
            for (int r = 0; r < rows; r++) {
                long off = r * type.byteSize(cols);
                float twin = dot(type, w, off, xq, cols, false);
                assertThat(out[r]).as("%s row %d", type, r).isCloseTo(twin, within(1e-5f * magnitude(type, w, off, xq, cols)));
            }
        }
    }

    /*
     * The Q5_K_M file ran at 0.23x llama.cpp against Q4_K_M's 0.43x (2026-12-05, single runs); one suspect was a
     * matrix of that mix falling back to the float kernels. Each matrix of the mix, at the file's row lengths,
     * must give exactly the int8 vector kernel's result (the same float order), which the float kernel does not.
     */
    @Test
    void everyMatrixOfAQ5_K_MMix_atTheFilesRowLengths_takesTheInt8VectorKernel() {
        Random random = new Random(21);
        String[][] tensors = {{"blk.0.attn_q.weight", "2048"}, {"blk.0.attn_v.weight", "2048"},
            {"blk.2.attn_v.weight", "2048"}, {"blk.0.ffn_down.weight", "8192"}, {"blk.2.ffn_down.weight", "8192"},
            {"blk.3.ffn_up.weight", "2048"}, {"output.weight", "2048"}};
        java.util.Set<GgmlType> seen = java.util.EnumSet.noneOf(GgmlType.class);
        for (String[] t : tensors) {
            int layer = t[0].startsWith("blk.") ? Integer.parseInt(t[0].split("\\.")[1]) : 0;
            GgmlType type = QuantMix.Q5_K_M.typeOf(t[0], layer, 16, true);
            seen.add(type);
            int rows = 5;
            int cols = Integer.parseInt(t[1]);
            MemorySegment w = Arena.ofAuto().allocate(rows * type.byteSize(cols));
            MemorySegment.copy(KernelTwinsTest.randomMatrix(type, rows, cols, random), 0, w, 0, w.byteSize());
            float[] x = KernelTwinsTest.gaussian(random, cols, 1f);
            float[] out = new float[rows];
            WeightMatrix.of(type, w, rows, cols).matvec(x, out);
            Q8K xq = Q8K.of(x, cols);
            for (int r = 0; r < rows; r++) {
                long off = r * type.byteSize(cols);
                assertThat(out[r]).as("%s (%s) row %d", t[0], type, r).isEqualTo(dot(type, w, off, xq, cols, true));
                assertThat(out[r]).isNotEqualTo(VectorKernels.dot(type, w, off, x, 0, cols));
            }
        }
        assertThat(seen).containsExactlyInAnyOrder(GgmlType.Q5_K, GgmlType.Q6_K);
    }

    private static float dot(GgmlType type, MemorySegment w, long off, Q8K x, int cols, boolean vector) {
        return switch (type) {
            case Q4_K -> vector ? KQuantInt8.dotQ4_K(w, off, x, cols) : KQuantInt8Scalar.dotQ4_K(w, off, x, cols);
            case Q5_K -> vector ? KQuantInt8.dotQ5_K(w, off, x, cols) : KQuantInt8Scalar.dotQ5_K(w, off, x, cols);
            case Q6_K -> vector ? KQuantInt8.dotQ6_K(w, off, x, cols) : KQuantInt8Scalar.dotQ6_K(w, off, x, cols);
            default -> throw new IllegalArgumentException("no int8 kernel for " + type);
        };
    }

    /** {@code sum |w_i * x_i|} of the rounded activations: the scale of the float rounding noise. */
    private static float magnitude(GgmlType type, MemorySegment w, long off, Q8K x, int cols) {
        float[] row = new float[cols];
        ScalarKernels.dequantize(type, w, off, row, 0, cols);
        float s = 0f;
        for (int i = 0; i < cols; i++) {
            s += Math.abs(row[i] * x.q()[i] * x.d()[i / 256]);
        }
        return s;
    }
}
