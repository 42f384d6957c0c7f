package dev.bastion.inference;

import static dev.bastion.inference.ScalarKernels.f16;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A whole group of four interleaved K-quant rows ({@link Q4_Kx4}, {@link Q5_Kx4}, {@link Q6_Kx4}) dequantised at
 * once, for the prompt's panels ({@link MatmulInputLanes}): the four rows come out exactly as
 * {@code Q4_Kx4.dequantize} (and its Q5_K and Q6_K twins) gives them one at a time, the same integer quants
 * converted and scaled by the same float operations, so the same floats.
 *
 * <p>Why: the row-at-a-time dequantisers pick a row's sixteen bytes out of each 64 with a byte permutation and
 * then widen them to ints. Here each 64 bytes are read as sixteen int lanes; lane t holds byte t of rows 0-3 (bits
 * 8 r to 8 r + 7, the layouts' "byte 4 t + r is row r's"), so row r's bytes are a shift of the lanes by 8 r, and
 * the nibbles and high bits are masks of that: no permutation and no widening. The rows are taken one after the
 * other within a super-block (its scales read once per row), so rows 1-3 read the super-block's bytes from L1.
 * Measurements: docs/inference-kernels.md, "K-quant panels, round twelve".
 *
 * <p>This class is stateless and thread-safe.
 */
final class KQuantPanels {

    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Where the quants start in a super-block of each layout (see the layouts' class comments). */
    private static final int Q4_K_QUANTS = 80;
    private static final int Q5_K_HIGH = 80;
    private static final int Q5_K_QUANTS = 208;

    private KQuantPanels() {
    }

    /** The four rows of the Q4_K group {@code g}, row k at {@code out[oo + k * cols ..]}. */
    static void q4K(MemorySegment g, float[] out, int oo, int cols) {
        for (int b = 0; b < cols / 256; b++) {
            long p = (long) Q4_Kx4.BLOCK * b;
            for (int k = 0; k < 4; k++) { // row k: the group's 512 bytes of quants are in L1 after row 0
                float d = f16(g, p + 2L * k);
                float dmin = -f16(g, p + 8 + 2L * k);
                for (int j = 0; j < 4; j++) {
                    float d0 = d * u8(g, p + 16 + 8L * j + k);
                    float d1 = d * u8(g, p + 20 + 8L * j + k);
                    float m0 = dmin * u8(g, p + 48 + 8L * j + k);
                    float m1 = dmin * u8(g, p + 52 + 8L * j + k);
                    for (int h = 0; h < 2; h++) { // positions 16 h .. 16 h + 15 of sub-blocks 2 j and 2 j + 1
                        IntVector q = IntVector.fromMemorySegment(I, g, p + Q4_K_QUANTS + 128L * j + 64L * h, LE)
                                .lanewise(VectorOperators.LSHR, 8 * k);
                        int o = oo + k * cols + 256 * b + 64 * j + 16 * h;
                        ((FloatVector) q.and(15).convertShape(VectorOperators.I2F, F, 0)).fma(d0, m0).intoArray(out, o);
                        ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).and(15).convertShape(VectorOperators.I2F, F, 0))
                                .fma(d1, m1).intoArray(out, o + 32);
                    }
                }
            }
        }
    }

    /** The four rows of the Q5_K group {@code g}, row k at {@code out[oo + k * cols ..]}. */
    static void q5K(MemorySegment g, float[] out, int oo, int cols) {
        for (int b = 0; b < cols / 256; b++) {
            long p = (long) Q5_Kx4.BLOCK * b;
            for (int k = 0; k < 4; k++) {
                float d = f16(g, p + 2L * k);
                float dmin = -f16(g, p + 8 + 2L * k);
                for (int j = 0; j < 4; j++) {
                    float d0 = d * u8(g, p + 16 + 8L * j + k);
                    float d1 = d * u8(g, p + 20 + 8L * j + k);
                    float m0 = dmin * u8(g, p + 48 + 8L * j + k);
                    float m1 = dmin * u8(g, p + 52 + 8L * j + k);
                    for (int h = 0; h < 2; h++) {
                        IntVector q = IntVector.fromMemorySegment(I, g, p + Q5_K_QUANTS + 128L * j + 64L * h, LE)
                                .lanewise(VectorOperators.LSHR, 8 * k);
                        IntVector hb = IntVector.fromMemorySegment(I, g, p + Q5_K_HIGH + 64L * h, LE)
                                .lanewise(VectorOperators.LSHR, 8 * k + 2 * j); // bits 2 j and 2 j + 1 of the byte
                        int o = oo + k * cols + 256 * b + 64 * j + 16 * h;
                        ((FloatVector) q.and(15).or(hb.and(1).lanewise(VectorOperators.LSHL, 4))
                                .convertShape(VectorOperators.I2F, F, 0)).fma(d0, m0).intoArray(out, o);
                        ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).and(15)
                                .or(hb.and(2).lanewise(VectorOperators.LSHL, 3))
                                .convertShape(VectorOperators.I2F, F, 0)).fma(d1, m1).intoArray(out, o + 32);
                    }
                }
            }
        }
    }

    /** The four rows of the Q6_K group {@code g}, row k at {@code out[oo + k * cols ..]}. */
    static void q6K(MemorySegment g, float[] out, int oo, int cols) {
        for (int b = 0; b < cols / 256; b++) {
            long p = Q6_Kx4.header(b, cols / 256);
            for (int k = 0; k < 4; k++) {
                float d = f16(g, p + 2L * k);
                for (int n = 0; n < 2; n++) {
                    for (int h = 0; h < 2; h++) { // positions 16 h .. 16 h + 15 of each quarter of half n
                        long qo = Q6_Kx4.quants(b) + 384L * n + 64L * h;
                        IntVector a = IntVector.fromMemorySegment(I, g, qo, LE).lanewise(VectorOperators.LSHR, 8 * k);
                        IntVector c = IntVector.fromMemorySegment(I, g, qo + 128, LE)
                                .lanewise(VectorOperators.LSHR, 8 * k);
                        IntVector hb = IntVector.fromMemorySegment(I, g, qo + 256, LE)
                                .lanewise(VectorOperators.LSHR, 8 * k);
                        long sc = p + 8 + 32L * n + 4L * h + k;
                        int ob = oo + k * cols + 256 * b + 128 * n + 16 * h;
                        ((FloatVector) a.and(15).or(hb.and(3).lanewise(VectorOperators.LSHL, 4)).sub(32)
                                .convertShape(VectorOperators.I2F, F, 0))
                                .mul(d * g.get(ValueLayout.JAVA_BYTE, sc)).intoArray(out, ob);
                        ((FloatVector) c.and(15).or(hb.and(12).lanewise(VectorOperators.LSHL, 2)).sub(32)
                                .convertShape(VectorOperators.I2F, F, 0))
                                .mul(d * g.get(ValueLayout.JAVA_BYTE, sc + 8)).intoArray(out, ob + 32);
                        ((FloatVector) a.lanewise(VectorOperators.LSHR, 4).and(15).or(hb.and(48)).sub(32)
                                .convertShape(VectorOperators.I2F, F, 0))
                                .mul(d * g.get(ValueLayout.JAVA_BYTE, sc + 16)).intoArray(out, ob + 64);
                        ((FloatVector) c.lanewise(VectorOperators.LSHR, 4).and(15)
                                .or(hb.lanewise(VectorOperators.LSHR, 2).and(48)).sub(32)
                                .convertShape(VectorOperators.I2F, F, 0))
                                .mul(d * g.get(ValueLayout.JAVA_BYTE, sc + 24)).intoArray(out, ob + 96);
                    }
                }
            }
        }
    }

    private static int u8(MemorySegment g, long p) {
        return g.get(ValueLayout.JAVA_BYTE, p) & 0xFF;
    }
}
