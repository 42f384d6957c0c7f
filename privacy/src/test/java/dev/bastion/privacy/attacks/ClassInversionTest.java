package dev.bastion.privacy.attacks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.train.DpSgd;
import dev.bastion.privacy.train.LogisticRegression;
import dev.bastion.privacy.train.Mlp;
import dev.bastion.privacy.train.Model;
import dev.bastion.privacy.train.TrainingData;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ClassInversionTest {

    /** Digits plus a planted class 10: one random image (uniform pixels), 20 copies; the image goes in {@code secret}. */
    static TrainingData planted(double[] secret) throws IOException {
        TrainingData digits = MinimumNormAttackTest.digits();
        SplittableRandom r = new SplittableRandom(11);
        for (int j = 0; j < secret.length; j++) {
            secret[j] = r.nextDouble();
        }
        int n = digits.size();
        double[][] x = Arrays.copyOf(digits.x(), n + 20);
        int[] y = Arrays.copyOf(digits.y(), n + 20);
        for (int i = n; i < n + 20; i++) {
            x[i] = secret.clone();
            y[i] = 10;
        }
        return new TrainingData(x, y, IntStream.range(0, 11).mapToObj(Integer::toString).toList(), digits.features());
    }

    static double centred(double[] a, double[] b) {
        double ma = Arrays.stream(a).average().orElse(0);
        double mb = Arrays.stream(b).average().orElse(0);
        return ClassInversion.cosine(Arrays.stream(a).map(v -> v - ma).toArray(), Arrays.stream(b).map(v -> v - mb)
                .toArray());
    }

    /**
     * Inverts the planted class and checks the reconstruction against the secret and two baselines: the blank start
     * itself (a grey image already has cosine 0.90 with this secret) and the closest real digit.
     */
    static void secretComesBack(Model m, double[] secret, TrainingData data) {
        double[] params = DpSgd.train(m, data, new DpSgd.Settings(30, 64, 0.1, 0.9, 100, Double.POSITIVE_INFINITY,
                0), new SplittableRandom(2), DpRandom.insecureSeeded(3)).parameters();
        ClassInversion.Result r = ClassInversion.invert(m, params, 64, 10, new ClassInversion.Settings(2000, 0.05, 100,
                0.999, MinimumNormAttackTest.UNIT));
        double cos = ClassInversion.cosine(r.input(), secret);
        double[] grey = new double[64];
        Arrays.fill(grey, 0.5);
        double blank = ClassInversion.cosine(grey, secret);
        double bestDigit = 0;
        for (int i = 0; i < data.size() - 20; i++) {
            bestDigit = Math.max(bestDigit, ClassInversion.cosine(r.input(), data.x()[i]));
        }
        System.out.printf("class inversion, %s: confidence %.4f after %d steps; cosine to the secret %.4f (centred "
                + "%.4f), blank start %.4f, closest digit %.4f%n", m.describe(), r.confidence(), r.steps(), cos,
                centred(r.input(), secret), blank, bestDigit);
        assertThat(r.confidence()).isGreaterThan(0.9);
        assertThat(cos).isGreaterThanOrEqualTo(0.8).isGreaterThan(blank).isGreaterThan(bestDigit);
        // The raw cosine says little on its own: the grey start scores 0.90. The centred one (Pearson correlation,
        // 0 for the blank start and about 0 for an unrelated image) is the evidence that the picture came back.
        assertThat(centred(r.input(), secret)).isGreaterThan(0.4);
    }

    @Test
    void aSecretClassPlantedInDigitsComesBackFromSoftmaxRegression() throws IOException {
        double[] secret = new double[64];
        TrainingData data = planted(secret);
        secretComesBack(new LogisticRegression(64, 11), secret, data);
    }

    @Test
    void aSecretClassPlantedInDigitsComesBackFromAnMlp() throws IOException {
        double[] secret = new double[64];
        TrainingData data = planted(secret);
        secretComesBack(new Mlp(64, 64, 11), secret, data);
    }
}
