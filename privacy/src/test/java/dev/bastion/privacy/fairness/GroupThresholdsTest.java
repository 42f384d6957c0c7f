package dev.bastion.privacy.fairness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GroupThresholdsTest {

    /** Group B's scores run lower than A's for the same outcome: one threshold selects B less often. */
    static Object[] biased(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        boolean[] outcome = new boolean[n];
        double[] score = new double[n];
        String[] group = new String[n];
        for (int i = 0; i < n; i++) {
            group[i] = r.nextBoolean() ? "A" : "B";
            outcome[i] = r.nextDouble() < 0.4;
            score[i] = (outcome[i] ? 0.65 : 0.35) + r.nextGaussian() * 0.15 - (group[i].equals("B") ? 0.15 : 0);
        }
        return new Object[] {outcome, score, group};
    }

    @Test
    void groupThresholdsEqualiseSelectionRatesAndShowTheAccuracyCost() {
        Object[] d = biased(20_000, 1);
        GroupThresholds.Result r = GroupThresholds.choose((boolean[]) d[0], (double[]) d[1], (String[]) d[2], 0.5,
                GroupThresholds.Target.SELECTION_RATE);
        double a0 = r.before().get("A").selectionRate();
        double b0 = r.before().get("B").selectionRate();
        assertThat(a0 - b0).isGreaterThan(0.2);
        assertThat(r.after().get("A").selectionRate()).isCloseTo(r.target(), within(0.002));
        assertThat(r.after().get("B").selectionRate()).isCloseTo(r.target(), within(0.002));
        assertThat(r.thresholds().get("B")).isLessThan(r.thresholds().get("A"));
        assertThat(r.accuracyAfter()).isNotEqualTo(r.accuracyBefore());
    }

    @Test
    void equalOpportunityEqualisesTruePositiveRates() {
        Object[] d = biased(20_000, 2);
        GroupThresholds.Result r = GroupThresholds.choose((boolean[]) d[0], (double[]) d[1], (String[]) d[2], 0.5,
                GroupThresholds.Target.TPR);
        assertThat(r.before().get("A").tpr() - r.before().get("B").tpr()).isGreaterThan(0.2);
        assertThat(r.after().get("A").tpr()).isCloseTo(r.after().get("B").tpr(), within(0.003));
    }
}
