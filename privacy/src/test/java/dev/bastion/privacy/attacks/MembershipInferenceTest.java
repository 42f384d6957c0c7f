package dev.bastion.privacy.attacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bastion.privacy.train.DpSgd;
import dev.bastion.privacy.train.LogisticRegression;
import dev.bastion.privacy.train.Mlp;
import dev.bastion.privacy.train.Model;
import dev.bastion.privacy.train.TrainingData;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MembershipInferenceTest {

    /** Linearly separable data in many dimensions with few rows: a logistic regression can memorise outliers. */
    static TrainingData separable(int n, int d, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] w = new double[d];
        for (int j = 0; j < d; j++) {
            w[j] = random.nextDouble(-1, 1);
        }
        double[][] x = new double[n][d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            double dot = 0;
            for (int j = 0; j < d; j++) {
                x[i][j] = random.nextDouble(-1, 1);
                dot += w[j] * x[i][j];
            }
            y[i] = dot > 0 ? 1 : 0;
        }
        List<String> features = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            features.add("f" + j);
        }
        return new TrainingData(x, y, List.of("no", "yes"), features);
    }

    static MembershipInference.Recipe recipe(double epsilon) {
        return new MembershipInference.Recipe() {
            @Override
            public Model model(TrainingData data) {
                return Double.isInfinite(epsilon) ? new Mlp(data.dimensions(), 64, data.classes().size())
                        : new LogisticRegression(data.dimensions(), data.classes().size());
            }

            @Override
            public DpSgd.Settings settings() {
                return Double.isInfinite(epsilon) ? new DpSgd.Settings(300, 32, 0.05, 0.9, 1.0, epsilon, 1e-5)
                        : new DpSgd.Settings(60, 32, 0.5, 0.9, 1.0, epsilon, 1e-5);
            }
        };
    }

    static Roc canaryRoc(MembershipInference.Scores s, double[] scores) {
        List<Double> v = new ArrayList<>();
        List<Boolean> m = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            if (s.canary()[i]) {
                v.add(scores[i]);
                m.add(s.member()[i]);
            }
        }
        boolean[] mm = new boolean[m.size()];
        for (int i = 0; i < mm.length; i++) {
            mm[i] = m.get(i);
        }
        return Roc.of(v.stream().mapToDouble(Double::doubleValue).toArray(), mm);
    }

    @Test
    void liraFindsMemorisedCanariesThatANonPrivateModelTrainedOn() {
        // An MLP with 64 hidden units on 300 training rows in 10 dimensions fits the flipped labels it trains on
        // and still generalises, so a canary it did not see gets the true label.
        TrainingData data = separable(600, 10, 1);
        MembershipInference.Scores s = MembershipInference.run(data, recipe(Double.POSITIVE_INFINITY),
                new MembershipInference.Settings(16, 40, true, 7));
        Roc lira = canaryRoc(s, s.liraOnline());
        Roc loss = canaryRoc(s, s.loss());
        assertThat(lira.auc()).isGreaterThanOrEqualTo(0.95);
        assertThat(canaryRoc(s, s.rmia()).auc()).isGreaterThan(0.9);
        assertThat(canaryRoc(s, s.liraOffline()).auc()).isGreaterThan(0.9);
        assertThat(lira.auc()).isGreaterThanOrEqualTo(loss.auc() - 0.02);
        Roc all = Roc.of(s.liraOnline(), s.member());
        assertThat(all.epsilonLowerBound(1e-5)).isGreaterThan(0.5);
    }

    @Test
    void theScoresAreTheSameWhetherTheModelsTrainOnOneThreadOrSeveral() {
        TrainingData data = separable(200, 8, 3);
        for (double epsilon : new double[] {Double.POSITIVE_INFINITY, 2.0}) {
            MembershipInference.Settings settings = new MembershipInference.Settings(4, 10, false, 11);
            MembershipInference.Scores one = MembershipInference.run(data, recipe(epsilon), settings, 1);
            MembershipInference.Scores three = MembershipInference.run(data, recipe(epsilon), settings, 3);
            assertThat(three.member()).isEqualTo(one.member());
            assertThat(three.liraOnline()).as("epsilon %s", epsilon).containsExactly(one.liraOnline());
            assertThat(three.rmia()).containsExactly(one.rmia());
            assertThat(three.targetAccuracy()).isEqualTo(one.targetAccuracy());
        }
    }

    @Test
    void theParallelEpsilonBoundEqualsTheSequentialOneOverTwoSidedIntervals() {
        SplittableRandom r = new SplittableRandom(4);
        for (int n : new int[] {3, 500, 2000}) { // 2000 scores: more than 400 points, so a stride above 1
            double[] scores = new double[n];
            boolean[] member = new boolean[n];
            for (int i = 0; i < n; i++) {
                member[i] = i % 2 == 0;
                scores[i] = r.nextGaussian() + (member[i] ? 1.5 : 0);
            }
            member[1] = false;
            Roc roc = Roc.of(scores, member);
            double expected = 0;
            int stride = Math.max(1, roc.fpr().length / 400);
            for (int k = 1; k < roc.fpr().length - 1; k += stride) {
                int tp = (int) Math.round(roc.tpr()[k] * roc.members());
                int fp = (int) Math.round(roc.fpr()[k] * roc.nonMembers());
                double[] t = ClopperPearson.interval(tp, roc.members(), 0.05);
                double[] f = ClopperPearson.interval(fp, roc.nonMembers(), 0.05);
                if (f[1] > 0 && t[0] - 1e-5 > 0) {
                    expected = Math.max(expected, Math.log((t[0] - 1e-5) / f[1]));
                }
                double[] tn = ClopperPearson.interval(roc.nonMembers() - fp, roc.nonMembers(), 0.05);
                double[] fn = ClopperPearson.interval(roc.members() - tp, roc.members(), 0.05);
                if (fn[1] > 0 && tn[0] - 1e-5 > 0) {
                    expected = Math.max(expected, Math.log((tn[0] - 1e-5) / fn[1]));
                }
            }
            assertThat(roc.epsilonLowerBound(1e-5)).as("n = %d", n).isEqualTo(expected);
            if (n == 2000) {
                assertThat(expected).isGreaterThan(1);
            }
        }
    }

    @Test
    void underDpSgdAtEpsilonOneNoThresholdBeatsTheDpBound() {
        TrainingData data = separable(600, 80, 2);
        MembershipInference.Scores s = MembershipInference.run(data, recipe(1.0),
                new MembershipInference.Settings(8, 60, true, 9));
        for (double[] scores : List.of(s.loss(), s.liraOnline(), s.liraOffline(), s.rmia())) {
            Roc roc = Roc.of(scores, s.member());
            assertThat(roc.epsilonLowerBound(1e-5)).isLessThanOrEqualTo(1.0);
            for (double fpr : new double[] {0.01, 0.1}) {
                double tprLow = roc.tprIntervalAt(fpr)[0];
                assertThat(tprLow).isLessThanOrEqualTo(Math.exp(1.0) * fpr + 1e-5);
            }
        }
    }

    @Test
    void clopperPearsonMatchesPublishedIntervals() {
        double[] half = ClopperPearson.interval(5, 10, 0.05);
        assertThat(half[0]).isCloseTo(0.1871, within(0.0001));
        assertThat(half[1]).isCloseTo(0.8129, within(0.0001));
        double[] none = ClopperPearson.interval(0, 10, 0.05);
        assertThat(none[0]).isZero();
        assertThat(none[1]).isCloseTo(1 - Math.pow(0.025, 0.1), within(1e-6));
    }

    @Test
    void rocOfPerfectAndTiedScores() {
        Roc perfect = Roc.of(new double[] {0.9, 0.8, 0.2, 0.1}, new boolean[] {true, true, false, false});
        assertThat(perfect.auc()).isEqualTo(1.0);
        assertThat(perfect.tprAt(0.0)).isEqualTo(1.0);
        Roc tied = Roc.of(new double[] {0.5, 0.5, 0.5, 0.5}, new boolean[] {true, false, true, false});
        assertThat(tied.auc()).isEqualTo(0.5);
        assertThat(tied.tprAt(0.4)).isZero();
    }
}
