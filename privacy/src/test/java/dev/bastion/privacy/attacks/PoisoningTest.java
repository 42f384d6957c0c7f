package dev.bastion.privacy.attacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.train.DpSgd;
import dev.bastion.privacy.train.Mlp;
import dev.bastion.privacy.train.TrainingData;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PoisoningTest {

    /** 8x8 "digits": ten noisy prototypes in [0, 1], the bottom-right corner dark, as in handwritten digits. */
    static Object[] images(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] proto = new double[10][64];
        SplittableRandom p = new SplittableRandom(99);
        for (int c = 0; c < 10; c++) {
            for (int j = 0; j < 64; j++) {
                int row = j / 8;
                int col = j % 8;
                proto[c][j] = row >= 6 && col >= 6 ? 0 : (p.nextDouble() < 0.4 ? p.nextDouble(0.5, 1) : 0);
            }
        }
        double[][] x = new double[n][64];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(10);
            for (int j = 0; j < 64; j++) {
                x[i][j] = Math.max(0, Math.min(1, proto[y[i]][j] + r.nextGaussian() * 0.15));
            }
        }
        return new Object[] {x, y};
    }

    static double[] train(Mlp model, double[][] x, int[] y, long seed) {
        TrainingData d = new TrainingData(x, y, IntStream.range(0, 10).mapToObj(Integer::toString).toList(),
                IntStream.range(0, 64).mapToObj(j -> "p" + j).toList());
        return DpSgd.train(model, d, new DpSgd.Settings(30, 32, 0.05, 0.9, 1, Double.POSITIVE_INFINITY, 0),
                new SplittableRandom(seed), DpRandom.insecureSeeded(seed)).parameters();
    }

    @Test
    void exclusionaryReclassificationFindsTheBackdooredRowsByRetrainingWithoutEachClassesMinority() {
        Object[] train = images(2000, 1);
        double[][] x = (double[][]) train[0];
        int[] y = (int[]) train[1];
        boolean[] poisoned = Poisoning.inject(x, y, Poisoning.Trigger.corner(8, 8, 2, 1.0), 0, 0.05, 3);
        Mlp model = new Mlp(64, 32, 10);
        double[] params = train(model, x, y, 4);
        boolean[] flagged = Poisoning.exclusionaryReclassification(model, params, x, y, 5,
                (rx, ry) -> train(model, rx, ry, 4));
        int tp = 0;
        int fp = 0;
        int poison = 0;
        for (int i = 0; i < x.length; i++) {
            poison += poisoned[i] ? 1 : 0;
            tp += flagged[i] && poisoned[i] ? 1 : 0;
            fp += flagged[i] && !poisoned[i] ? 1 : 0;
        }
        System.out.printf(java.util.Locale.ROOT, "exclusionary reclassification: %d poisoned, %d flagged correctly, %d clean rows flagged%n",
                poison, tp, fp);
        assertThat((double) tp / poison).as("recall").isGreaterThanOrEqualTo(0.95);
        assertThat((double) tp / (tp + fp)).as("precision").isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void theExclusionScoreRanksALargeClusterThatMovedTogetherAboveAFewOutliersThatMoved() {
        // Seed 3 of the digits run: the poisoned zeros (2 kept their label, 68 went to class 2), a clean style of
        // ones (5 kept, 24 to the most frequent other class) and three outliers of class 8 (all to class 2).
        int[] poison = {2, 0, 68, 0, 0, 0, 0, 0, 0, 0};
        int[] style = {0, 5, 14, 2, 6, 2, 0, 0, 7, 24};
        int[] outliers = {0, 0, 3, 0, 0, 0, 0, 0, 0, 0};
        assertThat(Poisoning.exclusionScore(poison, 0)).isCloseTo(3.0 / 69, within(1e-12));
        assertThat(Poisoning.exclusionScore(style, 1)).isCloseTo(6.0 / 25, within(1e-12));
        assertThat(Poisoning.exclusionScore(outliers, 8)).isCloseTo(1.0 / 4, within(1e-12));
        // A cluster the retrained model still gives its label scores above 1.
        assertThat(Poisoning.exclusionScore(new int[] {0, 40, 3, 1}, 1)).isGreaterThan(1);
    }

    @Test
    void aBadNetsBackdoorWorksIsFoundByActivationClusteringAndIsGoneAfterRemoval() {
        Object[] train = images(2000, 1);
        Object[] test = images(1000, 2);
        double[][] x = (double[][]) train[0];
        int[] y = (int[]) train[1];
        Poisoning.Trigger trigger = Poisoning.Trigger.corner(8, 8, 2, 1.0);
        boolean[] poisoned = Poisoning.inject(x, y, trigger, 0, 0.05, 3);
        Mlp model = new Mlp(64, 32, 10);
        double[] params = train(model, x, y, 4);
        double[][] tx = (double[][]) test[0];
        int[] ty = (int[]) test[1];
        double success = Poisoning.attackSuccess(model, params, tx, ty, trigger, 0);
        assertThat(success).isGreaterThanOrEqualTo(0.95);

        boolean[] flagged = Poisoning.activationClustering(model, params, x, y, 0.35, 5);
        int tp = 0;
        int fp = 0;
        int poison = 0;
        for (int i = 0; i < x.length; i++) {
            poison += poisoned[i] ? 1 : 0;
            tp += flagged[i] && poisoned[i] ? 1 : 0;
            fp += flagged[i] && !poisoned[i] ? 1 : 0;
        }
        assertThat((double) tp / poison).as("recall").isGreaterThanOrEqualTo(0.95);
        assertThat((double) tp / (tp + fp)).as("precision").isGreaterThanOrEqualTo(0.9);

        int kept = (int) IntStream.range(0, x.length).filter(i -> !flagged[i]).count();
        double[][] cx = new double[kept][];
        int[] cy = new int[kept];
        int k = 0;
        for (int i = 0; i < x.length; i++) {
            if (!flagged[i]) {
                cx[k] = x[i];
                cy[k++] = y[i];
            }
        }
        double[] cleaned = train(model, cx, cy, 4);
        assertThat(Poisoning.attackSuccess(model, cleaned, tx, ty, trigger, 0)).isLessThanOrEqualTo(0.05);
        double before = accuracy(model, params, tx, ty);
        double after = accuracy(model, cleaned, tx, ty);
        assertThat(after).isGreaterThanOrEqualTo(before - 0.01);
    }

    @Test
    void poisonedRowsLeftOutOfTheConfirmedSetAreFoundByThePatternTheConfirmedRowsShare() {
        Object[] train = images(2000, 1);
        double[][] x = (double[][]) train[0];
        int[] y = (int[]) train[1];
        Poisoning.Trigger trigger = Poisoning.Trigger.corner(8, 8, 2, 1.0);
        boolean[] poisoned = Poisoning.inject(x, y, trigger, 0, 0.05, 3);
        // Confirmed: every planted row but the first three, and two clean zeros (a detector is rarely exact).
        boolean[] confirmed = poisoned.clone();
        int hidden = 0;
        int cleanAdded = 0;
        for (int i = 0; i < x.length; i++) {
            if (poisoned[i] && hidden < 3) {
                confirmed[i] = false;
                hidden++;
            } else if (!poisoned[i] && y[i] == 0 && cleanAdded < 2) {
                confirmed[i] = true;
                cleanAdded++;
            }
        }
        Poisoning.Pattern pattern = Poisoning.sharedPattern(x, confirmed);
        assertThat(pattern.features()).containsExactlyInAnyOrder(trigger.features().clone());
        assertThat(pattern.values()).containsOnly(1.0);

        boolean[] removed = Poisoning.withSharedPattern(x, y, confirmed);
        for (int i = 0; i < x.length; i++) {
            if (poisoned[i]) {
                assertThat(removed[i]).as("planted row %d", i).isTrue();
            } else {
                assertThat(removed[i]).as("clean row %d", i).isEqualTo(confirmed[i]);
            }
        }
    }

    @Test
    void rowsOfAClassCarryingTheTriggerItsHeldOutHalfSharesAreHeldOutWithIt() {
        Object[] train = images(2000, 1);
        double[][] x = (double[][]) train[0];
        int[] y = (int[]) train[1];
        boolean[] poisoned = Poisoning.inject(x, y, Poisoning.Trigger.corner(8, 8, 2, 1.0), 0, 0.05, 3);
        // The held-out half of class 0: every planted row but two, as 2-means left them on seed 5 of the digits;
        // and a held-out half of class 3 that shares nothing rare.
        boolean[] half = poisoned.clone();
        int left = 0;
        for (int i = 0; i < x.length && left < 2; i++) {
            if (poisoned[i]) {
                half[i] = false;
                left++;
            }
        }
        int threes = 0;
        for (int i = 0; i < x.length && threes < 20; i++) {
            if (y[i] == 3) {
                half[i] = true;
                threes++;
            }
        }
        boolean[] heldOut = Poisoning.withTheirPatterns(x, y, half, 10);
        for (int i = 0; i < x.length; i++) {
            assertThat(heldOut[i]).as("row %d", i).isEqualTo(half[i] || poisoned[i]);
        }
    }

    @Test
    void rowsThatShareNothingRareGiveNoPatternAndNothingIsAdded() {
        Object[] train = images(2000, 1);
        double[][] x = (double[][]) train[0];
        int[] y = (int[]) train[1];
        // A label flip: the rows keep their features, so what they share is what their source classes share.
        boolean[] flipped = Poisoning.inject(x, y, new Poisoning.Trigger(new int[0], 0), 0, 0.05, 3);
        assertThat(Poisoning.sharedPattern(x, flipped).isEmpty()).isTrue();
        assertThat(Poisoning.withSharedPattern(x, y, flipped)).containsExactly(flipped);
        boolean[] few = new boolean[x.length];
        few[0] = few[1] = few[2] = true;
        assertThat(Poisoning.sharedPattern(x, few).isEmpty()).as("too few rows to show a pattern").isTrue();
    }

    @Test
    void spectralSignaturesFlagMostPoisonAmongTheirRemovals() {
        Object[] train = images(2000, 6);
        double[][] x = (double[][]) train[0];
        int[] y = (int[]) train[1];
        Poisoning.Trigger trigger = Poisoning.Trigger.corner(8, 8, 2, 1.0);
        boolean[] poisoned = Poisoning.inject(x, y, trigger, 0, 0.05, 7);
        Mlp model = new Mlp(64, 32, 10);
        double[] params = train(model, x, y, 8);
        // 5% of all rows poisoned, all relabelled to class 0: about a third of class 0 is poison.
        boolean[] flagged = Poisoning.spectralSignatures(model, params, x, y, 0.35);
        int tp = 0;
        int poison = 0;
        for (int i = 0; i < x.length; i++) {
            poison += poisoned[i] ? 1 : 0;
            tp += flagged[i] && poisoned[i] ? 1 : 0;
        }
        // Measured 0.86 on this fixture: spectral signatures is the weaker of the two detectors here.
        assertThat((double) tp / poison).as("recall").isGreaterThanOrEqualTo(0.8);
    }

    static double accuracy(Mlp model, double[] params, double[][] x, int[] y) {
        int right = 0;
        for (int i = 0; i < x.length; i++) {
            right += model.predict(params, x[i]) == y[i] ? 1 : 0;
        }
        return (double) right / x.length;
    }
}
