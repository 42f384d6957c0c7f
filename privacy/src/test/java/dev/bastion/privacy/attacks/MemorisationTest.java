package dev.bastion.privacy.attacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MemorisationTest {
    static final String PREFIX = "my pin is ";

    @Test
    void aModelThatMemorisedTheCanaryRanksItFirstAmongEveryFourDigitSecret() {
        BigramModel model = new BigramModel(1, 1.0, 12, PREFIX + "4817");
        CanaryExposure e = CanaryExposure.measure(model, BigramModel::encode, PREFIX, "4817", 0, 100_000,
                new SplittableRandom(2));
        assertThat(e.exact()).isTrue();
        assertThat(e.rank()).isEqualTo(1.0);
        assertThat(e.exposure()).isCloseTo(Math.log(10_000) / Math.log(2), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(e.candidates()).isEqualTo(9_999);
    }

    @Test
    void aSampledEstimateOfAMemorisedCanaryIsMaximalAndItsLowerBoundIsAboutTheLogOfTheSample() {
        BigramModel model = new BigramModel(1, 1.0, 12, PREFIX + "48172903");
        CanaryExposure e = CanaryExposure.measure(model, BigramModel::encode, PREFIX, "48172903", 2000, 1000,
                new SplittableRandom(2));
        assertThat(e.exact()).isFalse();
        assertThat(e.exposure()).isCloseTo(e.maximum(), org.assertj.core.data.Offset.offset(1e-9));
        // 0 of 2000 lower: the 95% bound on the fraction is about 3/2000, so about log2(2000/3) = 9.4 bits proved
        assertThat(e.lowerBound()).isBetween(9.0, 10.0);
    }

    @Test
    void aModelThatNeverSawTheCanaryGivesItLowExposure() {
        BigramModel model = new BigramModel(1, 1.0, 12, "something else entirely");
        double sum = 0;
        String[] canaries = {"4817", "0392", "7765", "1204", "5550", "9031", "2718", "3141"};
        for (String c : canaries) {
            sum += CanaryExposure.measure(model, BigramModel::encode, PREFIX, c, 0, 100_000,
                    new SplittableRandom(2)).exposure();
        }
        double mean = sum / canaries.length;
        // A uniformly random rank gives 1/ln 2 = 1.44 bits on average; the maximum is 13.3
        assertThat(mean).isLessThan(4.0);
    }

    @Test
    void minKRanksPlantedRecordsAboveRecordsTheModelNeverSaw() {
        SplittableRandom r = new SplittableRandom(5);
        // Few short records, so that a letter has a few planted successors, not most of the alphabet
        String[] members = new String[8];
        String[] others = new String[8];
        for (int i = 0; i < 8; i++) {
            members[i] = randomWords(r);
            others[i] = randomWords(r);
        }
        BigramModel model = new BigramModel(3, 1.0, 6, members);
        double[] minK = new double[16];
        double[] minKpp = new double[16];
        boolean[] member = new boolean[16];
        for (int i = 0; i < 16; i++) {
            String text = i < 8 ? members[i] : others[i - 8];
            Memorisation m = Memorisation.probe(model, BigramModel.encode(text), text, 0.2, 8);
            minK[i] = m.minK();
            minKpp[i] = m.minKPlusPlus();
            member[i] = i < 8;
        }
        assertThat(Roc.of(minK, member).auc()).isGreaterThan(0.95);
        assertThat(Roc.of(minKpp, member).auc()).isGreaterThan(0.95);
    }

    @Test
    void greedyDecodingReproducesAMemorisedRecordAndNotAnUnseenOne() {
        String secret = "zeta_mrn-0419"; // every character once, so each has one planted successor
        BigramModel model = new BigramModel(3, 1.0, 12, secret);
        Memorisation seen = Memorisation.probe(model, BigramModel.encode(secret), secret, 0.2, 6);
        assertThat(seen.prefixTokens()).isEqualTo(6);
        assertThat(seen.extractedTokens()).isEqualTo(seen.suffixTokens());
        assertThat(seen.extracted()).isTrue();
        String unseen = "quiet zebra vows 7";
        Memorisation other = Memorisation.probe(model, BigramModel.encode(unseen), unseen, 0.2, 8);
        assertThat(other.extracted()).isFalse();
        assertThat(seen.logLikelihoodPerToken()).isGreaterThan(other.logLikelihoodPerToken());
        assertThat(seen.zlibRatio()).isGreaterThan(other.zlibRatio());
    }

    @Test
    void theSecretFormatKeepsPunctuationAndCountsEveryClassOfCharacter() {
        SecretFormat f = SecretFormat.of("ab-12");
        assertThat(f.size()).isEqualTo(26L * 26 * 10 * 10);
        assertThat(f.secret(0)).isEqualTo("aa-00");
        assertThat(f.secret(f.size() - 1)).isEqualTo("zz-99");
        assertThat(f.sample(new SplittableRandom(1))).matches("[a-z]{2}-[0-9]{2}");
        assertThatThrownBy(() -> f.secret(f.size())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void minKAveragesTheLowestFractionOfTheTokens() {
        TokenScores s = new TokenScores(new double[] {-1, -5, -2, -9, -0.5}, new double[] {0, 0, 0, 0, 0});
        assertThat(s.minK(0.2)).isEqualTo(-9.0);
        assertThat(s.minK(0.4)).isEqualTo(-7.0);
        assertThat(s.minK(1.0)).isEqualTo(-3.5);
        assertThatThrownBy(() -> s.minK(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static String randomWords(SplittableRandom r) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            b.append((char) ('a' + r.nextInt(26)));
        }
        return b.toString();
    }
}
