package dev.bastion.privacy.attacks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.train.DpSgd;
import dev.bastion.privacy.train.LogisticRegression;
import dev.bastion.privacy.train.TrainingData;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AttributeInferenceTest {

    /** A label that follows a hidden 3-valued attribute the other (noise) features say nothing about. */
    static TrainingData leaky(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][6];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int s = r.nextInt(3);
            x[i][s] = 1; // s=a, s=b, s=c one-hot
            for (int j = 3; j < 6; j++) {
                x[i][j] = r.nextGaussian();
            }
            y[i] = s == 0 ? 1 : 0;
        }
        return new TrainingData(x, y, List.of("no", "yes"), List.of("s=a", "s=b", "s=c", "f1", "f2", "f3"));
    }

    @Test
    void theModelsAnswerRevealsAHiddenAttributeTheOtherFeaturesDoNot() {
        TrainingData data = leaky(1000, 1);
        LogisticRegression model = new LogisticRegression(6, 2);
        double[] params = DpSgd.train(model, data, new DpSgd.Settings(20, 32, 0.5, 0.9, 1, Double.POSITIVE_INFINITY,
                0), new SplittableRandom(2), DpRandom.insecureSeeded(3)).parameters();
        int[] hidden = AttributeInference.oneHot(data, "s");
        assertThat(hidden).containsExactly(0, 1, 2);
        int[] rows = IntStream.range(0, data.size()).toArray();
        AttributeInference.Result r = AttributeInference.attack(model, params, data, rows, hidden,
                v -> new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0});
        // The label tells a apart from {b, c}: the attack gets a right always and b/c half the time (about 2/3);
        // the imputation alone ties and picks the first value (about 1/3).
        assertThat(r.baselineAccuracy()).isBetween(0.28, 0.38);
        assertThat(r.attackAccuracy()).isBetween(0.6, 0.72);
        assertThat(r.advantage()).isGreaterThan(0.25);
    }

    @Test
    void aNumericOrMissingColumnCannotBeTheHiddenOne() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AttributeInference.oneHot(leaky(10, 1), "f1"))
                .hasMessageContaining("categorical");
    }
}
