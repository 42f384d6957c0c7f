package dev.bastion.privacy.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.bastion.privacy.accounting.PrivacyEvent;
import dev.bastion.privacy.accounting.RdpAccountant;
import dev.bastion.privacy.dp.DpRandom;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DpSgdTest {

    /** Two Gaussian blobs in 5 dimensions, separable with margin; labels 0 and 1. */
    private static TrainingData blobs(int n, long seed) {
        Random r = new Random(seed);
        double[][] x = new double[n][5];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            for (int j = 0; j < 5; j++) {
                x[i][j] = r.nextGaussian() * 0.5 + (y[i] == 1 ? 1 : -1) * (j == 0 ? 1.5 : 0.3);
            }
        }
        return new TrainingData(x, y, List.of("a", "b"), List.of("f1", "f2", "f3", "f4", "f5"));
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(3);
        double[] x = {0.3, -1.2, 0.8, 2.0};
        for (Model m : List.of(new LogisticRegression(4, 3), new Mlp(4, 6, 3))) {
            double[] p = m.initialParameters(r);
            for (int i = 0; i < p.length; i++) {
                p[i] += r.nextGaussian() * 0.3;
            }
            double[] g = new double[p.length];
            m.gradient(p, x, 2, g);
            double[] scratch = new double[p.length];
            for (int i = 0; i < p.length; i++) {
                double keep = p[i];
                p[i] = keep + 1e-6;
                double up = m.gradient(p, x, 2, scratch);
                p[i] = keep - 1e-6;
                double down = m.gradient(p, x, 2, scratch);
                p[i] = keep;
                assertThat(g[i]).as("%s parameter %d", m.describe(), i).isCloseTo((up - down) / 2e-6, within(1e-5));
            }
        }
    }

    @Test
    void privateTrainingLearnsSeparableDataAndReportsItsBudget() {
        TrainingData data = blobs(4000, 1);
        TrainingData[] split = data.split(0.25, new Random(2));
        DpSgd.Settings s = new DpSgd.Settings(5, 100, 0.5, 0.9, 1.0, 2.0, 1e-5);
        Model m = new LogisticRegression(5, 2);
        DpSgd.Result result = DpSgd.train(m, split[0], s, new Random(3), DpRandom.insecureSeeded(4));
        assertThat(m.accuracy(result.parameters(), split[1])).isGreaterThan(0.95);
        PrivacyReport r = result.report();
        assertThat(r.epsilon()).isLessThanOrEqualTo(2.0).isGreaterThan(1.8);
        assertThat(r.samplingRate()).isCloseTo(100.0 / 3000, within(1e-12));
        assertThat(r.steps()).isEqualTo(150);
        // the report recomputes: RDP on the same event is no tighter than the reported accountant
        double rdp = new RdpAccountant().epsilon(List.of(new PrivacyEvent.SubsampledGaussian(r.samplingRate(),
                r.noiseMultiplier(), r.steps())), r.delta());
        assertThat(r.epsilon()).isLessThanOrEqualTo(rdp + 1e-12);
    }

    @Test
    void clippingBoundsEachExamplesInfluenceOnTheUpdate() {
        // One example with a huge feature value: with DP its gradient is clipped to C, without DP it is not.
        double[][] x = {{1000, 0}, {0.1, 0.2}};
        int[] y = {1, 0};
        TrainingData data = new TrainingData(x, y, List.of("a", "b"), List.of("f1", "f2"));
        Model m = new LogisticRegression(2, 2);
        // batch = n, so q = 1 (every example every step); one step; no momentum; lr 1.
        DpSgd.Settings noDp = new DpSgd.Settings(1, 2, 1, 0, 1.0, Double.POSITIVE_INFINITY, 0);
        double[] plain = DpSgd.train(m, data, noDp, new Random(1), DpRandom.insecureSeeded(1)).parameters();
        double plainNorm = norm(plain);
        assertThat(plainNorm).isGreaterThan(100);
        // With DP and a huge epsilon the noise is negligible: the update is the mean of clipped gradients, whose
        // norm is at most C (two examples, each clipped to 1, averaged over the expected batch of 2).
        DpSgd.Settings dp = new DpSgd.Settings(1, 2, 1, 0, 1.0, 1e6, 1e-5);
        double[] clipped = DpSgd.train(m, data, dp, new Random(1), DpRandom.insecureSeeded(1)).parameters();
        assertThat(norm(clipped)).isLessThan(1.0 + 1e-3);
    }

    @Test
    void aTargetOutOfReachIsAClearError() {
        assertThatThrownBy(() -> DpSgd.noiseMultiplier(1.0, 1_000_000, 1e-4, 1e-9))
                .hasMessageContaining("out of reach");
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d * d;
        }
        return Math.sqrt(s);
    }
}
