package dev.bastion.privacy.fl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bastion.crypto.SigningKey;
import dev.bastion.privacy.dp.DiscreteGaussian;
import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.fl.Messages.Stage;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FlDistributedDpTest {

    private static double[] gaussianVector(int d, Random r, double scale) {
        double[] x = new double[d];
        for (int i = 0; i < d; i++) {
            x[i] = scale * r.nextGaussian();
        }
        return x;
    }

    @Test
    void theRotationIsOrthonormalAndItsInverseRecoversTheInput() {
        RandomRotation rot = new RandomRotation(100, 42);
        assertEquals(128, rot.paddedDimensions());
        Random r = new Random(1);
        double[] x = gaussianVector(100, r, 3);
        double[] back = rot.inverse(rot.rotate(x));
        assertArrayEquals(x, back, 1e-12);
        assertEquals(DistributedDp.norm(x), DistributedDp.norm(rot.rotate(x)), 1e-10);
        // columns of the matrix are orthonormal: images of basis vectors
        double[][] images = new double[100][];
        for (int i = 0; i < 100; i++) {
            double[] e = new double[100];
            e[i] = 1;
            images[i] = rot.rotate(e);
        }
        for (int i = 0; i < 100; i += 7) {
            for (int j = 0; j < 100; j += 3) {
                double dot = 0;
                for (int k = 0; k < 128; k++) {
                    dot += images[i][k] * images[j][k];
                }
                assertEquals(i == j ? 1 : 0, dot, 1e-12, "column " + i + " against " + j);
            }
        }
        // a spike is spread evenly: every coordinate is ±1/√d'
        for (double v : images[5]) {
            assertEquals(1 / Math.sqrt(128), Math.abs(v), 1e-12);
        }
    }

    @Test
    void theSameSeedGivesTheSameRotationAndAnotherSeedAnother() {
        double[] x = gaussianVector(50, new Random(2), 1);
        assertArrayEquals(new RandomRotation(50, 9).rotate(x), new RandomRotation(50, 9).rotate(x));
        assertTrue(new RandomRotation(50, 9).rotate(x)[0] != new RandomRotation(50, 10).rotate(x)[0]);
    }

    @Test
    void conditionalRoundingKeepsTheNormBoundAndDecodingRecoversTheClippedUpdateToTheGrid() {
        DistributedDp plan = DistributedDp.plan(219, 1.0, 20, 1.0, 8, 10, 7);
        Random r = new Random(3);
        double[] x = gaussianVector(219, r, 1); // norm about 15, clipped to 1
        // tiny noise, so the decode shows the rounding alone
        DiscreteGaussian none = new DiscreteGaussian(plan.siteVariance(), DpRandom.insecureSeeded(1));
        DistributedDp quiet = new DistributedDp(plan.rotation(), plan.clip(), plan.bits(), plan.noiseMultiplier(),
                plan.minSurvivors(), plan.gamma(), plan.delta2(), 1e-9);
        long[] q = quiet.encode(x, r, new DiscreteGaussian(1e-9, DpRandom.insecureSeeded(1)));
        double[] back = quiet.decode(q);
        double[] clipped = DistributedDp.clipToNorm(x, 1.0);
        double err = 0;
        for (int j = 0; j < 219; j++) {
            err += Math.pow(back[j] - clipped[j], 2);
        }
        // stochastic rounding moves each of the 256 rotated coordinates by less than one grid step γ
        assertTrue(Math.sqrt(err) < plan.gamma() * Math.sqrt(256), "error " + Math.sqrt(err));
        assertTrue(plan.gamma() < 1e-3, "20 bits leave a fine grid: " + plan.gamma());
        assertTrue(none.sigmaSquared() > 1, "each site's noise is wider than one grid step");
    }

    @Test
    void theSumOfSharesDecodesToTheNoisySumExactlyThroughSecureAggregation() {
        int sites = 6;
        DistributedDp plan = DistributedDp.plan(30, 0.5, 20, 1.2, 5, sites, 11);
        DiscreteGaussian noise = new DiscreteGaussian(plan.siteVariance(), DpRandom.insecureSeeded(4));
        Random r = new Random(5);
        List<long[]> encoded = new ArrayList<>();
        double[] sumOfSingles = new double[32];
        for (int u = 0; u < sites; u++) {
            long[] e = plan.encode(gaussianVector(30, r, 0.3), r, noise);
            encoded.add(e);
            long half = 1L << 19;
            for (int j = 0; j < 32; j++) {
                sumOfSingles[j] += e[j] >= half ? e[j] - (1L << 20) : e[j]; // each share read as a signed integer
            }
        }
        long[] plain = new long[32];
        for (long[] e : encoded) {
            plan.addInto(plain, e);
        }
        DpFedAvg.Settings s = new DpFedAvg.Settings(1, 1, 8, 0.1, 1, 0.5, 1, 1.2, DpFedAvg.Mode.DISTRIBUTED, 20, 0.2,
                0, FederatedAveraging.SecureAggregation.FULL);
        long[] secure = DpFedAvg.secureSum(plan, encoded, 5, s, "test", 1, new SecureRandom());
        assertArrayEquals(plain, secure, "SecAgg's output is the modular sum of the shares, bit for bit");
        // the modular sum is the integer sum of the shares (no wrap), so decoding it is decoding the noisy sum
        long[] integerSum = new long[32];
        for (int j = 0; j < 32; j++) {
            integerSum[j] = Math.round(sumOfSingles[j]) & ((1L << 20) - 1);
        }
        assertArrayEquals(integerSum, plain);
        double[] decoded = plan.decode(plain);
        double[] expected = plan.rotation().inverse(java.util.Arrays.stream(sumOfSingles).map(v -> v * plan.gamma())
                .toArray());
        assertArrayEquals(expected, decoded, 1e-12);
    }

    @Test
    void sitesRefuseToUnmaskWhenFewerSurviveThanTheBudgetAssumed() {
        int n = 6;
        SecAggConfig config = SecAggConfig.full("f", 1, n, 0.34, 4, 20, Duration.ofSeconds(5));
        Map<Integer, SigningKey> ids = new HashMap<>();
        Map<Integer, byte[]> roster = new HashMap<>();
        for (int u = 1; u <= n; u++) {
            ids.put(u, SigningKey.generate(SigningKey.Algorithm.ED25519));
            roster.put(u, ids.get(u).publicKeyX509());
        }
        for (int floor : new int[] {5, 6}) {
            List<SecAggClient> clients = new ArrayList<>();
            for (int u = 1; u <= n; u++) {
                clients.add(new SecAggClient(config, u, ids.get(u), roster, new long[] {u, 0, 0, 1}, new SecureRandom())
                        .requireSurvivors(floor));
            }
            InProcessRound.Report r = InProcessRound.run(config, clients,
                    (client, stage) -> client == 6 && stage == Stage.MASKED_INPUT, m -> { });
            if (floor == 5) {
                var done = assertInstanceOf(SecAggServer.Step.Done.class, r.outcome());
                assertEquals(15, done.sum()[0], "five survivors meet a floor of five");
            } else {
                assertInstanceOf(SecAggServer.Step.Aborted.class, r.outcome());
                assertTrue(r.clientAborts().values().stream().allMatch(a -> a.contains("privacy budget")),
                        r.clientAborts().toString());
            }
        }
    }

    @Test
    void theNoisePresentMatchesTheNoiseMultiplierChargedAndGrowsWithSurvivors() {
        DistributedDp plan = DistributedDp.plan(219, 1, 20, 1.5, 80, 100, 3);
        assertEquals(1.5, plan.effectiveNoiseMultiplier(80), 1e-9);
        assertEquals(1.5 * Math.sqrt(100 / 80.0), plan.effectiveNoiseMultiplier(100), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> plan.effectiveNoiseMultiplier(79));
    }

    @Test
    void tooFewBitsForTheNoisySumIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> DistributedDp.plan(219, 1, 8, 5, 800, 1000, 3));
    }
}
