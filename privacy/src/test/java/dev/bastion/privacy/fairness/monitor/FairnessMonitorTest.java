package dev.bastion.privacy.fairness.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FairnessMonitorTest {
    private static final Clock FIXED = Clock.fixed(Instant.parse("2026-12-06T00:00:00Z"), ZoneOffset.UTC);

    /** 500 decisions per group per window, 8 baseline windows, bound 0.01, at most 1 false alert per 100 windows. */
    static MonitorSettings settings() {
        return new MonitorSettings("credit", List.of("sex"), 500, 8, 0.01, List.of(WindowMetric.values()), 0.01,
                Duration.ofHours(1), 1000, 8);
    }

    /** Runs the baseline, then shifted rounds; the round (1-based, after the baseline) of the first female FPR alert. */
    static int firstFemaleFprAlert(long seed, double bound, int rounds) {
        MonitorSettings s = new MonitorSettings("credit", List.of("sex"), 500, 8, bound, List.of(WindowMetric.values()),
                0.01, Duration.ofHours(1), 1000, 8);
        FairnessSimulation sim = new FairnessSimulation(new FairnessMonitor(s, FIXED), new SplittableRandom(seed));
        for (int i = 0; i < s.baselineWindows(); i++) {
            assertThat(sim.round(0.10, 0.10)).isEmpty();
        }
        for (int round = 1; round <= rounds; round++) {
            boolean hit = sim.round(0.10, 0.20).stream()
                    .anyMatch(a -> a.group().equals("sex=female") && a.metric() == WindowMetric.FPR && a.value() > a.baseline());
            if (hit) {
                return round;
            }
        }
        return Integer.MAX_VALUE;
    }

    @Test
    void aDoubledFemaleFalsePositiveRateAlertsWithinTwoWindows() {
        assertThat(firstFemaleFprAlert(18, 0.01, 2)).isLessThanOrEqualTo(2);
    }

    @Test
    void aDoubledFemaleFalsePositiveRateAlertsWithinTwoWindowsInNearlyEveryRun() {
        int runs = 200;
        int detected = 0;
        int inFirst = 0;
        for (long seed = 1; seed <= runs; seed++) {
            int round = firstFemaleFprAlert(seed, 0.01, 2);
            detected += round <= 2 ? 1 : 0;
            inFirst += round == 1 ? 1 : 0;
        }
        System.out.printf("fairness monitor, FPR 0.10 -> 0.20 at 500/group/window, bound 0.01, 8 baseline windows: alerted in window 1 "
                + "in %d/%d runs, within 2 windows in %d/%d%n", inFirst, runs, detected, runs);
        assertThat(detected).isGreaterThanOrEqualTo(runs * 95 / 100);
    }

    @Test
    void aHundredStableWindowsRaiseAtMostOneFalseAlert() {
        FairnessSimulation sim = new FairnessSimulation(new FairnessMonitor(settings(), FIXED), new SplittableRandom(7));
        for (int i = 0; i < settings().baselineWindows(); i++) {
            sim.round(0.10, 0.10);
        }
        int alerted = 0;
        for (int i = 0; i < 100; i++) {
            alerted += sim.round(0.10, 0.10).isEmpty() ? 0 : 1;
        }
        assertThat(alerted).isLessThanOrEqualTo(1);
    }

    @Test
    void stableWindowsAlertAtMostOnceInAHundredOverManyRuns() {
        int runs = 20;
        int windows = 0;
        int alerted = 0;
        int tests = 0;
        for (long seed = 100; seed < 100 + runs; seed++) {
            FairnessSimulation sim = new FairnessSimulation(new FairnessMonitor(settings(), FIXED), new SplittableRandom(seed));
            for (int i = 0; i < settings().baselineWindows(); i++) {
                sim.round(0.10, 0.10);
            }
            for (int i = 0; i < 100; i++) {
                List<Alert> alerts = sim.round(0.10, 0.10);
                windows++;
                tests += 2 * 3;
                alerted += alerts.isEmpty() ? 0 : 1;
            }
        }
        System.out.printf("fairness monitor, stable: %d of %d windows raised an alert (%d tests, 2 groups x 3 metrics, "
                + "alpha %.5f each)%n", alerted, windows, tests, settings().alphaPerTest(2));
        assertThat(alerted).isLessThanOrEqualTo(windows / 100);
    }

    @Test
    void batchesPostedFromManyThreadsAreAllCounted() throws Exception {
        FairnessMonitor m = new FairnessMonitor(settings(), FIXED);
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            for (int t = 0; t < 4; t++) {
                int thread = t;
                pool.submit(() -> {
                    for (int b = 0; b < 250; b++) {
                        List<Decision> batch = new java.util.ArrayList<>();
                        for (int i = 0; i < 10; i++) {
                            batch.add(decision(thread + "-" + b + "-" + i, i % 2 == 0 ? "male" : "female", i % 3 == 0));
                        }
                        m.record(batch, batch.stream().map(d -> new Outcome(d.requestId(), d.positive())).toList());
                    }
                });
            }
        }
        MonitorStatus s = m.status();
        assertThat(s.decisions()).isEqualTo(10_000);
        assertThat(s.resolved()).isEqualTo(10_000);
        assertThat(s.pending()).isZero();
        assertThat(s.groups()).allSatisfy(g -> assertThat(g.closedWindows()).isEqualTo(10));
    }

    @Test
    void theBaselineWindowsAreNeverTested() {
        FairnessSimulation sim = new FairnessSimulation(new FairnessMonitor(settings(), FIXED), new SplittableRandom(3));
        assertThat(sim.round(0.10, 0.60)).isEmpty(); // a wild first window is the baseline, not an alert
    }

    @Test
    void anOutcomeForAnUnknownRequestIdIsCountedAsAnOrphan() {
        FairnessMonitor m = new FairnessMonitor(settings(), FIXED);
        m.record(List.of(decision("a", "female", true)), List.of());
        BatchResult r = m.record(List.of(), List.of(new Outcome("nobody", true), new Outcome("a", false)));
        assertThat(r).isEqualTo(new BatchResult.Recorded(0, 1, 1, 0, List.of()));
        MonitorStatus s = m.status();
        assertThat(s.orphans()).isEqualTo(1);
        assertThat(s.resolved()).isEqualTo(1);
        assertThat(s.pending()).isZero();
    }

    @Test
    void aDecisionAndItsOutcomeInOneBatchResolve() {
        FairnessMonitor m = new FairnessMonitor(settings(), FIXED);
        BatchResult r = m.record(List.of(decision("a", "male", false)), List.of(new Outcome("a", true)));
        assertThat(r).isEqualTo(new BatchResult.Recorded(1, 1, 0, 0, List.of()));
        assertThat(m.status().groups().getFirst().filling()).isEqualTo(1);
    }

    @Test
    void aDecisionPostedTwiceWhilePendingIsADuplicate() {
        FairnessMonitor m = new FairnessMonitor(settings(), FIXED);
        m.record(List.of(decision("a", "male", false)), List.of());
        assertThat(m.record(List.of(decision("a", "male", true)), List.of()))
                .isEqualTo(new BatchResult.Recorded(0, 0, 0, 1, List.of()));
        assertThat(m.status().duplicates()).isEqualTo(1);
    }

    @Test
    void decisionsWaitingLongerThanTheirTimeToLiveExpireAndTheirOutcomesBecomeOrphans() {
        MutableClock clock = new MutableClock();
        FairnessMonitor m = new FairnessMonitor(settings(), clock);
        m.record(List.of(decision("old", "male", true)), List.of());
        clock.advance(Duration.ofMinutes(30));
        m.record(List.of(decision("young", "male", true)), List.of());
        clock.advance(Duration.ofMinutes(31));
        MonitorStatus s = m.status();
        assertThat(s.expired()).isEqualTo(1);
        assertThat(s.pending()).isEqualTo(1);
        assertThat(m.record(List.of(), List.of(new Outcome("old", true), new Outcome("young", true))))
                .isEqualTo(new BatchResult.Recorded(0, 1, 1, 0, List.of()));
    }

    @Test
    void aBatchThatWouldOverfillThePendingDecisionsIsRefusedWhole() {
        MonitorSettings s = new MonitorSettings("credit", List.of("sex"), 500, 4, 0.02, List.of(WindowMetric.FPR), 0.01,
                Duration.ofHours(1), 2, 8);
        FairnessMonitor m = new FairnessMonitor(s, FIXED);
        m.record(List.of(decision("a", "male", true)), List.of());
        BatchResult r = m.record(List.of(decision("b", "male", true), decision("c", "male", true)), List.of());
        assertThat(r).isInstanceOfSatisfying(BatchResult.Refused.class,
                refused -> assertThat(refused.reason()).isEqualTo(BatchResult.Reason.PENDING_FULL));
        assertThat(m.status().pending()).isEqualTo(1);
        assertThat(m.status().decisions()).isEqualTo(1);
    }

    @Test
    void decisionsFromMoreGroupsThanTheLimitAreRefused() {
        MonitorSettings s = new MonitorSettings("credit", List.of("sex"), 500, 4, 0.02, List.of(WindowMetric.FPR), 0.01,
                Duration.ofHours(1), 100, 2);
        FairnessMonitor m = new FairnessMonitor(s, FIXED);
        assertThat(m.record(List.of(decision("a", "male", true), decision("b", "female", true)), List.of()))
                .isInstanceOf(BatchResult.Recorded.class);
        assertThat(m.record(List.of(decision("c", "other", true)), List.of())).isInstanceOfSatisfying(
                BatchResult.Refused.class, r -> assertThat(r.reason()).isEqualTo(BatchResult.Reason.TOO_MANY_GROUPS));
    }

    @Test
    void decisionsMustGiveExactlyTheMonitoredAttributes() {
        FairnessMonitor m = new FairnessMonitor(settings(), FIXED);
        Decision extra = new Decision("a", Map.of("sex", "male", "age", "42"), true, Optional.empty());
        Decision missing = new Decision("b", Map.of("race", "white"), true, Optional.empty());
        for (Decision d : List.of(extra, missing)) {
            assertThat(m.record(List.of(d), List.of())).isInstanceOfSatisfying(BatchResult.Refused.class,
                    r -> assertThat(r.reason()).isEqualTo(BatchResult.Reason.WRONG_ATTRIBUTES));
        }
        assertThat(m.status().decisions()).isZero();
    }

    @Test
    void aPendingDecisionKeepsOnlyItsGroupItsBitAndItsArrivalTime() {
        FairnessMonitor m = new FairnessMonitor(settings(), FIXED);
        m.record(List.of(decision("req-1", "female", true)), List.of());
        FairnessMonitor.Pending p = m.pendingForTesting("req-1").orElseThrow();
        assertThat(p).isEqualTo(new FairnessMonitor.Pending("sex=female", true, FIXED.millis()));
        assertThat(java.util.Arrays.stream(FairnessMonitor.Pending.class.getRecordComponents()).<Class<?>>map(c -> c.getType()).toList())
                .containsExactly(String.class, boolean.class, long.class);
    }

    @Test
    void requestIdsAndGroupValuesMustBePlainNames() {
        assertThatThrownBy(() -> new Outcome("has space", true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("has space");
        assertThatThrownBy(() -> new Outcome("x".repeat(129), true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Decision("a", Map.of("sex", "John Smith"), true, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("John");
        assertThat(new Outcome("req_0A.b:c-1", false).requestId()).isEqualTo("req_0A.b:c-1");
    }

    @Test
    void settingsRefuseNonsense() {
        assertThatThrownBy(() -> new MonitorSettings("credit", List.of(), 500, 4, 0.02, List.of(WindowMetric.FPR), 0.01,
                Duration.ofHours(1), 10, 8)).hasMessageContaining("attributes");
        assertThatThrownBy(() -> new MonitorSettings("credit", List.of("sex"), 5, 4, 0.02, List.of(WindowMetric.FPR), 0.01,
                Duration.ofHours(1), 10, 8)).hasMessageContaining("window-size");
        assertThatThrownBy(() -> new MonitorSettings("credit", List.of("sex"), 500, 4, 1.5, List.of(WindowMetric.FPR), 0.01,
                Duration.ofHours(1), 10, 8)).hasMessageContaining("bound");
        assertThat(settings().alphaPerTest(2)).isEqualTo(0.01 / 6);
    }

    @Test
    void anAlertDescribesItselfWithNumbersOnly() {
        Alert a = new Alert("credit", "sex=female", WindowMetric.FPR, 5, 0.2, 0.1, 0.15, 0.26, 0.02);
        assertThat(a.describe()).isEqualTo("monitor=credit group=sex=female metric=fpr window=5 value=0.2000 "
                + "baseline=0.1000 ci=[0.1500,0.2600] bound=0.0200");
        assertThatThrownBy(() -> new Alert("credit", "sex=female", WindowMetric.FPR, 5, 0.2, 0.1, 0.11, 0.26, 0.02))
                .hasMessageContaining("outside");
    }

    private static Decision decision(String id, String sex, boolean positive) {
        return new Decision(id, Map.of("sex", sex), positive, Optional.empty());
    }

    private static final class MutableClock extends Clock {
        private Instant now = FIXED.instant();

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
