package dev.bastion.privacy.attacks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.train.DpSgd;
import dev.bastion.privacy.train.Mlp;
import dev.bastion.privacy.train.Model;
import dev.bastion.privacy.train.TrainingData;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AdversarialTrainingTest {
    static final double EPS = 0.1;

    static double robust(Model m, double[] params, TrainingData test) {
        return Evasion.robustAccuracy(m, params, test.x(), test.y(), (x, y) -> Evasion.pgd(m, params, x, y, EPS,
                Evasion.Norm.LINF, new Evasion.Pgd(20, 0.125, 1, MinimumNormAttackTest.UNIT), new SplittableRandom(1)));
    }

    @Test
    void pgdTrainingOnDigitsAddsAtLeastTwentyPointsOfRobustAccuracyAtItsEpsilon() throws IOException {
        TrainingData[] split = MinimumNormAttackTest.digits().split(0.2, new SplittableRandom(1));
        Mlp m = new Mlp(64, 64, 10);
        DpSgd.Settings s = new DpSgd.Settings(20, 64, 0.1, 0.9, 100, Double.POSITIVE_INFINITY, 0);
        double[] standard = DpSgd.train(m, split[0], s, new SplittableRandom(2), DpRandom.insecureSeeded(3))
                .parameters();
        double[] madry = DpSgd.train(m, split[0], s, new SplittableRandom(2), DpRandom.insecureSeeded(3),
                Evasion.pgdTraining(m, EPS, Evasion.Norm.LINF, new Evasion.Pgd(7, 0.357, 1, MinimumNormAttackTest.UNIT),
                        new SplittableRandom(4))).parameters();
        double cleanStandard = m.accuracy(standard, split[1]);
        double cleanMadry = m.accuracy(madry, split[1]);
        double robustStandard = robust(m, standard, split[1]);
        double robustMadry = robust(m, madry, split[1]);
        System.out.printf("digits MLP, PGD-20 L-inf at %.2f: standard clean %.4f robust %.4f; PGD-trained clean %.4f "
                + "robust %.4f%n", EPS, cleanStandard, robustStandard, cleanMadry, robustMadry);
        assertThat(cleanMadry).isGreaterThan(0.8);
        assertThat(robustMadry - robustStandard).isGreaterThanOrEqualTo(0.20);
    }
}
