package dev.bastion.privacy.attacks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.train.DpSgd;
import dev.bastion.privacy.train.Mlp;
import dev.bastion.privacy.train.TrainingData;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The batched, parallel PGD against the row-by-row one, and the order every attack must respect on a real model. */
class PgdAllTest {

    /** Ten-dimensional three-class data: the class is the largest of three sums of features, plus noise. */
    private static TrainingData fixture(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][10];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            double[] s = new double[3];
            for (int j = 0; j < 10; j++) {
                x[i][j] = r.nextGaussian();
                s[j % 3] += x[i][j];
            }
            y[i] = s[0] > s[1] ? (s[0] > s[2] ? 0 : 2) : (s[1] > s[2] ? 1 : 2);
        }
        return new TrainingData(x, y, java.util.List.of("a", "b", "c"),
                IntStream.range(0, 10).mapToObj(j -> "f" + j).toList());
    }

    @Test
    void batchedPgdReturnsExactlyTheRowsOfRowByRowPgd() {
        TrainingData data = fixture(300, 1); // 300 rows: four full blocks of 64 and a partial one
        Mlp model = new Mlp(10, 24, 3);
        double[] params = DpSgd.train(model, data, new DpSgd.Settings(20, 32, 0.05, 0.9, 1,
                Double.POSITIVE_INFINITY, 0), new SplittableRandom(2), DpRandom.insecureSeeded(2)).parameters();
        for (Evasion.Norm norm : Evasion.Norm.values()) {
            Evasion.Pgd settings = new Evasion.Pgd(7, 0.3, 1, norm == Evasion.Norm.LINF ? new double[] {-2, 2} : null);
            double[][] batched = Evasion.pgdAll(model, params, data.x(), data.y(), 0.3, norm, settings,
                    new SplittableRandom(3));
            for (int i = 0; i < data.size(); i++) {
                double[] one = Evasion.pgd(model, params, data.x()[i], data.y()[i], 0.3, norm, settings,
                        new SplittableRandom(3));
                assertThat(Arrays.equals(batched[i], one)).as("%s row %d", norm, i).isTrue();
            }
        }
    }

    @Test
    void onATrainedMlpPgdAccuracyIsAtMostFgsmAccuracyWhichIsAtMostCleanAccuracy() {
        TrainingData data = fixture(600, 4);
        Mlp model = new Mlp(10, 32, 3);
        double[] params = DpSgd.train(model, data, new DpSgd.Settings(30, 32, 0.05, 0.9, 1,
                Double.POSITIVE_INFINITY, 0), new SplittableRandom(5), DpRandom.insecureSeeded(5)).parameters();
        double clean = model.accuracy(params, data);
        assertThat(clean).as("the fixture model learned").isGreaterThan(0.85);
        for (double eps : new double[] {0.1, 0.3}) {
            double fgsm = Evasion.robustAccuracy(model, params, data.x(), data.y(),
                    (x, y) -> Evasion.fgsm(model, params, x, y, eps, Evasion.Norm.LINF, null));
            double pgd = Evasion.accuracy(model, params, Evasion.pgdAll(model, params, data.x(), data.y(), eps,
                    Evasion.Norm.LINF, new Evasion.Pgd(40, 2.5 / 40, 1, null), new SplittableRandom(6)), data.y());
            assertThat(fgsm).as("fgsm at %s", eps).isLessThan(clean);
            assertThat(pgd).as("pgd at %s", eps).isLessThanOrEqualTo(fgsm);
        }
    }
}
