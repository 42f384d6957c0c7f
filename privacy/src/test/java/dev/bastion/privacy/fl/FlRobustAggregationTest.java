package dev.bastion.privacy.fl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bastion.privacy.fl.RobustAggregation.Rule;
import dev.bastion.privacy.train.LogisticRegression;
import dev.bastion.privacy.train.TrainingData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FlRobustAggregationTest {

    /** Nine honest updates scattered around h = (1, -2, 0.5, 3) and one planted attacker, last. */
    private static List<double[]> fixture(Poisoning.Attack attack) {
        Random r = new Random(8);
        double[] h = {1, -2, 0.5, 3};
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            out.add(Arrays.stream(h).map(v -> v + 0.1 * r.nextGaussian()).toArray());
        }
        out.add(new Poisoning(1, attack).poison(h));
        return out;
    }

    private static double distanceToHonest(double[] v) {
        double[] h = {1, -2, 0.5, 3};
        double s = 0;
        for (int j = 0; j < 4; j++) {
            s += (v[j] - h[j]) * (v[j] - h[j]);
        }
        return Math.sqrt(s);
    }

    private static double[] ones(int n) {
        double[] w = new double[n];
        Arrays.fill(w, 1);
        return w;
    }

    @ParameterizedTest(name = "{0} against {1}")
    @CsvSource({"MEDIAN, SCALE10", "MEDIAN, SIGN_FLIP", "TRIMMED_MEAN, SCALE10", "TRIMMED_MEAN, SIGN_FLIP",
            "MULTI_KRUM, SCALE10", "MULTI_KRUM, SIGN_FLIP", "NORM_BOUND, SCALE10", "FLTRUST, SCALE10",
            "FLTRUST, SIGN_FLIP"})
    void aRobustRuleStaysNearTheHonestUpdatesWhereTheMeanIsDragged(Rule rule, Poisoning.Attack attack) {
        List<double[]> in = fixture(attack);
        double[] root = {1.05, -1.9, 0.45, 2.9}; // the server's own noisy view of the honest direction
        double mean = distanceToHonest(RobustAggregation.aggregate(Rule.MEAN, in, ones(10), 0.1, null));
        double robust = distanceToHonest(RobustAggregation.aggregate(rule, in, ones(10), 0.1, root));
        assertTrue(mean > 0.6, "the planted attacker drags the mean: " + mean);
        assertTrue(robust < 0.15, rule + " stays near the honest update: " + robust + " (mean: " + mean + ")");
    }

    @Test
    void normBoundingCannotUndoASignFlipOnlyItsSize() {
        List<double[]> in = fixture(Poisoning.Attack.SIGN_FLIP);
        double mean = distanceToHonest(RobustAggregation.aggregate(Rule.MEAN, in, ones(10), 0.1, null));
        double bounded = distanceToHonest(RobustAggregation.aggregate(Rule.NORM_BOUND, in, ones(10), 0.1, null));
        assertEquals(mean, bounded, 0.05, "a flipped update of honest size passes the norm bound");
    }

    @Test
    void multiKrumLeavesOutThePlantedAttackerAndFlTrustGivesItNoTrust() {
        List<double[]> in = fixture(Poisoning.Attack.SIGN_FLIP);
        double[] honestMean = RobustAggregation.weightedMean(in.subList(0, 9), ones(9));
        // f = 1: Multi-Krum averages the 9 best-scored, which are the honest nine
        assertArrayEquals(honestMean, RobustAggregation.aggregate(Rule.MULTI_KRUM, in, ones(10), 0.1, null), 1e-12);
        double[] root = {1, -2, 0.5, 3};
        double[] trusted = RobustAggregation.aggregate(Rule.FLTRUST, in.subList(0, 9), ones(9), 0.1, root);
        assertArrayEquals(trusted, RobustAggregation.aggregate(Rule.FLTRUST, in, ones(10), 0.1, root), 1e-12);
    }

    @Test
    void groupsCoverEveryClientOnceAndHoldAtLeastG() {
        List<int[]> groups = RobustFederatedAveraging.groups(103, 10, new Random(1));
        assertEquals(10, groups.size());
        int[] seen = new int[103];
        for (int[] g : groups) {
            assertTrue(g.length >= 10 && g.length <= 11);
            for (int u : g) {
                seen[u]++;
            }
        }
        assertTrue(Arrays.stream(seen).allMatch(c -> c == 1));
    }

    @Test
    void attackSpecificationsParseAndBadOnesAreRefused() {
        Poisoning p = Poisoning.parse("0.05:signflip");
        assertEquals(50, p.count(1000));
        assertEquals(1, Poisoning.parse("1:scale10").count(10));
        assertEquals(5, Arrays.stream(toInts(Poisoning.parse("5:scale10").choose(10, new Random(1)))).sum());
        assertThrows(IllegalArgumentException.class, () -> Poisoning.parse("0.1:backdoor"));
        assertThrows(IllegalArgumentException.class, () -> Poisoning.parse("1.5:scale10"));
        assertThrows(IllegalArgumentException.class, () -> Rule.parse("krum"));
    }

    private static int[] toInts(boolean[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] ? 1 : 0;
        }
        return out;
    }

    @Test
    void onTenSitesWithOneFlippingAndScalingAttackerFedAvgDropsAndTheMedianOfSecureGroupSumsHolds() {
        Random r = new Random(1);
        TrainingData train = FlBlobs.blobs(2000, r);
        TrainingData test = FlBlobs.blobs(1000, r);
        List<TrainingData> silos = FlBlobs.users(train, 10); // ten equal sites
        LogisticRegression model = new LogisticRegression(4, 2);
        Optional<Poisoning> attack = Optional.of(new Poisoning(1, Poisoning.Attack.SIGN_FLIP_SCALE10));
        double clean = run(model, silos, test, Rule.MEAN, 1, FederatedAveraging.SecureAggregation.OFF, Optional.empty());
        double attacked = run(model, silos, test, Rule.MEAN, 1, FederatedAveraging.SecureAggregation.OFF, attack);
        double median = run(model, silos, test, Rule.MEDIAN, 1, FederatedAveraging.SecureAggregation.OFF, attack);
        double grouped = run(model, silos, test, Rule.MEDIAN, 3, FederatedAveraging.SecureAggregation.FULL, attack);
        double groupedClear = run(model, silos, test, Rule.MEDIAN, 3, FederatedAveraging.SecureAggregation.OFF, attack);
        assertTrue(clean > 0.85, "clean FedAvg learns: " + clean);
        assertTrue(attacked < clean - 0.05, "one attacker hurts FedAvg: " + attacked + " vs " + clean);
        assertTrue(median > clean - 0.01, "the median holds: " + median + " vs " + clean);
        assertTrue(grouped > clean - 0.01, "the median of secure group sums holds: " + grouped + " vs " + clean);
        assertEquals(groupedClear, grouped, 0.005, "SecAgg's group sums are the clear ones up to quantisation");
    }

    private static double run(LogisticRegression model, List<TrainingData> silos, TrainingData test, Rule rule, int g,
            FederatedAveraging.SecureAggregation secagg, Optional<Poisoning> attack) {
        RobustFederatedAveraging.Settings s = new RobustFederatedAveraging.Settings(8, 1, 16, 0.5, rule, g, 0.1, secagg,
                4, 20, 1.0 / 3);
        return RobustFederatedAveraging.run(model, silos, test, s, attack, Optional.empty(), new Random(3), x -> { })
                .rounds().getLast().testAccuracy();
    }
}
