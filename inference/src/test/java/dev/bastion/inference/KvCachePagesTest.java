package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The key/value cache in pages of {@link KvCache#PAGE} positions, taken at their first write: positions on both
 * sides of page boundaries, and in a short last page, read back as written.
 */
class KvCachePagesTest {

    /** Two layers, 4 heads of 16 sharing 2 key/value heads: kv_dim 32, one q8_0 block per position. */
    private static final ModelConfig CONFIG = new ModelConfig("llama", 4096, 64, 2, 128, 4, 2, 16, 1e-5f, 10000f,
            16, false, 1f, 256);
    private static final int CAPACITY = 2 * KvCache.PAGE + 37; // a short third page

    @Test
    void everyPosition_acrossPageBoundaries_readsBackWhatWasWritten_inEveryCacheType() {
        for (KvCacheType type : KvCacheType.values()) {
            Random random = new Random(5);
            int kv = CONFIG.kvDim();
            float[][][] k = new float[CONFIG.layers()][CAPACITY][kv];
            float[][][] v = new float[CONFIG.layers()][CAPACITY][kv];
            KvCache cache = KvCache.of(CONFIG, CAPACITY, type);
            for (int pos = 0; pos < CAPACITY; pos++) {
                for (int l = 0; l < CONFIG.layers(); l++) {
                    for (int j = 0; j < kv; j++) {
                        k[l][pos][j] = (float) random.nextGaussian();
                        v[l][pos][j] = (float) random.nextGaussian();
                    }
                    cache.write(l, pos, k[l][pos], 0, v[l][pos], 0);
                }
                cache.advance(1);
            }
            float[] q = new float[CONFIG.headDim()];
            for (int j = 0; j < q.length; j++) {
                q[j] = (float) random.nextGaussian();
            }
            double tolerance = switch (type) {
                case F32 -> 1e-5;
                case F16 -> 1e-2;
                case Q8_0 -> 0.1;
            };
            for (int pos : new int[] {0, 1, KvCache.PAGE - 1, KvCache.PAGE, KvCache.PAGE + 1, 2 * KvCache.PAGE - 1,
                    2 * KvCache.PAGE, CAPACITY - 1}) {
                for (int l = 0; l < CONFIG.layers(); l++) {
                    for (int h = 0; h < CONFIG.kvHeads(); h++) {
                        float dot = 0f;
                        for (int j = 0; j < q.length; j++) {
                            dot += q[j] * k[l][pos][h * CONFIG.headDim() + j];
                        }
                        assertThat(cache.dotKey(l, pos, h, q, 0)).as("%s key at %d, layer %d, head %d", type, pos, l, h)
                                .isCloseTo(dot, within((float) tolerance * (1 + Math.abs(dot))));
                        float[] out = new float[CONFIG.headDim()];
                        cache.addValue(l, pos, h, 2f, out, 0);
                        for (int j = 0; j < out.length; j++) {
                            assertThat(out[j]).as("%s value at %d", type, pos)
                                    .isCloseTo(2f * v[l][pos][h * CONFIG.headDim() + j], within((float) tolerance * 4));
                        }
                    }
                }
            }
        }
    }

    @Test
    void theFloatCache_givesExactlyTheDotOfWhatWasWritten_pastThePageBoundary() {
        KvCache cache = KvCache.of(CONFIG, CAPACITY, KvCacheType.F32);
        float[] k = new float[CONFIG.kvDim()];
        float[] v = new float[CONFIG.kvDim()];
        float[] q = new float[CONFIG.headDim()];
        for (int j = 0; j < k.length; j++) {
            k[j] = j * 0.25f - 3f;
            v[j] = 1f / (j + 1);
        }
        for (int j = 0; j < q.length; j++) {
            q[j] = j % 3 - 1f;
        }
        int pos = KvCache.PAGE + 3;
        cache.write(1, pos, k, 0, v, 0);
        assertThat(cache.dotKey(1, pos, 1, q, 0)).isEqualTo(VectorMath.dot(q, 0, k, CONFIG.headDim(), CONFIG.headDim()));
        assertThat(cache.bytes()).as("the whole context, as before pages").isEqualTo(2L * 2 * CAPACITY * 32 * 4);
    }
}
