package dev.bastion.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.privacy.fl.FederatedAveraging;
import dev.bastion.privacy.fl.he.HeAggregation;
import dev.bastion.privacy.fl.he.HeFederatedAveraging;
import dev.bastion.privacy.fl.he.ThresholdPaillier;
import dev.bastion.privacy.train.Model;
import dev.bastion.privacy.train.TrainingData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * {@code bastion fl simulate --secagg he}: FedAvg with the sum taken under threshold Paillier. The simulation plays
 * the trusted dealer (the federation admin of {@code fl init}): it generates the key, gives site i share i, and
 * keeps nothing else; t = l - floor(l * tolerance) sites must decrypt each sum. Prints the dealer's time, then the
 * same lines as the other modes; writes no update.
 */
final class FlHeRun {
    private FlHeRun() {
    }

    static int run(FlCommand.Simulate cmd, FlSimulateOptions o, Model m, List<TrainingData> silos, TrainingData train,
            TrainingData test, RandomGenerator random) throws IOException {
        if (!o.dp.strip().equalsIgnoreCase("off") || !o.robust.strip().equalsIgnoreCase("off") || o.malicious != null) {
            throw new IllegalArgumentException("--secagg he runs plain FedAvg: it does not combine with --dp, "
                    + "--robust or --malicious");
        }
        int l = silos.size();
        int t = Math.max(2, l - (int) Math.floor(l * cmd.tolerance));
        if (l < 3) {
            throw new IllegalArgumentException("--secagg he needs at least 3 clients");
        }
        long dealStart = System.nanoTime();
        ThresholdPaillier.Dealt dealt = ThresholdPaillier.deal(o.heBits, l, t, new SecureRandom());
        double dealSeconds = (System.nanoTime() - dealStart) / 1e9;
        System.out.printf(Locale.ROOT, "dealer: %d-bit n from two %d-bit safe primes in %.1f s, %d-of-%d shares "
                + "and verification keys in %.1f s (the dealer is trusted and forgets the factorisation)%n",
                dealt.publicKey().n().bitLength(), o.heBits / 2, dealt.primeSeconds(), t, l,
                dealSeconds - dealt.primeSeconds());
        FederatedAveraging.Settings settings = new FederatedAveraging.Settings(cmd.rounds, cmd.localEpochs,
                cmd.batchSize, cmd.learningRate, FederatedAveraging.SecureAggregation.OFF, cmd.dropout, cmd.tolerance,
                cmd.corrupt, cmd.clip, cmd.levelBits, 3);
        System.out.printf(Locale.ROOT, "%s, %d train rows in %d clients (sizes %s), %d test rows, secagg he "
                + "(threshold Paillier, t = %d), dropout %.2f%n", m.describe(), train.size(), l,
                silos.stream().map(s -> Integer.toString(s.size())).toList(), test.size(), t, cmd.dropout);
        if (cmd.out != null) {
            Files.createDirectories(cmd.out.resolve("rounds"));
        }
        HeFederatedAveraging.Result result = HeFederatedAveraging.run(m, silos, test, settings, dealt, random, r -> {
            System.out.printf(Locale.ROOT, "round %3d: accuracy %.4f, %d/%d clients summed (attempts %d), %d "
                    + "ciphertexts of %d slots x %d bits per client, up %.0f B/client, down %.0f B/client, train "
                    + "%.2f s, aggregate %.2f s%n", r.round(), r.testAccuracy(), r.included(), r.clients(),
                    r.attempts(), r.ciphertextsPerSite(), dealt.publicKey().plaintextBits() / r.slotBits(),
                    r.slotBits(), r.bytesUpPerClient(), r.bytesDownPerClient(), r.trainSeconds(),
                    r.aggregationSeconds());
            if (cmd.out != null) {
                writeRound(cmd.out.resolve("rounds").resolve(String.format(Locale.ROOT, "%03d.json", r.round())), r);
            }
        });
        HeFederatedAveraging.RoundReport last = result.rounds().getLast();
        double meanSeconds = result.rounds().stream().mapToDouble(r -> r.trainSeconds() + r.aggregationSeconds())
                .average().orElse(0);
        double meanAgg = result.rounds().stream().mapToDouble(HeFederatedAveraging.RoundReport::aggregationSeconds)
                .average().orElse(0);
        double meanBytes = result.rounds().stream().mapToDouble(r -> r.bytesUpPerClient() + r.bytesDownPerClient())
                .average().orElse(0);
        System.out.printf(Locale.ROOT, "federated accuracy %.4f after %d rounds; mean per round: %.2f s "
                + "(aggregation %.2f s), %.0f bytes per client%n", last.testAccuracy(), cmd.rounds, meanSeconds,
                meanAgg, meanBytes);
        double central = cmd.centralBaseline(m, train, test);
        if (cmd.out != null) {
            ObjectNode json = Json.MAPPER.createObjectNode();
            json.put("format", "bastion-fl-model/1");
            json.put("model", m.describe());
            json.put("secagg", "he");
            json.put("he_modulus_bits", dealt.publicKey().n().bitLength());
            json.put("he_threshold", t);
            json.put("rounds", cmd.rounds);
            json.put("test_accuracy", last.testAccuracy());
            if (!Double.isNaN(central)) {
                json.put("central_test_accuracy", central);
            }
            json.put("not_covered", "trusted dealer key generation; the feature encoding was computed centrally; "
                    + "no differential privacy; no range proofs on uploads");
            json.putPOJO("classes", train.classes());
            json.putPOJO("features", train.features());
            FlJson.parameters(json, result.parameters());
            FlJson.write(cmd.out.resolve("model.json"), json);
            System.out.println("wrote " + cmd.out.resolve("model.json") + " and " + cmd.rounds + " round reports");
        }
        return ExitCodes.OK;
    }

    private static void writeRound(Path file, HeFederatedAveraging.RoundReport r) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("round", r.round());
        json.put("attempts", r.attempts());
        json.putPOJO("aborted_attempts", r.abortedAttempts());
        json.put("clients", r.clients());
        json.put("survivors_summed", r.included());
        json.putPOJO("decryptors", r.decryptors());
        json.put("examples_summed", r.totalCount());
        json.put("modulus_bits", r.valueBits());
        json.put("slot_bits", r.slotBits());
        json.put("ciphertexts_per_client", r.ciphertextsPerSite());
        json.put("test_accuracy", r.testAccuracy());
        json.put("train_seconds", r.trainSeconds());
        json.put("aggregation_seconds", r.aggregationSeconds());
        json.put("bytes_up_per_client", r.bytesUpPerClient());
        json.put("bytes_down_per_client", r.bytesDownPerClient());
        ArrayNode stages = json.putArray("stages");
        for (HeAggregation.StageStats s : r.stages()) {
            FlJson.stage(stages, s.stage().name().toLowerCase(Locale.ROOT), s.senders(), s.bytesUp(), s.bytesDown(),
                    s.seconds());
        }
        FlJson.write(file, json);
    }
}
