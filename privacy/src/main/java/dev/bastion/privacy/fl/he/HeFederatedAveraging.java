package dev.bastion.privacy.fl.he;

import dev.bastion.crypto.SigningKey;
import dev.bastion.privacy.fl.FederatedAveraging;
import dev.bastion.privacy.fl.Quantizer;
import dev.bastion.privacy.train.Model;
import dev.bastion.privacy.train.TrainingData;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * FedAvg with the sum taken under threshold Paillier: the same local training, quantisation ({@link Quantizer}) and
 * random streams as {@link FederatedAveraging} with secure aggregation, so with no dropouts both land on the same
 * parameters bit for bit; only the way the Z_2^b sum is computed differs. Each site is one key holder of the dealt
 * key (l = number of sites, t from the caller), and a site decrypts only sums of at least t signed uploads.
 * {@code Settings.secagg()} is ignored. Not thread-safe.
 */
public final class HeFederatedAveraging {

    /** One round: who took part, what it cost, and the model's accuracy after it. */
    public record RoundReport(int round, int attempts, List<String> abortedAttempts, int clients, int included,
            List<Integer> decryptors, long totalCount, int valueBits, int slotBits, int ciphertextsPerSite,
            List<HeAggregation.StageStats> stages, double trainSeconds, double aggregationSeconds,
            double bytesUpPerClient, double bytesDownPerClient, double testAccuracy) {
        public RoundReport {
            abortedAttempts = List.copyOf(abortedAttempts);
            decryptors = List.copyOf(decryptors);
            stages = List.copyOf(stages);
        }
    }

    public record Result(double[] parameters, List<RoundReport> rounds) {
    }

    private HeFederatedAveraging() {
    }

    /**
     * Runs the federation.
     *
     * @param dealt the threshold key for {@code silos.size()} holders, share i for silo i
     * @param random local shuffling, initialisation, quantisation and simulated dropouts; encryption randomness,
     *     proofs and signing keys come from a {@code SecureRandom}
     */
    public static Result run(Model model, List<TrainingData> silos, TrainingData test, FederatedAveraging.Settings s,
            ThresholdPaillier.Dealt dealt, RandomGenerator random, Consumer<RoundReport> onRound) {
        int n = silos.size();
        PublicKey key = dealt.publicKey();
        if (key.parties() != n) {
            throw new IllegalArgumentException("the key has " + key.parties() + " holders for " + n + " sites");
        }
        double[] params = model.initialParameters(random);
        RandomGenerator rounding = new SplittableRandom(random.nextLong());
        long maxCount = silos.stream().mapToLong(TrainingData::size).max().orElseThrow();
        Quantizer quantizer = new Quantizer(s.clip(), s.levelBits(), Long.highestOneBit(maxCount) * 2, n);
        SlotPacking packing = SlotPacking.forKey(key, quantizer.bits(), n);
        SecureRandom secure = new SecureRandom();
        String federation = "sim-he-" + Long.toHexString(secure.nextLong());
        Map<Integer, byte[]> roster = new HashMap<>();
        Map<Integer, SigningKey> identities = new HashMap<>();
        for (int u = 1; u <= n; u++) {
            identities.put(u, SigningKey.generate(SigningKey.Algorithm.ED25519));
            roster.put(u, identities.get(u).publicKeyX509());
        }
        int minSummands = key.threshold();
        List<HeSite> sites = new ArrayList<>();
        for (int u = 1; u <= n; u++) {
            sites.add(new HeSite(federation, u, key, dealt.shares().get(u - 1), identities.get(u), roster,
                    minSummands, secure));
        }
        List<RoundReport> reports = new ArrayList<>();
        for (int round = 1; round <= s.rounds(); round++) {
            long trainStart = System.nanoTime();
            List<double[]> updates = new ArrayList<>();
            for (TrainingData silo : silos) {
                updates.add(FederatedAveraging.localUpdate(model, params, silo, s, random));
            }
            double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
            List<String> aborted = new ArrayList<>();
            Optional<HeMessages.DecryptRequest> pending = Optional.empty();
            RoundReport report = null;
            for (int attempt = 1; attempt <= s.maxAttempts() && report == null; attempt++) {
                HeAggregation.Stage[] dropAt = new HeAggregation.Stage[n + 1];
                for (int u = 1; u <= n; u++) {
                    if (random.nextDouble() < s.dropout()) {
                        dropAt[u] = HeAggregation.Stage.values()[random.nextInt(HeAggregation.Stage.values().length)];
                    }
                }
                long aggStart = System.nanoTime();
                Map<Integer, long[]> vectors = new HashMap<>();
                for (int u = 1; u <= n; u++) {
                    vectors.put(u, quantizer.encode(updates.get(u - 1), silos.get(u - 1).size(), rounding));
                }
                HeAggregation.Report r = HeAggregation.run(federation, round, key, packing, roster, sites, vectors,
                        minSummands, pending, (site, stage) -> dropAt[site] == stage, m -> { });
                double aggSeconds = (System.nanoTime() - aggStart) / 1e9;
                switch (r.outcome()) {
                    case HeAggregation.Outcome.Done done -> {
                        double[] decoded = quantizer.decode(done.sum());
                        long count = Math.round(decoded[decoded.length - 1]);
                        apply(params, Arrays.copyOf(decoded, params.length), count);
                        report = new RoundReport(round, attempt, aborted, n, done.included().size(),
                                done.decryptors(), count, quantizer.bits(), packing.slotBits(),
                                packing.plaintexts(params.length + 1), r.stages(), trainSeconds, aggSeconds,
                                (double) r.bytesUp() / n, (double) r.bytesDown() / n, model.accuracy(params, test));
                    }
                    case HeAggregation.Outcome.Aborted a -> {
                        aborted.add("attempt " + attempt + ": " + a.reason());
                        pending = a.request();
                    }
                }
            }
            if (report == null) {
                report = new RoundReport(round, s.maxAttempts(), aborted, n, 0, List.of(), 0, quantizer.bits(),
                        packing.slotBits(), packing.plaintexts(params.length + 1), List.of(), trainSeconds, 0, 0, 0,
                        model.accuracy(params, test));
            }
            reports.add(report);
            onRound.accept(report);
        }
        return new Result(params, reports);
    }

    private static void apply(double[] params, double[] weightedSum, long count) {
        if (count <= 0) {
            return;
        }
        for (int j = 0; j < params.length; j++) {
            params[j] += weightedSum[j] / count;
        }
    }
}
