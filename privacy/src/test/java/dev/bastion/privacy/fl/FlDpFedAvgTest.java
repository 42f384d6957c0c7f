package dev.bastion.privacy.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.train.LogisticRegression;
import dev.bastion.privacy.train.TrainingData;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FlDpFedAvgTest {

    private static DpFedAvg.Settings settings(DpFedAvg.Mode mode, double z, FederatedAveraging.SecureAggregation sa) {
        return new DpFedAvg.Settings(15, 1, 8, 0.2, 1.0, 0.5, 0.2, z, mode, 20, 0.2, 0, sa);
    }

    @Test
    void centralAndDistributedDpFedAvgBothLearnAndLandClose() {
        Random r = new Random(1);
        List<TrainingData> users = FlBlobs.users(FlBlobs.blobs(4000, r), 200);
        TrainingData test = FlBlobs.blobs(1000, r);
        LogisticRegression model = new LogisticRegression(4, 2);
        double central = DpFedAvg.run(model, users, test, settings(DpFedAvg.Mode.CENTRAL, 1.0,
                FederatedAveraging.SecureAggregation.OFF), new Random(2), DpRandom.insecureSeeded(3), x -> { })
                .rounds().getLast().testAccuracy();
        List<DpFedAvg.RoundReport> dist = DpFedAvg.run(model, users, test, settings(DpFedAvg.Mode.DISTRIBUTED, 1.0,
                FederatedAveraging.SecureAggregation.OFF), new Random(2), DpRandom.insecureSeeded(3), x -> { }).rounds();
        assertTrue(central > 0.85, "central DP-FedAvg learns the blobs: " + central);
        assertTrue(dist.getLast().testAccuracy() > 0.85, "distributed DP-FedAvg learns: " + dist.getLast());
        assertEquals(central, dist.getLast().testAccuracy(), 0.03);
        for (DpFedAvg.RoundReport round : dist) {
            assertTrue(round.refused() || round.noisePresent() >= 1.0 - 1e-9, "noise present below charged: " + round);
        }
    }

    @Test
    void distributedDpThroughSecureAggregationLearnsToo() {
        Random r = new Random(4);
        List<TrainingData> users = FlBlobs.users(FlBlobs.blobs(600, r), 30);
        TrainingData test = FlBlobs.blobs(500, r);
        DpFedAvg.Settings s = new DpFedAvg.Settings(3, 1, 8, 0.2, 1.0, 0.5, 0.3, 0.8, DpFedAvg.Mode.DISTRIBUTED, 20,
                0.3, 0, FederatedAveraging.SecureAggregation.FULL);
        List<DpFedAvg.RoundReport> rounds = DpFedAvg.run(new LogisticRegression(4, 2), users, test, s, new Random(5),
                DpRandom.insecureSeeded(6), x -> { }).rounds();
        assertTrue(rounds.stream().anyMatch(x -> !x.refused()), "some round went through");
        assertTrue(rounds.getLast().testAccuracy() > 0.8, rounds.getLast().toString());
    }

    @Test
    void theNoiseMultiplierSolvedForATargetSpendsAtMostIt() {
        double z = DpFedAvg.noiseMultiplierFor(0.1, 50, 2.0, 1e-5);
        DpFedAvg.Guarantee g = DpFedAvg.guarantee(0.1, z, 50, 1e-5);
        assertTrue(g.epsilonRdp() <= 2.0 + 1e-9, g.toString());
        assertTrue(g.epsilonRdp() > 1.99, "and not far below it: " + g);
        assertTrue(g.epsilonTightest() <= g.epsilonRdp(), "the tightest accountant proves no more: " + g);
        assertTrue(g.epsilonRdpWithoutSampling() > 5 * g.epsilonRdp(), "amplification matters at q = 0.1: " + g);
        assertTrue(DpFedAvg.guarantee(0.1, z * 0.99, 50, 1e-5).epsilonRdp() > 2.0, "less noise spends more");
    }

    @Test
    void everyUsersUpdateIsClippedToTheBound() {
        double[] big = {3, 4};
        double[] c = DistributedDp.clipToNorm(big, 1);
        assertEquals(0.6, c[0], 1e-12);
        assertEquals(0.8, c[1], 1e-12);
        assertEquals(3, DistributedDp.clipToNorm(big, 10)[0], 0);
    }
}
