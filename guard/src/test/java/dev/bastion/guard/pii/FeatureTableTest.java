package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The read table keeps each key with its weights in one block: it must score and write as the arrays it replaced. */
class FeatureTableTest {

    private static FeatureTable trained(long seed, int keys) {
        SplittableRandom r = new SplittableRandom(seed);
        FeatureTable t = new FeatureTable(16, true);
        for (int c = 1; c <= keys * 3; c++) {
            t.update(1 + r.nextInt(keys), r.nextInt(NameModel.TAGS), (float) r.nextGaussian(), c);
        }
        return t.averaged(keys * 3L, 0.01f);
    }

    private static byte[] bytes(FeatureTable t) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(out)) {
            t.write(d);
        }
        return out.toByteArray();
    }

    private static FeatureTable read(byte[] b) throws Exception {
        return FeatureTable.read(new DataInputStream(new ByteArrayInputStream(b)));
    }

    @Test
    void aReadTableScoresEveryKeyAsItsWrittenHalvesAndAllAtOnceAsOneByOne() throws Exception {
        FeatureTable source = trained(1, 5000);
        FeatureTable read = read(bytes(source));
        assertThat(read.size()).isEqualTo(source.size());
        SplittableRandom r = new SplittableRandom(2);
        int nonZero = 0;
        for (int q = 0; q < 2000; q++) {
            long[] keys = new long[30];
            for (int k = 0; k < keys.length; k++) {
                keys[k] = r.nextInt(7000); // some absent, and 0, which the table stores as 1
            }
            float[] one = new float[NameModel.TAGS];
            float[] halves = new float[NameModel.TAGS];
            for (long key : keys) {
                read.addTo(key, one);
                float[] s = new float[NameModel.TAGS];
                source.addTo(key, s);
                for (int tag = 0; tag < s.length; tag++) {
                    halves[tag] += Float.float16ToFloat(Float.floatToFloat16(s[tag]));
                }
            }
            float[] all = new float[NameModel.TAGS];
            read.addAll(keys, new int[keys.length], all);
            assertThat(all).isEqualTo(one).isEqualTo(halves);
            nonZero += one[3] != 0 ? 1 : 0;
        }
        assertThat(nonZero).as("the queries hit stored weights").isGreaterThan(1000);
    }

    @Test
    void featuresWithFewAndManyNonZeroTagsScoreAsTheirHalves_inlinePairsAndDenseBlocksAlike() throws Exception {
        // key k has k non-zero tags (0 to 15), so both layouts of a read table are used; key 100 holds weights that
        // round to a half of +0 and -0, which a read table may leave out or keep without changing a sum
        FeatureTable source = new FeatureTable(16, true);
        for (int k = 1; k <= NameModel.TAGS; k++) {
            for (int tag = 0; tag < k; tag++) {
                source.update(k, (tag * 7 + k) % NameModel.TAGS, (tag % 2 == 0 ? 1 : -1) * (0.37f * k + tag), 0);
            }
        }
        source.update(100, 2, 1e-9f, 0);
        source.update(100, 5, -1e-9f, 0);
        source.update(100, 9, 0.5f, 0);
        FeatureTable read = read(bytes(source.averaged(1, 0f)));
        assertThat(read.size()).isEqualTo(NameModel.TAGS + 1);
        long[] keys = new long[NameModel.TAGS + 3];
        for (int k = 0; k < keys.length; k++) {
            keys[k] = k + 1; // 16, 17 and 18 are absent
        }
        keys[keys.length - 1] = 100;
        float[] expected = new float[NameModel.TAGS];
        for (long key : keys) {
            float[] s = new float[NameModel.TAGS];
            source.addTo(key, s);
            float[] one = new float[NameModel.TAGS];
            read.addTo(key, one);
            for (int tag = 0; tag < s.length; tag++) {
                float h = Float.float16ToFloat(Float.floatToFloat16(s[tag]));
                assertThat(one[tag]).as("key %d tag %d", key, tag).isEqualTo(h == 0 ? 0f : h);
                expected[tag] += h;
            }
        }
        float[] all = new float[NameModel.TAGS];
        read.addAll(keys, new int[keys.length], all);
        assertThat(all).isEqualTo(expected);
        for (float v : all) {
            assertThat(Float.floatToRawIntBits(v)).as("no sum is -0.0").isNotEqualTo(Integer.MIN_VALUE);
        }
        assertThat(bytes(read(bytes(read)))).isEqualTo(bytes(read));
    }

    @Test
    void aReadTableWritesWhatItRead() throws Exception {
        byte[] first = bytes(read(bytes(trained(3, 3000))));
        assertThat(bytes(read(first))).isEqualTo(first);
    }
}
