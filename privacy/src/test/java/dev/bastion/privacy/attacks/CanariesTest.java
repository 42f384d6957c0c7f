package dev.bastion.privacy.attacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.bastion.privacy.train.TrainingData;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CanariesTest {

    /** 2,000 rows, 20 features of different scales (feature f has standard deviation f + 1), 5 classes. */
    private static TrainingData rows() {
        SplittableRandom r = new SplittableRandom(3);
        double[][] x = new double[2000][20];
        int[] y = new int[2000];
        for (int i = 0; i < x.length; i++) {
            for (int f = 0; f < 20; f++) {
                x[i][f] = (f + 1) * r.nextGaussian();
            }
            y[i] = r.nextInt(5);
        }
        return new TrainingData(x, y, java.util.List.of("a", "b", "c", "d", "e"),
                java.util.stream.IntStream.range(0, 20).mapToObj(f -> "f" + f).toList());
    }

    @Test
    void mislabelledCanariesDrawExactlyWhatTheGameDrewBeforeGradedCanariesExisted() {
        TrainingData data = rows();
        Canaries.Planted planted = Canaries.plant(data, Canaries.Recipe.MISLABELLED, 100, new SplittableRandom(9));
        // The loop MembershipInference ran before this class: shuffle, then a wrong label for each of the first rows.
        SplittableRandom random = new SplittableRandom(9);
        int[] labels = data.y().clone();
        int[] order = TrainingData.shuffledIndices(data.size(), random);
        for (int i = 0; i < 100; i++) {
            labels[order[i]] = (labels[order[i]] + 1 + random.nextInt(4)) % 5;
        }
        assertThat(planted.data().y()).containsExactly(labels);
        for (int i = 0; i < data.size(); i++) {
            assertThat(planted.data().x()[i]).isSameAs(data.x()[i]);
            assertThat(planted.kind()[i] == Canaries.Kind.MISLABELLED).isEqualTo(labels[i] != data.y()[i]);
        }
    }

    @Test
    void gradedCanariesAreAQuarterOfEachKindWithTheDeclaredNoiseAndTheirOwnLabel() {
        TrainingData data = rows();
        Canaries.Planted planted = Canaries.plant(data, Canaries.Recipe.GRADED, 400, new SplittableRandom(5));
        Map<Canaries.Kind, Integer> count = new EnumMap<>(Canaries.Kind.class);
        Map<Canaries.Kind, double[]> squares = new EnumMap<>(Canaries.Kind.class); // sum of (change / sd)^2, count
        for (int i = 0; i < data.size(); i++) {
            Canaries.Kind k = planted.kind()[i];
            count.merge(k, 1, Integer::sum);
            double[] before = data.x()[i];
            double[] after = planted.data().x()[i];
            if (k == Canaries.Kind.NONE || k == Canaries.Kind.MISLABELLED) {
                assertThat(after).containsExactly(before);
                assertThat(planted.data().y()[i] != data.y()[i]).isEqualTo(k == Canaries.Kind.MISLABELLED);
                continue;
            }
            assertThat(planted.data().y()[i]).isEqualTo(data.y()[i]);
            double[] s = squares.computeIfAbsent(k, z -> new double[2]);
            for (int f = 0; f < before.length; f++) {
                double z = (after[f] - before[f]) / (f + 1);
                s[0] += z * z;
                s[1]++;
            }
        }
        assertThat(count).containsEntry(Canaries.Kind.MISLABELLED, 100).containsEntry(Canaries.Kind.NOISE_0_5, 100)
                .containsEntry(Canaries.Kind.NOISE_1, 100).containsEntry(Canaries.Kind.NOISE_2, 100)
                .containsEntry(Canaries.Kind.NONE, 1600);
        for (Map.Entry<Canaries.Kind, double[]> e : squares.entrySet()) {
            double measured = Math.sqrt(e.getValue()[0] / e.getValue()[1]); // 2,000 draws: within about 3%
            assertThat(measured).as(e.getKey().slice()).isCloseTo(e.getKey().noise(), within(0.1 * e.getKey().noise()));
        }
        int canaries = 0;
        for (boolean c : planted.canary()) {
            canaries += c ? 1 : 0;
        }
        assertThat(canaries).isEqualTo(400);
    }

    @Test
    void anUnknownRecipeIsBadInputThatNamesTheKnownOnes() {
        assertThat(Canaries.Recipe.parse("Graded")).isEqualTo(Canaries.Recipe.GRADED);
        assertThatThrownBy(() -> Canaries.Recipe.parse("noisy")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mislabelled or graded");
    }
}
