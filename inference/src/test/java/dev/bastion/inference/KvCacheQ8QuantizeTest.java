package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The q8_0 key/value cache's rounding against ggml's reference q8_0 ({@code quantize_row_q8_0_ref}: d = amax / 127,
 * quants {@code roundf(x / d)}, halves away from zero), written out here as its twin with the scale kept a float
 * as our cache keeps it (ggml stores d as f16).
 */
class KvCacheQ8QuantizeTest {

    private static final int BLOCK = KvCache.BLOCK;

    /** ggml's reference, per block, with a float d: the quants, and d returned. */
    private static float ggmlReference(float[] x, int from, byte[] q) {
        float amax = 0f;
        for (int j = 0; j < BLOCK; j++) {
            amax = Math.max(amax, Math.abs(x[from + j]));
        }
        float d = amax / 127f;
        float id = d != 0f ? 1f / d : 0f;
        for (int j = 0; j < BLOCK; j++) {
            float v = x[from + j] * id;
            // C's roundf: the nearest integer, halves away from zero
            double r = Math.abs((double) v) - Math.floor(Math.abs((double) v)) >= 0.5
                    ? Math.ceil(Math.abs((double) v)) : Math.floor(Math.abs((double) v));
            q[j] = (byte) (v < 0 ? -r : r);
        }
        return d;
    }

    @Test
    void halvesRoundAwayFromZero_asGgmlsRoundf() {
        // amax 127: d = 1 exactly and 1 / d = 1, so each quant is its number rounded
        float[] x = new float[BLOCK];
        float[] values = {127f, -2.5f, 2.5f, -0.5f, 0.5f, -1.5f, 1.5f, -126.5f, 0.49999997f, -0.49999997f, -3.4f, 3.6f};
        System.arraycopy(values, 0, x, 0, values.length);
        byte[] q = new byte[BLOCK];
        float d = KvCache.Q8.quantizeBlock(x, 0, q, 0);
        assertThat(d).isEqualTo(1f);
        byte[] expected = {127, -3, 3, -1, 1, -2, 2, -127, 0, 0, -3, 4};
        for (int j = 0; j < expected.length; j++) {
            assertThat(q[j]).as("quant of %s", values[j]).isEqualTo(expected[j]);
        }
        for (int j = expected.length; j < BLOCK; j++) {
            assertThat(q[j]).isZero();
        }
    }

    @Test
    void everyBlock_equalsGgmlsReference_quantForQuant() {
        Random random = new Random(17);
        byte[] ours = new byte[BLOCK];
        byte[] theirs = new byte[BLOCK];
        for (int trial = 0; trial < 20_000; trial++) {
            float[] x = new float[BLOCK];
            float scale = (float) Math.pow(10, random.nextInt(7) - 3);
            for (int j = 0; j < BLOCK; j++) {
                // some blocks on a grid of quarters, halves of d, where the rounding of ties decides
                x[j] = trial % 3 == 0 ? (random.nextInt(509) - 254) * 0.25f : (float) random.nextGaussian() * scale;
            }
            if (trial % 3 == 0) {
                x[random.nextInt(BLOCK)] = 63.5f; // amax 63.5: d = 0.5, so a grid number is a whole or a half quant
            }
            float d = KvCache.Q8.quantizeBlock(x, 0, ours, 0);
            float dRef = ggmlReference(x, 0, theirs);
            assertThat(d).isEqualTo(dRef);
            assertThat(ours).as("trial %d", trial).isEqualTo(theirs);
        }
    }

    @Test
    void aBlockOfZeros_hasScaleZero_andQuantsZero() {
        byte[] q = new byte[BLOCK];
        java.util.Arrays.fill(q, (byte) 9);
        assertThat(KvCache.Q8.quantizeBlock(new float[BLOCK], 0, q, 0)).isZero();
        assertThat(q).containsOnly((byte) 0);
    }
}
