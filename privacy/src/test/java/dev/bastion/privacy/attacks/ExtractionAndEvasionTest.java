package dev.bastion.privacy.attacks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.train.DpSgd;
import dev.bastion.privacy.train.LogisticRegression;
import dev.bastion.privacy.train.Mlp;
import dev.bastion.privacy.train.TrainingData;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ExtractionAndEvasionTest {

    static double[] randomParams(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = r.nextGaussian();
        }
        return p;
    }

    @Test
    void aSoftmaxRegressionIsExtractedExactlyFromDPlusOneQueries() {
        int d = 64;
        int classes = 10;
        LogisticRegression model = new LogisticRegression(d, classes);
        double[] params = randomParams(model.parameters(), 3);
        int[] queries = {0};
        double[][] stolen = Extraction.solveSoftmax(x -> {
            queries[0]++;
            return model.probabilities(params, x);
        }, d, classes, new SplittableRandom(4));
        assertThat(queries[0]).isEqualTo(65);
        double worst = 0;
        for (int c = 0; c < classes; c++) {
            for (int j = 0; j <= d; j++) {
                double truth = params[c * (d + 1) + j] - params[j];
                worst = Math.max(worst, Math.abs(stolen[c][j] - truth));
            }
        }
        assertThat(worst).isLessThanOrEqualTo(1e-6);
        // The stolen differences predict like the target on fresh inputs.
        double[] copy = new double[model.parameters()];
        for (int c = 0; c < classes; c++) {
            System.arraycopy(stolen[c], 0, copy, c * (d + 1), d + 1);
        }
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 1000; i++) {
            double[] x = new double[d];
            for (int j = 0; j < d; j++) {
                x[j] = r.nextGaussian() * 3;
            }
            assertThat(model.predict(copy, x)).isEqualTo(model.predict(params, x));
        }
    }

    @Test
    void fgsmOnBinaryLogisticRegressionFlipsExactlyAtTheClosedFormDistance() {
        int d = 12;
        LogisticRegression model = new LogisticRegression(d, 2);
        double[] params = randomParams(model.parameters(), 6);
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 200; i++) {
            double[] x = new double[d];
            for (int j = 0; j < d; j++) {
                x[j] = r.nextGaussian();
            }
            int y = model.predict(params, x);
            // margin m = (w1 - w0).x + (b1 - b0); the L-infinity distance to the boundary is |m| / |w1 - w0|_1.
            double m = params[2 * d + 1] - params[d];
            double l1 = 0;
            for (int j = 0; j < d; j++) {
                double w = params[d + 1 + j] - params[j];
                m += w * x[j];
                l1 += Math.abs(w);
            }
            double distance = Math.abs(m) / l1;
            double[] below = Evasion.fgsm(model, params, x, y, distance * 0.999, Evasion.Norm.LINF, null);
            double[] above = Evasion.fgsm(model, params, x, y, distance * 1.001, Evasion.Norm.LINF, null);
            assertThat(model.predict(params, below)).isEqualTo(y);
            assertThat(model.predict(params, above)).isNotEqualTo(y);
        }
    }

    @Test
    void pgdIsAtLeastAsStrongAsFgsmOnAnMlpAtEveryEpsilon() {
        int d = 20;
        SplittableRandom r = new SplittableRandom(8);
        double[][] x = new double[400][d];
        int[] y = new int[400];
        for (int i = 0; i < x.length; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                x[i][j] = r.nextDouble();
                s += (j % 2 == 0 ? 1 : -1) * x[i][j];
            }
            y[i] = s > 0 ? 1 : 0;
        }
        TrainingData data = new TrainingData(x, y, java.util.List.of("a", "b"),
                java.util.stream.IntStream.range(0, d).mapToObj(j -> "f" + j).toList());
        Mlp model = new Mlp(d, 32, 2);
        double[] params = DpSgd.train(model, data, new DpSgd.Settings(30, 32, 0.05, 0.9, 1, Double.POSITIVE_INFINITY,
                0), new SplittableRandom(9), DpRandom.insecureSeeded(1)).parameters();
        double clean = model.accuracy(params, data);
        assertThat(clean).isGreaterThan(0.9);
        double previousPgd = 1;
        for (double eps : new double[] {0.02, 0.05, 0.1, 0.2}) {
            double fgsm = Evasion.robustAccuracy(model, params, x, y,
                    (xi, yi) -> Evasion.fgsm(model, params, xi, yi, eps, Evasion.Norm.LINF, new double[] {0, 1}));
            double pgd = Evasion.robustAccuracy(model, params, x, y, (xi, yi) -> Evasion.pgd(model, params, xi, yi,
                    eps, Evasion.Norm.LINF, new Evasion.Pgd(10, 0.25, 2, new double[] {0, 1}), new SplittableRandom(1)));
            assertThat(pgd).isLessThanOrEqualTo(fgsm);
            assertThat(pgd).isLessThanOrEqualTo(previousPgd);
            previousPgd = pgd;
        }
        assertThat(previousPgd).isLessThan(clean - 0.3);
    }

    @Test
    void l2ProjectionKeepsTheAdversarialExampleInTheBall() {
        double[] x = {0, 0, 0};
        double[] adv = {3, 4, 0};
        Evasion.project(adv, x, 1, Evasion.Norm.L2);
        assertThat(Math.hypot(adv[0], adv[1])).isCloseTo(1, org.assertj.core.api.Assertions.within(1e-12));
    }
}
