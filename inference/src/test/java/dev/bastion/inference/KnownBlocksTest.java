package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * Blocks written byte by byte, with values worked out by hand from ggml's layout, so that the layout itself is
 * tested and not only the two kernel twins against each other. Each test checks the scalar and the vector
 * kernels, and the dot with a one-hot x picks single elements.
 */
class KnownBlocksTest {

    /* Q4_K/Q5_K sub-block scales and mins chosen to use all 6 bits, and their 12 packed bytes by hand:
     * bytes 0-3: sc0..3 | (sc4..7 >> 4) << 6; bytes 4-7: m0..3 | (m4..7 >> 4) << 6; bytes 8-11: sc4..7 & 15 | (m4..7 & 15) << 4. */
    private static final int[] SC = {1, 2, 3, 4, 17, 33, 49, 63};
    private static final int[] MI = {0, 1, 2, 3, 20, 40, 60, 5};
    private static final int[] PACKED = {0x41, 0x82, 0xC3, 0xC4, 0x40, 0x81, 0xC2, 0x03, 0x41, 0x81, 0xC1, 0x5F};

    @Test
    void q8_0Block_isHalfScaleTimesSignedBytes() {
        byte[] b = new byte[34];
        putHalf(b, 0, 0x3800); // d = 0.5
        for (int i = 0; i < 32; i++) {
            b[2 + i] = (byte) (i - 16);
        }
        float[] v = both(GgmlType.Q8_0, b, 32);
        assertThat(v[0]).isEqualTo(-8f);
        assertThat(v[31]).isEqualTo(7.5f);
        for (int i = 0; i < 32; i++) {
            assertThat(v[i]).isEqualTo(0.5f * (i - 16));
        }
    }

    @Test
    void q4_0Block_hasElements0To15InLowNibblesAnd16To31InHighNibbles() {
        byte[] b = new byte[18];
        putHalf(b, 0, 0x4000); // d = 2
        for (int i = 0; i < 16; i++) {
            b[2 + i] = (byte) (i | (15 - i) << 4);
        }
        float[] v = both(GgmlType.Q4_0, b, 32);
        assertThat(v[0]).isEqualTo(-16f);   // 2 * (0 - 8)
        assertThat(v[15]).isEqualTo(14f);   // 2 * (15 - 8)
        assertThat(v[16]).isEqualTo(14f);   // high nibble of byte 0 is 15
        assertThat(v[31]).isEqualTo(-16f);
        assertThat(v[9]).isEqualTo(2f);
    }

    @Test
    void quantizerPacksK4ScalesAsWorkedOutByHand() {
        byte[] p = Quantizer.packScalesK4(SC, MI);
        for (int i = 0; i < 12; i++) {
            assertThat(p[i] & 0xFF).as("scale byte %d", i).isEqualTo(PACKED[i]);
        }
    }

    @Test
    void q4_KBlock_unpacksSixBitScalesAndPairsSubBlocksInNibbles() {
        byte[] b = new byte[144];
        putHalf(b, 0, 0x3C00); // d = 1
        putHalf(b, 2, 0x3800); // dmin = 0.5
        putScales(b, 4);
        // qs chunk k: low nibble = sub-block 2k element l (q = l & 15), high = sub-block 2k+1 (q = (l + k) & 15)
        for (int k = 0; k < 4; k++) {
            for (int l = 0; l < 32; l++) {
                b[16 + 32 * k + l] = (byte) ((l & 15) | ((l + k) & 15) << 4);
            }
        }
        float[] v = both(GgmlType.Q4_K, b, 256);
        assertThat(v[32 * 1]).isEqualTo(-0.5f);           // sub-block 1: 2*0 - 0.5*1
        assertThat(v[32 * 4]).isEqualTo(-10f);            // sub-block 4: 17*0 - 0.5*20
        assertThat(v[32 * 4 + 7]).isEqualTo(109f);        // 17*7 - 10
        assertThat(v[32 * 5 + 3]).isEqualTo(145f);        // sub-block 5, q = (3+2)&15 = 5: 33*5 - 0.5*40
        assertThat(v[32 * 7 + 31]).isEqualTo(123.5f);     // sub-block 7, q = (31+3)&15 = 2: 63*2 - 0.5*5
        for (int s = 0; s < 8; s++) {
            for (int l = 0; l < 32; l++) {
                int q = s % 2 == 0 ? l & 15 : (l + s / 2) & 15;
                assertThat(v[32 * s + l]).as("element %d", 32 * s + l).isEqualTo(SC[s] * q - 0.5f * MI[s]);
            }
        }
    }

    @Test
    void q5_KBlock_takesTheFifthBitOfSubBlockSFromBitSOfQh() {
        byte[] b = new byte[176];
        putHalf(b, 0, 0x3C00);
        putHalf(b, 2, 0x3800);
        putScales(b, 4);
        for (int l = 0; l < 32; l++) {
            b[16 + l] = (byte) (l % 2 == 1 ? 0xFF : 0x00); // odd elements of every sub-block get +16
        }
        for (int k = 0; k < 4; k++) {
            for (int l = 0; l < 32; l++) {
                b[48 + 32 * k + l] = (byte) ((l & 15) | ((l + k) & 15) << 4);
            }
        }
        float[] v = both(GgmlType.Q5_K, b, 256);
        assertThat(v[32 * 5 + 3]).isEqualTo(673f);       // q = 5 + 16: 33*21 - 20
        assertThat(v[32 * 5 + 2]).isEqualTo(112f);       // q = 4: 33*4 - 20
        assertThat(v[32 * 7 + 31]).isEqualTo(1131.5f);   // q = 2 + 16: 63*18 - 2.5
        for (int s = 0; s < 8; s++) {
            for (int l = 0; l < 32; l++) {
                int q = (s % 2 == 0 ? l & 15 : (l + s / 2) & 15) + (l % 2) * 16;
                assertThat(v[32 * s + l]).as("element %d", 32 * s + l).isEqualTo(SC[s] * q - 0.5f * MI[s]);
            }
        }
    }

    @Test
    void q6_KBlock_combinesFourLowAndTwoHighBitsWithAScalePerSixteen() {
        byte[] b = new byte[210];
        for (int i = 0; i < 128; i++) {
            b[i] = (byte) ((i & 15) | ((i + 1) & 15) << 4); // ql
        }
        for (int i = 0; i < 64; i++) {
            b[128 + i] = (byte) 0b11_10_01_00; // qh: bits 0-1 = 0, 2-3 = 1, 4-5 = 2, 6-7 = 3
        }
        for (int g = 0; g < 16; g++) {
            b[192 + g] = (byte) (g - 8);
        }
        putHalf(b, 208, 0x3400); // d = 0.25
        float[] v = both(GgmlType.Q6_K, b, 256);
        // element 0: ql[0] low = 0, qh bits 0-1 = 0 -> q = 0 - 32; scale -8: 0.25 * -8 * -32 = 64
        assertThat(v[0]).isEqualTo(64f);
        // element 40: ql[40] low = 8, qh[8] bits 2-3 = 1 -> q = 8 + 16 - 32 = -8; scale index 2 -> -6: 12
        assertThat(v[40]).isEqualTo(12f);
        // element 70: ql[6] high = 7, bits 4-5 = 2 -> q = 7 + 32 - 32 = 7; scale index 4 -> -4: -7
        assertThat(v[70]).isEqualTo(-7f);
        // element 255: second half, ql[64+63] high = (127+1)&15 = 0, bits 6-7 = 3 -> q = 48 - 32 = 16; scale 7: 28
        assertThat(v[255]).isEqualTo(28f);
        for (int half = 0; half < 2; half++) {
            for (int l = 0; l < 32; l++) {
                int ql0 = b[64 * half + l] & 0xFF;
                int ql1 = b[64 * half + 32 + l] & 0xFF;
                int[] q = {(ql0 & 15) - 32, (ql1 & 15) + 16 - 32, (ql0 >>> 4) + 32 - 32, (ql1 >>> 4) + 48 - 32};
                for (int quarter = 0; quarter < 4; quarter++) {
                    int e = 128 * half + 32 * quarter + l;
                    assertThat(v[e]).as("element %d", e).isEqualTo(0.25f * (e / 16 - 8) * q[quarter]);
                }
            }
        }
    }

    @Test
    void f16AndBf16_decodeNormalSubnormalAndInfiniteValues() {
        int[] halves = {0x3C00, 0xC000, 0x0001, 0x7C00, 0x3555, 0x8000, 0x7BFF, 0x0400,
                0x3800, 0x3800, 0x3800, 0x3800, 0x3800, 0x3800, 0x3800, 0x3800};
        float[] expected = {1f, -2f, 0x1p-24f, Float.POSITIVE_INFINITY, 0.333251953125f, -0f, 65504f, 0x1p-14f,
                0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f};
        byte[] b = new byte[32];
        for (int i = 0; i < 16; i++) {
            putHalf(b, 2 * i, halves[i]);
        }
        assertThat(both(GgmlType.F16, b, 16)).containsExactly(expected);
        byte[] bf = new byte[32];
        for (int i = 0; i < 16; i++) {
            putHalf(bf, 2 * i, i % 2 == 0 ? 0x3F80 : 0xC0A0); // 1.0 and -5.0
        }
        float[] v = both(GgmlType.BF16, bf, 16);
        for (int i = 0; i < 16; i++) {
            assertThat(v[i]).isEqualTo(i % 2 == 0 ? 1f : -5f);
        }
    }

    /** Dequantises with both kernels, checks they are equal, and checks one-hot dots pick the same elements
     * (when all are finite: 0 * infinity is NaN). */
    private static float[] both(GgmlType type, byte[] block, int n) {
        MemorySegment w = MemorySegment.ofArray(block);
        float[] scalar = new float[n];
        float[] vector = new float[n];
        ScalarKernels.dequantize(type, w, 0, scalar, 0, n);
        VectorKernels.dequantize(type, w, 0, vector, 0, n);
        assertThat(vector).as("vector dequantize of %s", type).containsExactly(scalar);
        boolean allFinite = true;
        for (float f : scalar) {
            allFinite &= Float.isFinite(f);
        }
        for (int i = 0; i < n && allFinite; i += 5) {
            float[] oneHot = new float[n];
            oneHot[i] = 1f;
            assertThat(ScalarKernels.dot(type, w, 0, oneHot, 0, n)).isEqualTo(scalar[i] + 0f);
            assertThat(VectorKernels.dot(type, w, 0, oneHot, 0, n)).isEqualTo(scalar[i] + 0f);
        }
        if (type.blockSize() == 256) {
            oneHotInt8Dots(type, w, scalar);
        }
        return scalar;
    }

    /*
     * With int8 activations q_x one-hot (1 at element i, d_x = 1) every product and sum in both int8 kernels is
     * exact, so each must give element i exactly as dequantised; all-ones activations (sums of 32 per sub-block)
     * must give the row's total, which checks that the minimums are taken from the activation sums.
     */
    private static void oneHotInt8Dots(GgmlType type, MemorySegment w, float[] dequantized) {
        for (int i = 0; i < 256; i += 3) {
            short[] q = new short[256];
            q[i] = 1;
            int[] sums = new int[8];
            sums[i / 32] = 1;
            Q8K x = new Q8K(q, ones(1), sums);
            assertThat(int8Dot(type, w, x, false)).as("scalar int8 %s element %d", type, i).isEqualTo(dequantized[i]);
            assertThat(int8Dot(type, w, x, true)).as("vector int8 %s element %d", type, i).isEqualTo(dequantized[i]);
            for (float v : interleavedDots(type, w, x)) {
                assertThat(v).as("interleaved int8 %s element %d", type, i).isEqualTo(dequantized[i]);
            }
        }
        short[] ones = new short[256];
        java.util.Arrays.fill(ones, (short) 1);
        int[] sums = new int[8];
        java.util.Arrays.fill(sums, 32);
        Q8K x = new Q8K(ones, ones(1), sums);
        double total = 0;
        for (float v : dequantized) {
            total += v;
        }
        assertThat((double) int8Dot(type, w, x, false)).as("scalar int8 %s total", type).isEqualTo(total);
        assertThat((double) int8Dot(type, w, x, true)).as("vector int8 %s total", type).isEqualTo(total);
        for (float v : interleavedDots(type, w, x)) {
            assertThat((double) v).as("interleaved int8 %s total", type).isEqualTo(total);
        }
    }

    /**
     * The block as all four rows of a group interleaved by four ({@link Q4_Kx4}, {@link Q5_Kx4}, {@link Q6_Kx4}): the scalar twin's
     * four dots, then, with 512-bit vectors, the vector kernel's four; none for the other types.
     */
    private static float[] interleavedDots(GgmlType type, MemorySegment block, Q8K x) {
        MemorySegment rows = MemorySegment.ofArray(new byte[4 * (int) block.byteSize()]);
        for (int r = 0; r < 4; r++) {
            MemorySegment.copy(block, 0, rows, r * block.byteSize(), block.byteSize());
        }
        MemorySegment packed;
        switch (type) {
            case Q4_K -> Q4_Kx4.repack(rows, packed = MemorySegment.ofArray(new byte[(int) Q4_Kx4.packedBytes(4, 256)]), 4, 256);
            case Q5_K -> Q5_Kx4.repack(rows, packed = MemorySegment.ofArray(new byte[(int) Q5_Kx4.packedBytes(4, 256)]), 4, 256);
            case Q6_K -> Q6_Kx4.repack(rows, packed = MemorySegment.ofArray(new byte[(int) rows.byteSize()]), 4, 256);
            default -> {
                return new float[0];
            }
        }
        boolean vector = KQuantInt8.AVAILABLE;
        float[] out = new float[vector ? 8 : 4];
        for (int k = 0; k < 4; k++) {
            out[k] = switch (type) {
                case Q4_K -> Q4_Kx4.dotScalar(packed, k, x, 256);
                case Q5_K -> Q5_Kx4.dotScalar(packed, k, x, 256);
                default -> Q6_Kx4.dotScalar(packed, k, x, 256);
            };
        }
        if (vector) {
            Q4_Kx4.Activations xa = Q4_Kx4.Activations.of(x);
            switch (type) {
                case Q4_K -> Q4_Kx4.dot4(packed, xa, 256, out, 4);
                case Q5_K -> Q5_Kx4.dot4(packed, xa, 256, out, 4);
                default -> Q6_Kx4.dot4(packed, xa, 256, out, 4);
            }
        }
        return out;
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }

    static float int8Dot(GgmlType type, MemorySegment w, Q8K x, boolean vector) {
        return switch (type) {
            case Q4_K -> vector ? KQuantInt8.dotQ4_K(w, 0, x, 256) : KQuantInt8Scalar.dotQ4_K(w, 0, x, 256);
            case Q5_K -> vector ? KQuantInt8.dotQ5_K(w, 0, x, 256) : KQuantInt8Scalar.dotQ5_K(w, 0, x, 256);
            case Q6_K -> vector ? KQuantInt8.dotQ6_K(w, 0, x, 256) : KQuantInt8Scalar.dotQ6_K(w, 0, x, 256);
            default -> throw new IllegalArgumentException("no int8 kernel for " + type);
        };
    }

    private static void putScales(byte[] b, int at) {
        for (int i = 0; i < 12; i++) {
            b[at + i] = (byte) PACKED[i];
        }
    }

    private static void putHalf(byte[] b, int at, int bits) {
        b[at] = (byte) bits;
        b[at + 1] = (byte) (bits >>> 8);
    }
}
