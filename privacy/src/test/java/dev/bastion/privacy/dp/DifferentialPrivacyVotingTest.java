package dev.bastion.privacy.dp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * Statistical tests of the privacy claim itself, in the manner of Google's stochastic tester: run a mechanism many
 * times on two neighbouring datasets and check, for every output bucket with enough mass, that
 * P[M(D) in B] <= e^ε P[M(D') in B] within a confidence margin. One run can fail by chance, so several runs vote.
 * A mechanism that claims a smaller ε than it gives must be caught (the negative control), so the test can fail.
 */
class DifferentialPrivacyVotingTest {
    private static final int SAMPLES = 60_000;

    /** One trial: the largest observed log-ratio over buckets, minus its statistical margin, is at most ε. */
    private static boolean trial(DoubleSupplier onD, DoubleSupplier onNeighbour, double epsilon, double bucket) {
        return trial(onD, onNeighbour, epsilon, 0, bucket);
    }

    /** (ε, δ) version: P[M(D) in B] <= e^ε P[M(D') in B] + δ for every bucket with enough mass. */
    private static boolean trial(DoubleSupplier onD, DoubleSupplier onNeighbour, double epsilon, double delta,
            double bucket) {
        Map<Long, Integer> a = histogram(onD, bucket);
        Map<Long, Integer> b = histogram(onNeighbour, bucket);
        for (Map.Entry<Long, Integer> e : a.entrySet()) {
            int ca = e.getValue();
            int cb = b.getOrDefault(e.getKey(), 0);
            if (ca < 500 || cb < 500) {
                continue; // too little mass to estimate a ratio
            }
            double pa = (double) ca / SAMPLES;
            double pb = (double) cb / SAMPLES;
            // margin: 4 standard errors of each proportion, applied against the claim
            double paLow = pa - 4 * Math.sqrt(pa / SAMPLES);
            double pbHigh = pb + 4 * Math.sqrt(pb / SAMPLES);
            if (paLow > Math.exp(epsilon) * pbHigh + delta) {
                return false;
            }
        }
        return true;
    }

    private static Map<Long, Integer> histogram(DoubleSupplier mechanism, double bucket) {
        Map<Long, Integer> h = new HashMap<>();
        for (int i = 0; i < SAMPLES; i++) {
            h.merge((long) Math.floor(mechanism.getAsDouble() / bucket), 1, Integer::sum);
        }
        return h;
    }

    private static int votes(int trials, java.util.function.IntPredicate trial) {
        int passed = 0;
        for (int i = 0; i < trials; i++) {
            if (trial.test(i)) {
                passed++;
            }
        }
        return passed;
    }

    @Test
    void laplaceCountOnNeighbouringDatasetsRespectsEpsilon() {
        double eps = Math.log(3);
        int passed = votes(5, seed -> {
            Noise n = Noise.laplace(1, eps, true, DpRandom.forTesting(new SplittableRandom(seed)));
            return trial(() -> n.addTo(100), () -> n.addTo(101), eps, 1)
                    && trial(() -> n.addTo(101), () -> n.addTo(100), eps, 1);
        });
        assertThat(passed).isGreaterThanOrEqualTo(4);
    }

    @Test
    void laplaceOnRealValuesRespectsEpsilonAtItsSensitivity() {
        double eps = 1;
        int passed = votes(5, seed -> {
            Noise n = Noise.laplace(2.5, eps, false, DpRandom.forTesting(new SplittableRandom(100 + seed)));
            return trial(() -> n.addTo(10.0), () -> n.addTo(12.5), eps, 0.5)
                    && trial(() -> n.addTo(12.5), () -> n.addTo(10.0), eps, 0.5);
        });
        assertThat(passed).isGreaterThanOrEqualTo(4);
    }

    @Test
    void understatedEpsilonIsCaught() {
        // Noise for ε = ln 3, claimed as ε = ln 1.5: the test must reject it.
        int passed = votes(5, seed -> {
            Noise n = Noise.laplace(1, Math.log(3), true, DpRandom.forTesting(new SplittableRandom(200 + seed)));
            return trial(() -> n.addTo(100), () -> n.addTo(101), Math.log(1.5), 1);
        });
        assertThat(passed).isLessThanOrEqualTo(1);
    }

    @Test
    void gaussianSumOnNeighbouringDatasetsRespectsEpsilonDelta() {
        double eps = 1;
        double delta = 1e-3;
        int passed = votes(5, seed -> {
            Noise n = Noise.gaussian(4, eps, delta, DpRandom.forTesting(new SplittableRandom(300 + seed)));
            return trial(() -> n.addTo(50.0), () -> n.addTo(54.0), eps, delta, 1)
                    && trial(() -> n.addTo(54.0), () -> n.addTo(50.0), eps, delta, 1);
        });
        assertThat(passed).isGreaterThanOrEqualTo(4);
    }

    @Test
    void countQueryWithAPrivacyUnitRespectsEpsilonWhenOneUnitWithManyRowsIsRemoved() throws Exception {
        // D has a unit with 7 rows; D' lacks it. With max-contributions 2 the count moves by at most 2.
        StringBuilder base = new StringBuilder("user\n");
        for (int i = 0; i < 50; i++) {
            base.append("u").append(i).append('\n');
        }
        Table without = Table.parse(new java.io.StringReader(base.toString()), "d1");
        Table with = Table.parse(new java.io.StringReader(base + "x\n".repeat(7)), "d2");
        double eps = 1;
        DpQuery q = DpQuery.builder(DpQuery.Kind.COUNT).privacyUnit("user", 2).epsilon(eps).build();
        int passed = votes(5, seed -> {
            DpRandom r = DpRandom.forTesting(new SplittableRandom(400 + seed));
            return trial(() -> DpEngine.run(with, q, r).rows().getFirst().value(),
                    () -> DpEngine.run(without, q, r).rows().getFirst().value(), eps, 1)
                    && trial(() -> DpEngine.run(without, q, r).rows().getFirst().value(),
                    () -> DpEngine.run(with, q, r).rows().getFirst().value(), eps, 1);
        });
        assertThat(passed).isGreaterThanOrEqualTo(4);
    }
}
