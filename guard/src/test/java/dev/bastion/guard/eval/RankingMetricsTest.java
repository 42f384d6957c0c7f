package dev.bastion.guard.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class RankingMetricsTest {
    @Test
    void aurocIsTheShareOfAttackBenignPairsRankedRightWithTiesCountingHalf() {
        assertThat(RankingMetrics.auroc(List.of(0.6, 0.9), List.of(0.1, 0.2))).isEqualTo(1.0);
        assertThat(RankingMetrics.auroc(List.of(0.1, 0.2), List.of(0.6, 0.9))).isEqualTo(0.0);
        // pairs: 0.5 vs {0.5 tie, 0.7 lose}, 0.8 vs {0.5 win, 0.7 win} -> (0.5 + 0 + 1 + 1) / 4
        assertThat(RankingMetrics.auroc(List.of(0.5, 0.8), List.of(0.5, 0.7))).isCloseTo(0.625, within(1e-12));
        assertThat(RankingMetrics.auroc(List.of(), List.of(0.5))).isNaN();
    }

    @Test
    void tprAtAFalsePositiveRateUsesTheHighestBenignScoresAsTheThreshold() {
        List<Double> neg = List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95);
        List<Double> pos = List.of(0.85, 0.92, 0.97, 0.99);
        assertThat(RankingMetrics.tprAt(pos, neg, 0.0)).isEqualTo(0.5); // above 0.95
        assertThat(RankingMetrics.tprAt(pos, neg, 0.1)).isEqualTo(0.75); // one benign allowed over: above 0.9
    }

    @Test
    void percentilesAreNearestRankOverAnyOrder() {
        List<Double> xs = List.of(5.0, 1.0, 4.0, 2.0, 3.0);
        assertThat(RankingMetrics.pct(xs, 0.5)).isEqualTo(3.0);
        assertThat(RankingMetrics.pct(xs, 1.0)).isEqualTo(5.0);
        assertThat(RankingMetrics.pct(xs, 0.0)).isEqualTo(1.0);
    }
}
