package dev.bastion.privacy.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bastion.privacy.train.LogisticRegression;
import dev.bastion.privacy.train.TrainingData;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FlFederatedAveragingTest {

    private static FederatedAveraging.Settings settings(FederatedAveraging.SecureAggregation mode, double dropout) {
        return new FederatedAveraging.Settings(5, 1, 16, 0.1, mode, dropout, 1.0 / 3, 0.1, 4.0, 20, 3);
    }

    @Test
    void secureFedAvgLandsWhereFedAvgInTheClearDoes() {
        Random random = new Random(1);
        TrainingData train = FlBlobs.blobs(1500, random);
        TrainingData test = FlBlobs.blobs(500, random);
        List<TrainingData> silos = FlBlobs.silos(train, Partition.dirichlet(train.y(), 2, 6, 1.0, random));
        LogisticRegression model = new LogisticRegression(4, 2);
        FederatedAveraging.Result plain = FederatedAveraging.run(model, silos, test,
                settings(FederatedAveraging.SecureAggregation.OFF, 0), new Random(2), r -> { });
        FederatedAveraging.Result secure = FederatedAveraging.run(model, silos, test,
                settings(FederatedAveraging.SecureAggregation.FULL, 0), new Random(2), r -> { });
        double a = plain.rounds().getLast().testAccuracy();
        double b = secure.rounds().getLast().testAccuracy();
        assertTrue(a > 0.85, "FedAvg in the clear learns the blobs: " + a);
        assertEquals(a, b, 0.01, "secure aggregation changes only the rounding");
        for (int j = 0; j < plain.parameters().length; j++) {
            assertEquals(plain.parameters()[j], secure.parameters()[j], 1e-3, "parameter " + j);
        }
        FederatedAveraging.RoundReport r = secure.rounds().getFirst();
        assertEquals(6, r.included());
        assertEquals(1500, r.totalCount(), "example counts ride in the vector");
        assertEquals(5, r.stages().size());
        assertTrue(r.bytesUpPerClient() > r.bits() * 11 / 8.0, "the masked input is at least b bits a coordinate");
    }

    @Test
    void secureFedAvgWithDropoutsKeepsLearningAndRetriesAbortedRounds() {
        Random random = new Random(3);
        TrainingData train = FlBlobs.blobs(1200, random);
        TrainingData test = FlBlobs.blobs(400, random);
        List<TrainingData> silos = FlBlobs.silos(train, Partition.iid(train.size(), 9, random));
        FederatedAveraging.Result result = FederatedAveraging.run(new LogisticRegression(4, 2), silos, test,
                settings(FederatedAveraging.SecureAggregation.PLUS, 0.2), new Random(4), r -> { });
        for (FederatedAveraging.RoundReport r : result.rounds()) {
            assertTrue(r.included() == 0 || r.included() >= 6, "a sum never covers fewer than t clients: " + r);
            assertEquals(r.attempts() - 1, r.abortedAttempts().size());
        }
        assertTrue(result.rounds().getLast().testAccuracy() > 0.85);
    }

    @Test
    void sessionKeysGiveTheSameModelAsPerRoundKeysWithAndWithoutDropouts() {
        Random random = new Random(7);
        TrainingData train = FlBlobs.blobs(1200, random);
        TrainingData test = FlBlobs.blobs(400, random);
        List<TrainingData> silos = FlBlobs.silos(train, Partition.iid(train.size(), 7, random));
        LogisticRegression model = new LogisticRegression(4, 2);
        FederatedAveraging.Result perRound = FederatedAveraging.run(model, silos, test,
                settings(FederatedAveraging.SecureAggregation.FULL, 0), new Random(8), r -> { });
        FederatedAveraging.Result session = FederatedAveraging.run(model, silos, test,
                settings(FederatedAveraging.SecureAggregation.SESSION, 0), new Random(8), r -> { });
        for (int j = 0; j < perRound.parameters().length; j++) {
            // the same training draws and the same stochastic rounding: the exact sums decode to the same model
            assertEquals(perRound.parameters()[j], session.parameters()[j], 0.0, "parameter " + j);
        }
        FederatedAveraging.Result dropping = FederatedAveraging.run(model, silos, test,
                settings(FederatedAveraging.SecureAggregation.SESSION, 0.15), new Random(9), r -> { });
        for (FederatedAveraging.RoundReport r : dropping.rounds()) {
            assertTrue(r.included() == 0 || r.included() >= 5, "a sum never covers fewer than t clients: " + r);
        }
        assertTrue(dropping.rounds().getLast().testAccuracy() > 0.85);
    }

    @Test
    void partitionsCoverEveryRowOnce() {
        Random random = new Random(5);
        int[] labels = new int[1000];
        String[] values = new String[1000];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextInt(3);
            values[i] = "v" + random.nextInt(15);
        }
        for (List<int[]> parts : List.of(Partition.byValue(values, 10), Partition.iid(1000, 7, random),
                Partition.dirichlet(labels, 3, 8, 0.3, random))) {
            int[] all = parts.stream().flatMapToInt(Arrays::stream).sorted().toArray();
            assertEquals(1000, all.length);
            for (int i = 0; i < all.length; i++) {
                assertEquals(i, all[i]);
            }
        }
        assertEquals(10, Partition.byValue(values, 10).size(), "15 values packed into 10 silos");
    }

    @Test
    void smallDirichletConcentrationSkewsLabels() {
        Random random = new Random(6);
        int[] labels = new int[2000];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 2;
        }
        double skewSmall = meanMinorityShare(Partition.dirichlet(labels, 2, 10, 0.1, random), labels);
        double skewLarge = meanMinorityShare(Partition.dirichlet(labels, 2, 10, 100, random), labels);
        assertTrue(skewSmall < 0.2 && skewLarge > 0.4, skewSmall + " vs " + skewLarge);
    }

    private static double meanMinorityShare(List<int[]> parts, int[] labels) {
        double sum = 0;
        for (int[] p : parts) {
            long ones = Arrays.stream(p).filter(r -> labels[r] == 1).count();
            sum += Math.min(ones, p.length - ones) / (double) p.length;
        }
        return sum / parts.size();
    }
}
