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
 * The multi-input kernel over interleaved Q8_0 groups ({@link Q8_0x4Each}): every input's four results are the bits
 * of {@link Q8_0x4#dot4} for that input alone, for every input count, on random groups, on a hand-worked group and
 * at the largest products, and {@link WeightMatrix#matvecEach} that uses it gives each input the bits of
 * {@link WeightMatrix#matvec}.
 */
class Q8_0x4EachTest {

    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Half floats at the edges: the largest, the smallest subnormal and normal, signed zeros, one. */
    private static final short[] EDGES = {0x7bff, (short) 0xfbff, 0x0001, 0x0400, (short) 0x8000, 0x0000, 0x3c00};

    @BeforeEach
    void vectorKernels() {
        assumeThat(Int8Kernels.AVAILABLE).as("512-bit vectors").isTrue();
    }

    @Test
    void everyInputCount_givesEachInputTheBitsOfTheSingleInputKernel() {
        Random random = new Random(16);
        int rows = 8;
        int cols = 192;
        MemorySegment w = KernelTwinsTest.randomMatrix(GgmlType.Q8_0, rows, cols, random);
        for (long p = 0; p < w.byteSize(); p += 34) { // some scales at the edges
            int pick = random.nextInt(3 * EDGES.length);
            if (pick < EDGES.length) {
                w.set(SHORT, p, EDGES[pick]);
            }
        }
        MemorySegment[] groups = Q8_0x4.groups(Q8_0x4.repack(w, rows, cols), rows, cols);
        for (int n = 1; n <= 9; n++) {
            short[][] xs = new short[n][];
            float[][] xd = new float[n][];
            for (int i = 0; i < n; i++) {
                float[] x = KernelTwinsTest.gaussian(random, cols, 1f);
                if (i == 1) {
                    Arrays.fill(x, 0f);
                }
                if (i == 2) {
                    x[5] = 400f;
                }
                Int8Kernels.Q8 q = Int8Kernels.Q8.of(x, cols);
                xs[i] = Q8_0x4.widen(q, new short[2 * cols]);
                xd[i] = q.d();
            }
            float[] each = new float[n * rows];
            Arrays.fill(each, Float.NaN);
            float[] sc = Q8_0x4Each.scales(cols);
            Arrays.fill(sc, Float.NaN); // the kernel must fill its own scratch
            for (int g = 0; g < groups.length; g++) {
                Q8_0x4Each.dot(groups[g], xs, xd, n, cols, each, 4 * g, rows, sc);
            }
            float[] single = new float[rows];
            for (int i = 0; i < n; i++) {
                for (int g = 0; g < groups.length; g++) {
                    Q8_0x4.dot4(groups[g], xs[i], xd[i], cols, single, 4 * g);
                }
                for (int r = 0; r < rows; r++) {
                    assertThat(Float.floatToRawIntBits(each[i * rows + r]))
                            .as("%d inputs: input %d, row %d", n, i, r)
                            .isEqualTo(Float.floatToRawIntBits(single[r]));
                }
            }
        }
    }

    /*
     * Row k: quants (i - 16) * (k + 1), clamped to [-128, 127], scale 2^-k (Q8_0x4Test's hand-written group).
     * Input j is x times 2^-j, x[i] = -1 when i % 3 == 0, else 2, and x[5] = 127: Q8 keeps it exactly, with the
     * scale 2^-j. Row k times input j is 2^-(k + j) times the integer sum_i q_k[i] * x[i] (-1374, -687, -343.5 * 2,
     * -171.75 * 4 before the scales: worked out in Q8_0x4Test), so no rounding happens.
     */
    @Test
    void aHandWrittenGroup_givesTheHandComputedDots_forEveryInput() {
        int cols = 32;
        int n = 5;
        MemorySegment rows = Arena.ofAuto().allocate(4 * 34);
        float[] x = new float[32];
        for (int i = 0; i < 32; i++) {
            x[i] = i % 3 == 0 ? -1 : 2;
        }
        x[5] = 127;
        long[] sums = new long[4];
        for (int k = 0; k < 4; k++) {
            rows.set(SHORT, 34L * k, Float.floatToFloat16((float) Math.scalb(1.0, -k)));
            for (int i = 0; i < 32; i++) {
                int q = Math.max(-128, Math.min(127, (i - 16) * (k + 1)));
                rows.set(ValueLayout.JAVA_BYTE, 34L * k + 2 + i, (byte) q);
                sums[k] += q * (long) x[i];
            }
        }
        assertThat(sums).containsExactly(-1374L, -2748L, -4122L, -5496L); // worked out separately, as a check
        MemorySegment packed = Q8_0x4.repack(rows, 4, cols);
        short[][] xs = new short[n][];
        float[][] xd = new float[n][];
        for (int j = 0; j < n; j++) {
            float[] xj = new float[cols];
            for (int i = 0; i < cols; i++) {
                xj[i] = Math.scalb(x[i], -j);
            }
            Int8Kernels.Q8 q = Int8Kernels.Q8.of(xj, cols);
            assertThat(q.d()).containsExactly((float) Math.scalb(1.0, -j));
            xs[j] = Q8_0x4.widen(q);
            xd[j] = q.d();
        }
        float[] out = new float[4 * n];
        Q8_0x4Each.dot(packed, xs, xd, n, cols, out, 0, 4, Q8_0x4Each.scales(cols));
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < 4; k++) {
                assertThat(out[4 * j + k]).as("input %d, row %d", j, k)
                        .isEqualTo((float) Math.scalb((double) sums[k], -(k + j)));
            }
        }
    }

    @Test
    void aWeightMatrix_givesEveryInputOfMatvecEachTheBitsOfItsMatvec() {
        Random random = new Random(17);
        int rows = 14; // three groups and two rows past them
        int cols = 256;
        WeightMatrix m = WeightMatrix.of(GgmlType.Q8_0, KernelTwinsTest.randomMatrix(GgmlType.Q8_0, rows, cols, random),
                rows, cols);
        assertThat(m.interleaved()).isTrue();
        for (int n : new int[] {2, 3, 4, 5, 8}) {
            float[] x = KernelTwinsTest.gaussian(random, n * cols, 1f);
            float[] each = new float[n * rows];
            m.matvecEach(x, n, each);
            float[] one = new float[rows];
            for (int i = 0; i < n; i++) {
                m.matvec(Arrays.copyOfRange(x, i * cols, (i + 1) * cols), one);
                for (int r = 0; r < rows; r++) {
                    assertThat(Float.floatToRawIntBits(each[i * rows + r]))
                            .as("%d inputs: input %d, row %d", n, i, r)
                            .isEqualTo(Float.floatToRawIntBits(one[r]));
                }
            }
        }
    }
}
