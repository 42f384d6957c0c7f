package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The matvec kernels of interleaved Q4_K, Q5_K and Q6_K groups ({@link Q4_Kx4Folded}, {@link Q5_Kx4Folded},
 * {@link Q6_Kx4Bytes}) give the bits of the reference kernels ({@link Q4_Kx4#dot4},
 * {@link Q5_Kx4#dot4}, {@link Q6_Kx4#dot4}, which {@link KQuantGroupsEach} reproduces per
 * input): on random rows with f16 scales at the edges, and on rows and activations at the largest magnitudes the
 * short sums can reach (where a sum folded in shorts would overflow first). The reference kernels themselves are
 * checked against the scalar twins and hand-worked blocks in {@code Q4_Kx4Test}, {@code Q6_Kx4Test} and
 * {@code KnownBlocksTest}.
 */
class FoldedKernelsTest {

    private static final ValueLayout.OfShort SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final short[] EDGES = {0x7bff, (short) 0xfbff, 0x0001, 0x0400, (short) 0x8000, 0x0000, 0x3c00};

    @Test
    void theQ4_KMatvecKernel_givesTheReferenceKernelsBits_onRandomRows() {
        assumeThat(KQuantInt8.AVAILABLE).as("512-bit vectors").isTrue();
        Random random = new Random(12);
        for (int cols : new int[] {256, 2048, 8192}) {
            MemorySegment w = randomRows(random, GgmlType.Q4_K, 12, cols);
            for (float spread : new float[] {1f, 30f}) {
                assertSameBits(GgmlType.Q4_K, w, 12, cols, activations(random, cols, spread));
            }
        }
    }

    @Test
    void theQ6_KMatvecKernel_givesTheReferenceKernelsBits_onRandomRows() {
        assumeThat(KQuantInt8.AVAILABLE).as("512-bit vectors").isTrue();
        Random random = new Random(13);
        for (int cols : new int[] {256, 2048, 8192}) {
            MemorySegment w = randomRows(random, GgmlType.Q6_K, 12, cols);
            for (float spread : new float[] {1f, 30f}) {
                assertSameBits(GgmlType.Q6_K, w, 12, cols, activations(random, cols, spread));
            }
        }
    }

    @Test
    void theQ5_KMatvecKernel_givesTheReferenceKernelsBits_onRandomRows() {
        assumeThat(KQuantInt8.AVAILABLE).as("512-bit vectors").isTrue();
        Random random = new Random(15);
        for (int cols : new int[] {256, 2048, 8192}) {
            MemorySegment w = randomRows(random, GgmlType.Q5_K, 12, cols);
            for (float spread : new float[] {1f, 30f}) {
                assertSameBits(GgmlType.Q5_K, w, 12, cols, activations(random, cols, spread));
            }
        }
    }

    /*
     * Every kernel converts its f16 scales without a float operation on a subnormal (round fifteen: the 2^112
     * multiply took a microcode assist per subnormal half), with an integer path for normal halves and another for
     * subnormal ones. Here every d (and Q4_K's and Q5_K's dmin) is a subnormal half of random magnitude and sign,
     * and each kernel is held to the scalar twin, which converts with Float.float16ToFloat: a scale taken by the
     * wrong path would be off by a power of two or more, far beyond the rounding the tolerance allows (the twin
     * sums in another order).
     */
    @Test
    void everyKernel_convertsSubnormalScales_asFloat16ToFloatDoes() {
        assumeThat(KQuantInt8.AVAILABLE).as("512-bit vectors").isTrue();
        Random random = new Random(15);
        int rows = 8;
        int cols = 2048;
        for (GgmlType type : new GgmlType[] {GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K}) {
            MemorySegment w = randomRows(random, type, rows, cols);
            int block = blockBytes(type);
            for (long p = 0; p < w.byteSize(); p += block) {
                for (long at : type == GgmlType.Q6_K ? new long[] {p + 208} : new long[] {p, p + 2}) {
                    w.set(SHORT, at, (short) ((1 + random.nextInt(0x3ff)) | (random.nextBoolean() ? 0x8000 : 0)));
                }
            }
            float[] x = activations(random, cols, 1f);
            Q8K xq = Q8K.of(x, cols);
            float[] out = kernel(type, w, x, rows, cols);
            MemorySegment[] groups = groups(type, w, rows, cols);
            float[] row = new float[cols];
            for (int r = 0; r < rows; r++) {
                float twin = switch (type) {
                    case Q4_K -> Q4_Kx4.dotScalar(groups[r / 4], r % 4, xq, cols);
                    case Q5_K -> Q5_Kx4.dotScalar(groups[r / 4], r % 4, xq, cols);
                    default -> Q6_Kx4.dotScalar(groups[r / 4], r % 4, xq, cols);
                };
                switch (type) {
                    case Q4_K -> Q4_Kx4.dequantize(groups[r / 4], r % 4, row, 0, cols);
                    case Q5_K -> Q5_Kx4.dequantize(groups[r / 4], r % 4, row, 0, cols);
                    default -> Q6_Kx4.dequantize(groups[r / 4], r % 4, row, 0, cols);
                }
                double magnitude = 0;
                for (int i = 0; i < cols; i++) {
                    magnitude += Math.abs((double) row[i] * xq.q()[i] * xq.d()[i / 256]);
                }
                assertThat(magnitude).as("%s row %d: the subnormal scales make a nonzero row", type, r).isPositive();
                assertThat((double) out[r]).as("%s row %d", type, r)
                        .isCloseTo(twin, org.assertj.core.data.Offset.offset(1e-4 * magnitude));
            }
        }
    }

    @Test
    void theLargestQuantsAndActivations_doNotOverflowTheSumsFoldedInShorts() {
        assumeThat(KQuantInt8.AVAILABLE).as("512-bit vectors").isTrue();
        int cols = 512;
        float[] plus = new float[cols];
        Arrays.fill(plus, 3f); // every activation rounds to the same int8 of magnitude 127
        float[] alternating = new float[cols];
        for (int i = 0; i < cols; i++) {
            alternating[i] = i % 2 == 0 ? 5f : -5f;
        }
        // Q4_K: every nibble 15 (|sum of four chunks| = 4 * 15 * 127 = 7620, folded 15240); Q5_K: every quant 31
        // (4 * 31 * 127 = 15748, folded 31496); Q6_K: every quant 0,
        // that is -32 (two chunks 2 * 32 * 127 = 8128, folded 16256), and every quant 63
        for (int fill : new int[] {0x00, 0xff}) {
            for (GgmlType type : new GgmlType[] {GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K}) {
                MemorySegment w = constantRows(type, 8, cols, (byte) fill);
                float[] reference = assertSameBits(type, w, 8, cols, plus);
                assertSameBits(type, w, 8, cols, alternating);
                if (type == GgmlType.Q6_K && fill == 0x00) {
                    // d = 1, every scale 127, every quant -32, every activation -127 * (3 / -127) (Q8K's
                    // rounding): each row is 127 * (-32) * (-127) * cols * (3 / -127) = -32 * 3 * cols * 127
                    float expected = -32f * 3f * cols * 127f;
                    for (float v : reference) {
                        assertThat(v).isCloseTo(expected, org.assertj.core.data.Percentage.withPercentage(1e-4));
                    }
                }
            }
        }
    }

    @Test
    void aWeightMatrixsMatvec_takesTheMatvecKernels_andMatvecEachStillGivesItsBits() {
        assumeThat(KQuantInt8.AVAILABLE).as("512-bit vectors").isTrue();
        Random random = new Random(14);
        int rows = 16;
        int cols = 768;
        for (GgmlType type : new GgmlType[] {GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K}) {
            MemorySegment w = randomRows(random, type, rows, cols);
            WeightMatrix m = WeightMatrix.of(type, w, rows, cols);
            assertThat(m.interleaved()).isTrue();
            int n = 3;
            float[] x = activations(random, n * cols, 1f);
            float[] each = new float[n * rows];
            m.matvecEach(x, n, each);
            for (int i = 0; i < n; i++) {
                float[] input = Arrays.copyOfRange(x, i * cols, (i + 1) * cols);
                float[] one = new float[rows];
                m.matvec(input, one);
                float[] kernel = kernel(type, w, input, rows, cols);
                for (int r = 0; r < rows; r++) {
                    assertThat(Float.floatToRawIntBits(one[r])).as("%s input %d row %d", type, i, r)
                            .isEqualTo(Float.floatToRawIntBits(kernel[r]))
                            .isEqualTo(Float.floatToRawIntBits(each[i * rows + r]));
                }
            }
        }
    }

    /** {@code w} (ggml's layout) repacked into interleaved groups of four rows. */
    private static MemorySegment[] groups(GgmlType type, MemorySegment w, int rows, int cols) {
        switch (type) {
            case Q4_K -> {
                MemorySegment packed = Arena.ofAuto().allocate(Q4_Kx4.packedBytes(rows, cols));
                Q4_Kx4.repack(w, packed, rows, cols);
                return Q4_Kx4.groups(packed, rows, cols);
            }
            case Q5_K -> {
                MemorySegment packed = Arena.ofAuto().allocate(Q5_Kx4.packedBytes(rows, cols));
                Q5_Kx4.repack(w, packed, rows, cols);
                return Q5_Kx4.groups(packed, rows, cols);
            }
            default -> {
                MemorySegment packed = Arena.ofAuto().allocate(w.byteSize());
                Q6_Kx4.repack(w, packed, rows, cols);
                return Q6_Kx4.groups(packed, rows, cols);
            }
        }
    }

    /** The matvec kernel's outputs for {@code x} on {@code w} (ggml's layout), repacked and run group by group here. */
    private static float[] kernel(GgmlType type, MemorySegment w, float[] x, int rows, int cols) {
        MemorySegment[] groups = groups(type, w, rows, cols);
        Q8K xq = Q8K.of(x, cols);
        float[] out = new float[rows];
        for (int g = 0; g < rows / 4; g++) {
            switch (type) {
                case Q4_K -> Q4_Kx4Folded.dot4(groups[g], xq, cols, out, 4 * g);
                case Q5_K -> Q5_Kx4Folded.dot4(groups[g], xq, cols, out, 4 * g);
                default -> Q6_Kx4Bytes.dot4(groups[g], xq, cols, out, 4 * g);
            }
        }
        return out;
    }

    /**
     * The reference and the matvec kernel, the latter reading the activations both spread four times over (as
     * {@link KQuantGroupsEach} calls it) and as they come (as {@link WeightMatrix#matvec} does), on every group of
     * {@code w} (ggml's layout, repacked here), all the same bits; returns the reference's outputs.
     */
    private static float[] assertSameBits(GgmlType type, MemorySegment w, int rows, int cols, float[] x) {
        MemorySegment[] groups = groups(type, w, rows, cols);
        Q8K xq = Q8K.of(x, cols);
        Q4_Kx4.Activations xa = Q4_Kx4.Activations.of(xq);
        float[] reference = new float[rows];
        float[] kernel = new float[rows];
        float[] unspread = new float[rows];
        for (int g = 0; g < rows / 4; g++) {
            switch (type) {
                case Q4_K -> {
                    Q4_Kx4.dot4(groups[g], xa, cols, reference, 4 * g);
                    Q4_Kx4Folded.dot4(groups[g], xa, cols, kernel, 4 * g);
                    Q4_Kx4Folded.dot4(groups[g], xq, cols, unspread, 4 * g);
                }
                case Q5_K -> {
                    Q5_Kx4.dot4(groups[g], xa, cols, reference, 4 * g);
                    Q5_Kx4Folded.dot4(groups[g], xa, cols, kernel, 4 * g);
                    Q5_Kx4Folded.dot4(groups[g], xq, cols, unspread, 4 * g);
                }
                default -> {
                    Q6_Kx4.dot4(groups[g], xa, cols, reference, 4 * g);
                    Q6_Kx4Bytes.dot4(groups[g], xa, cols, kernel, 4 * g);
                    Q6_Kx4Bytes.dot4(groups[g], xq, cols, unspread, 4 * g);
                }
            }
        }
        for (int r = 0; r < rows; r++) {
            assertThat(Float.floatToRawIntBits(kernel[r])).as("%s row %d of %d columns: %s against %s", type, r, cols,
                    kernel[r], reference[r]).isEqualTo(Float.floatToRawIntBits(reference[r]));
            assertThat(Float.floatToRawIntBits(unspread[r])).as(type + ", activations as they come, row %d of %d columns: "
                    + "%s against %s", r, cols, unspread[r], reference[r]).isEqualTo(Float.floatToRawIntBits(reference[r]));
        }
        return reference;
    }

    private static float[] activations(Random random, int n, float outlier) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextGaussian() * (i % 97 == 0 ? outlier : 1);
        }
        return x;
    }

    private static int blockBytes(GgmlType type) {
        return switch (type) {
            case Q4_K -> 144;
            case Q5_K -> 176;
            default -> 210;
        };
    }

    /** Rows of random bytes whose f16 d (and Q4_K's and Q5_K's dmin) of some super-blocks are set to the edge values. */
    private static MemorySegment randomRows(Random random, GgmlType type, int rows, int cols) {
        int block = blockBytes(type);
        byte[] bytes = new byte[rows * block * (cols / 256)];
        random.nextBytes(bytes);
        MemorySegment w = Arena.ofAuto().allocate(bytes.length);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, w, 0, bytes.length);
        for (long p = 0; p < bytes.length; p += block) {
            int pick = random.nextInt(3 * EDGES.length);
            short d = pick < EDGES.length ? EDGES[pick] : Float.floatToFloat16(random.nextFloat() / 16);
            if (type != GgmlType.Q6_K) {
                w.set(SHORT, p, d);
                w.set(SHORT, p + 2, Float.floatToFloat16(random.nextFloat() / 16));
            } else {
                w.set(SHORT, p + 208, d);
            }
        }
        return w;
    }

    /**
     * Rows whose quant bytes are all {@code fill}, d = 1 and (Q4_K, Q5_K) dmin = 0; the scales are the largest:
     * Q4_K's and Q5_K's six-bit scales all 63 (the 12 scale bytes 0xff), Q6_K's signed scales all 127.
     */
    private static MemorySegment constantRows(GgmlType type, int rows, int cols, byte fill) {
        int block = blockBytes(type);
        MemorySegment w = Arena.ofAuto().allocate((long) rows * block * (cols / 256));
        for (long p = 0; p < w.byteSize(); p += block) {
            if (type == GgmlType.Q4_K || type == GgmlType.Q5_K) { // Q5_K: qh (32 bytes) then qs, all fill
                w.set(SHORT, p, Float.floatToFloat16(1f));
                w.set(SHORT, p + 2, (short) 0);
                w.asSlice(p + 4, 12).fill((byte) 0xff);
                w.asSlice(p + 16, block - 16).fill(fill);
            } else {
                w.asSlice(p, 192).fill(fill);
                w.asSlice(p + 192, 16).fill((byte) 127);
                w.set(SHORT, p + 208, Float.floatToFloat16(1f));
            }
        }
        return w;
    }
}
