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
 * The multi-input kernels over interleaved K-quant groups ({@link KQuantGroupsEach}): every input's results are
 * the bits of the single-input kernel, on random groups and on hand-worked ones, and {@link WeightMatrix#matvecEach}
 * that uses them gives each input the bits of {@link WeightMatrix#matvec}.
 */
class KQuantGroupsEachTest {

    private static final ValueLayout.OfShort SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Half floats at the edges: the largest, the smallest subnormal and normal, signed zeros, one. */
    private static final short[] EDGES = {0x7bff, (short) 0xfbff, 0x0001, 0x0400, (short) 0x8000, 0x0000, 0x3c00};

    @BeforeEach
    void vectorKernels() {
        assumeThat(KQuantInt8.AVAILABLE).as("512-bit vectors").isTrue();
    }

    @Test
    void everyInputCount_givesEachInputTheBitsOfTheSingleInputKernel_Q4_K() {
        everyInputCount(GgmlType.Q4_K);
    }

    @Test
    void everyInputCount_givesEachInputTheBitsOfTheSingleInputKernel_Q5_K() {
        everyInputCount(GgmlType.Q5_K);
    }

    @Test
    void everyInputCount_givesEachInputTheBitsOfTheSingleInputKernel_Q6_K() {
        everyInputCount(GgmlType.Q6_K);
    }

    /*
     * Groups of four rows whose every quant is the same (Q4_K: 1, Q5_K: 17, Q6_K: 33, i.e. 1 after the offset of
     * 32), row k with d = 2^-k, sub-block scales 1 and (Q4_K, Q5_K) dmin 1 and minimums k + 1; Q6_K's scales are
     * 1 + k, and -5 in row 3. Input i is 127 * 2^-i everywhere, so Q8K holds -127 with the scale -2^-i. Row k
     * times input i is then, exactly, 2^-i * 127 * 256 * (q * 2^-k * scale - dmin * (k + 1)), and every
     * intermediate sum is an integer below 2^24 times a power of two, so no rounding happens.
     */
    @Test
    void handWorkedGroups_giveTheHandComputedDots_forEveryInput() {
        int cols = 512;
        int n = 7;
        float[][] x = new float[n][cols];
        Q4_Kx4.Activations[] xa = new Q4_Kx4.Activations[n];
        for (int i = 0; i < n; i++) {
            Arrays.fill(x[i], (float) Math.scalb(127.0, -i));
            xa[i] = Q4_Kx4.Activations.of(Q8K.of(x[i], cols));
        }
        for (GgmlType type : new GgmlType[] {GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K}) {
            MemorySegment rows = uniformRows(type, cols);
            MemorySegment group = repack(type, rows, 4, cols)[0];
            float[] out = new float[n * 4];
            run(type, group, xa, cols, out, 0, 4);
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < 4; k++) {
                    double expected = switch (type) {
                        case Q4_K -> Math.scalb(127.0 * cols * (Math.scalb(1.0, -k) - (k + 1)), -i);
                        case Q5_K -> Math.scalb(127.0 * cols * (17 * Math.scalb(1.0, -k) - (k + 1)), -i);
                        default -> Math.scalb(127.0 * cols * Math.scalb(1.0, -k) * (k == 3 ? -5 : 1 + k), -i);
                    };
                    assertThat(out[i * 4 + k]).as("%s, input %d, row %d", type, i, k).isEqualTo((float) expected);
                    assertThat(scalarTwin(type, group, k, Q8K.of(x[i], cols), cols)).isEqualTo((float) expected);
                }
            }
        }
    }

    @Test
    void aWeightMatrix_givesEveryInputOfMatvecEachTheBitsOfItsMatvec() {
        Random random = new Random(11);
        int rows = 12;
        int cols = 512;
        for (GgmlType type : new GgmlType[] {GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K}) {
            WeightMatrix m = WeightMatrix.of(type, randomRows(random, type, rows, cols), rows, cols);
            assertThat(m.interleaved()).isTrue();
            for (int n : new int[] {2, 3, 4, 7, 8}) {
                float[] x = inputs(random, n, cols);
                float[] each = new float[n * rows];
                m.matvecEach(x, n, each);
                float[] one = new float[rows];
                for (int i = 0; i < n; i++) {
                    m.matvec(Arrays.copyOfRange(x, i * cols, (i + 1) * cols), one);
                    for (int r = 0; r < rows; r++) {
                        assertThat(Float.floatToRawIntBits(each[i * rows + r]))
                                .as("%s, %d inputs: input %d, row %d", type, n, i, r)
                                .isEqualTo(Float.floatToRawIntBits(one[r]));
                    }
                }
            }
        }
    }

    private static void everyInputCount(GgmlType type) {
        Random random = new Random(type.ordinal());
        int rows = 8;
        int cols = 768;
        MemorySegment w = randomRows(random, type, rows, cols);
        MemorySegment[] groups = repack(type, w, rows, cols);
        for (int n = 1; n <= 9; n++) {
            float[] x = inputs(random, n, cols);
            Q8K[] xq = new Q8K[n];
            Q4_Kx4.Activations[] xa = new Q4_Kx4.Activations[n];
            for (int i = 0; i < n; i++) {
                xq[i] = Q8K.of(Arrays.copyOfRange(x, i * cols, (i + 1) * cols), cols);
                xa[i] = Q4_Kx4.Activations.of(xq[i]);
            }
            float[] each = new float[n * rows];
            float[] single = new float[rows];
            for (int g = 0; g < groups.length; g++) {
                run(type, groups[g], xa, cols, each, 4 * g, rows);
            }
            for (int i = 0; i < n; i++) {
                for (int g = 0; g < groups.length; g++) {
                    switch (type) {
                        case Q4_K -> Q4_Kx4.dot4(groups[g], xa[i], cols, single, 4 * g);
                        case Q5_K -> Q5_Kx4.dot4(groups[g], xa[i], cols, single, 4 * g);
                        default -> Q6_Kx4.dot4(groups[g], xa[i], cols, single, 4 * g);
                    }
                }
                for (int r = 0; r < rows; r++) {
                    assertThat(Float.floatToRawIntBits(each[i * rows + r]))
                            .as("%s, %d inputs: input %d, row %d", type, n, i, r)
                            .isEqualTo(Float.floatToRawIntBits(single[r]));
                    float twin = scalarTwin(type, groups[r / 4], r % 4, xq[i], cols);
                    if (Float.isFinite(twin)) { // the same exact integer sums, added in another float order
                        assertThat(each[i * rows + r]).as("%s, input %d, row %d", type, i, r)
                                .isCloseTo(twin, org.assertj.core.data.Offset.offset(1e-3f * (Math.abs(twin) + 1)));
                    }
                }
            }
        }
    }

    /** n inputs: gaussian, one of them zeros, one with an outlier (so its other values round to few levels). */
    private static float[] inputs(Random random, int n, int cols) {
        float[] x = new float[n * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        if (n > 2) {
            Arrays.fill(x, cols, 2 * cols, 0f);
            x[2 * cols + 5] = 400f;
        }
        return x;
    }

    private static void run(GgmlType type, MemorySegment g, Q4_Kx4.Activations[] xa, int cols, float[] out, int r,
            int rows) {
        int[] ints = KQuantGroupsEach.ints(xa.length);
        float[] floats = KQuantGroupsEach.floats(xa.length);
        java.util.Arrays.fill(ints, -1); // the kernels must not rely on zeroed scratch
        java.util.Arrays.fill(floats, Float.NaN);
        switch (type) {
            case Q4_K -> KQuantGroupsEach.q4K(g, xa, cols, out, r, rows, ints, floats);
            case Q5_K -> KQuantGroupsEach.q5K(g, xa, cols, out, r, rows, ints, floats);
            default -> KQuantGroupsEach.q6K(g, xa, cols, out, r, rows, ints, floats);
        }
    }

    private static float scalarTwin(GgmlType type, MemorySegment g, int k, Q8K x, int cols) {
        return switch (type) {
            case Q4_K -> Q4_Kx4.dotScalar(g, k, x, cols);
            case Q5_K -> Q5_Kx4.dotScalar(g, k, x, cols);
            default -> Q6_Kx4.dotScalar(g, k, x, cols);
        };
    }

    private static MemorySegment[] repack(GgmlType type, MemorySegment w, int rows, int cols) {
        return switch (type) {
            case Q4_K -> {
                MemorySegment p = Arena.ofAuto().allocate(Q4_Kx4.packedBytes(rows, cols));
                Q4_Kx4.repack(w, p, rows, cols);
                yield Q4_Kx4.groups(p, rows, cols);
            }
            case Q5_K -> {
                MemorySegment p = Arena.ofAuto().allocate(Q5_Kx4.packedBytes(rows, cols));
                Q5_Kx4.repack(w, p, rows, cols);
                yield Q5_Kx4.groups(p, rows, cols);
            }
            default -> {
                MemorySegment p = Arena.ofAuto().allocate(w.byteSize());
                Q6_Kx4.repack(w, p, rows, cols);
                yield Q6_Kx4.groups(p, rows, cols);
            }
        };
    }

    /** Four rows in ggml's layout as described above {@link #handWorkedGroups_giveTheHandComputedDots_forEveryInput}. */
    private static MemorySegment uniformRows(GgmlType type, int cols) {
        int blockBytes = (int) type.byteSize(256);
        MemorySegment w = Arena.ofAuto().allocate((long) 4 * blockBytes * (cols / 256));
        for (int k = 0; k < 4; k++) {
            for (int b = 0; b < cols / 256; b++) {
                long p = (long) blockBytes * ((cols / 256) * k + b);
                short d = Float.floatToFloat16((float) Math.scalb(1.0, -k));
                if (type == GgmlType.Q6_K) { // ql[128], qh[64], scales[16], d
                    fill(w, p, 128, 0x11);
                    fill(w, p + 128, 64, 0xAA);
                    fill(w, p + 192, 16, k == 3 ? -5 : 1 + k);
                    w.set(SHORT, p + 208, d);
                    continue;
                }
                w.set(SHORT, p, d); // d, dmin, scales[12], (Q5_K: qh[32]), qs[128]
                w.set(SHORT, p + 2, Float.floatToFloat16(1f));
                int[] sc = new int[8];
                int[] mi = new int[8];
                Arrays.fill(sc, 1);
                Arrays.fill(mi, k + 1);
                MemorySegment.copy(MemorySegment.ofArray(Quantizer.packScalesK4(sc, mi)), 0, w, p + 4, 12);
                if (type == GgmlType.Q5_K) {
                    fill(w, p + 16, 32, 0xFF);
                    fill(w, p + 48, 128, 0x11);
                } else {
                    fill(w, p + 16, 128, 0x11);
                }
            }
        }
        return w;
    }

    private static void fill(MemorySegment w, long p, int count, int value) {
        for (int i = 0; i < count; i++) {
            w.set(ValueLayout.JAVA_BYTE, p + i, (byte) value);
        }
    }

    /** Rows of random bytes in ggml's layout, the f16 d (and dmin) of some super-blocks set to the edge values. */
    private static MemorySegment randomRows(Random random, GgmlType type, int rows, int cols) {
        int blockBytes = (int) type.byteSize(256);
        byte[] bytes = new byte[rows * blockBytes * (cols / 256)];
        random.nextBytes(bytes);
        MemorySegment w = Arena.ofAuto().allocate(bytes.length);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, w, 0, bytes.length);
        for (long p = 0; p < bytes.length; p += blockBytes) {
            int pick = random.nextInt(3 * EDGES.length);
            short d = pick < EDGES.length ? EDGES[pick] : Float.floatToFloat16(random.nextFloat() / 16);
            if (type == GgmlType.Q6_K) {
                w.set(SHORT, p + 208, d);
            } else {
                w.set(SHORT, p, d);
                w.set(SHORT, p + 2, Float.floatToFloat16(random.nextFloat() / 64));
            }
        }
        return w;
    }
}
