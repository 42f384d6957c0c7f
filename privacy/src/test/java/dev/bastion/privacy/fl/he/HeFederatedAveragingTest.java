package dev.bastion.privacy.fl.he;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bastion.privacy.fl.FederatedAveraging;
import dev.bastion.privacy.fl.FlBlobs;
import dev.bastion.privacy.fl.Partition;
import dev.bastion.privacy.train.LogisticRegression;
import dev.bastion.privacy.train.TrainingData;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HeFederatedAveragingTest {

    private static FederatedAveraging.Settings settings(FederatedAveraging.SecureAggregation mode, double dropout) {
        return new FederatedAveraging.Settings(3, 1, 16, 0.1, mode, dropout, 1.0 / 3, 0.1, 4.0, 20, 3);
    }

    @Test
    void homomorphicFedAvgLandsOnTheParametersOfSecAggBitForBit() {
        Random random = new Random(1);
        TrainingData train = FlBlobs.blobs(1500, random);
        TrainingData test = FlBlobs.blobs(500, random);
        List<TrainingData> silos = FlBlobs.silos(train, Partition.dirichlet(train.y(), 2, 10, 1.0, random));
        LogisticRegression model = new LogisticRegression(4, 2);
        FederatedAveraging.Result secagg = FederatedAveraging.run(model, silos, test,
                settings(FederatedAveraging.SecureAggregation.FULL, 0), new Random(2), r -> { });
        HeFederatedAveraging.Result he = HeFederatedAveraging.run(model, silos, test,
                settings(FederatedAveraging.SecureAggregation.OFF, 0), HeFixture.tenSites(), new Random(2), r -> { });
        assertArrayEquals(secagg.parameters(), he.parameters(), "the same Z_2^b sums, so the same model");
        assertTrue(he.rounds().getLast().testAccuracy() > 0.85, "it learns the blobs");
        HeFederatedAveraging.RoundReport r = he.rounds().getFirst();
        assertEquals(10, r.included());
        assertEquals(7, r.decryptors().size());
        assertEquals(1500, r.totalCount(), "example counts ride in the sum");
        assertEquals(r.valueBits() + 4, r.slotBits());
        assertEquals(1, r.ciphertextsPerSite(), "11 coordinates fit one plaintext");
    }

    @Test
    void homomorphicFedAvgWithDropoutsKeepsLearning() {
        Random random = new Random(3);
        TrainingData train = FlBlobs.blobs(1200, random);
        TrainingData test = FlBlobs.blobs(400, random);
        List<TrainingData> silos = FlBlobs.silos(train, Partition.iid(train.size(), 10, random));
        HeFederatedAveraging.Result result = HeFederatedAveraging.run(new LogisticRegression(4, 2), silos, test,
                settings(FederatedAveraging.SecureAggregation.OFF, 0.2), HeFixture.tenSites(), new Random(4), r -> { });
        int summed = 0;
        for (HeFederatedAveraging.RoundReport r : result.rounds()) {
            if (r.included() > 0) {
                summed++;
                assertTrue(r.included() >= 7 && r.decryptors().size() == 7, "at least t uploads, t decryptors");
            }
        }
        assertTrue(summed >= 2, "most rounds finish within three attempts: " + summed);
        assertTrue(result.rounds().getLast().testAccuracy() > 0.8);
    }
}
