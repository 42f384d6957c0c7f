package dev.bastion.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.config.GatewayConfig;
import dev.bastion.privacy.accounting.PrivacyEvent;
import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.fl.DpFedAvg;
import dev.bastion.privacy.fl.FederatedAveraging;
import dev.bastion.privacy.ledger.LedgerId;
import dev.bastion.privacy.ledger.PrivacyLedger;
import dev.bastion.privacy.train.Model;
import dev.bastion.privacy.train.TrainingData;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * {@code bastion fl simulate --dp central|distributed}: user-level DP-FedAvg. The noise multiplier is solved from
 * the target ε over the rounds asked for, the whole run is charged to the dataset's ledger (privacy unit
 * {@code user}: one client) before anything trains, and a refusal writes nothing. The report gives ε with and
 * without sampling amplification; amplification holds only if the server samples users honestly.
 */
final class FlDpRun {
    static final String UNIT = "user";

    private FlDpRun() {
    }

    static int run(FlCommand.Simulate cmd, FlSimulateOptions o, Model m, List<TrainingData> users, TrainingData train,
            TrainingData test, RandomGenerator random, FederatedAveraging.SecureAggregation secagg) throws IOException {
        if (o.epsilon == null || o.dataset == null || o.usersPerRound == null) {
            throw new IllegalArgumentException("--dp needs --epsilon, --users-per-round and --dataset (the ledger "
                    + "charged; set its total with bastion dp budget --dataset NAME --set-total EPSILON,DELTA)");
        }
        DpFedAvg.Mode mode = switch (o.dp.strip().toLowerCase(Locale.ROOT)) {
            case "central" -> DpFedAvg.Mode.CENTRAL;
            case "distributed" -> DpFedAvg.Mode.DISTRIBUTED;
            default -> throw new IllegalArgumentException("--dp is off, central or distributed, got '" + o.dp + "'");
        };
        int n = users.size();
        if (o.usersPerRound < 1 || o.usersPerRound > n) {
            throw new IllegalArgumentException("--users-per-round must be in 1.." + n);
        }
        double q = (double) o.usersPerRound / n;
        double z = DpFedAvg.noiseMultiplierFor(q, cmd.rounds, o.epsilon, o.delta);
        DpFedAvg.Settings s = new DpFedAvg.Settings(cmd.rounds, cmd.localEpochs, cmd.batchSize, cmd.learningRate,
                o.serverLearningRate, o.l2Clip, q, z, mode, o.bits, cmd.tolerance, cmd.dropout, secagg);
        DpFedAvg.Guarantee g = DpFedAvg.guarantee(q, z, cmd.rounds, o.delta);
        List<PrivacyEvent> events = List.of(s.event());
        String description = String.format(Locale.ROOT, "fl simulate --dp %s: %d rounds, q=%s, clip %s, %s",
                o.dp, cmd.rounds, PrivacyLedger.fmt(q), PrivacyLedger.fmt(o.l2Clip), m.describe());
        LedgerId id = new LedgerId(o.dataset, UNIT);
        PrivacyLedger.Outcome outcome = DpCommand.withLedger(cmd.common, l -> l.charge(id, description, events));
        PrivacyLedger.Status after;
        switch (outcome) {
            case PrivacyLedger.Outcome.Refused r -> {
                System.err.println("bastion: refused: " + r.reason());
                return ExitCodes.REFUSED;
            }
            case PrivacyLedger.Outcome.Admitted a -> after = a.after();
        }
        System.out.printf(Locale.ROOT, "%s, %d features, %d users (%d train rows), %d test rows; DP-FedAvg %s: q = %s "
                + "(%d users per round expected), L2 clip %s, noise multiplier z = %.4f%s%n", m.describe(),
                train.dimensions(), n, train.size(), test.size(), o.dp, PrivacyLedger.fmt(q), o.usersPerRound,
                PrivacyLedger.fmt(o.l2Clip), z, mode == DpFedAvg.Mode.DISTRIBUTED ? String.format(Locale.ROOT,
                        ", %d bits per coordinate, sites refuse below %d survivors, secagg %s", o.bits,
                        s.minSurvivors(n), cmd.secagg) : "");
        System.out.println(DpCommand.status(after));
        DpRandom noise = cmd.insecureSeed == null ? DpRandom.secure() : DpRandom.insecureSeeded(cmd.insecureSeed + 7);
        if (cmd.out != null) {
            Files.createDirectories(cmd.out);
        }
        DpFedAvg.Result result = DpFedAvg.run(m, users, test, s, random, noise, r ->
                System.out.printf(Locale.ROOT, "round %3d: accuracy %.4f, %d sampled, %d summed%s, noise present "
                        + "z >= %.4f, train %.2f s, aggregate %.2f s%n", r.round(), r.testAccuracy(), r.sampled(),
                        r.survivors(), r.refused() ? " (refused: below the assumed survivors)" : "",
                        r.noisePresent(), r.secondsTraining(), r.secondsAggregating()));
        double accuracy = result.rounds().getLast().testAccuracy();
        System.out.printf(Locale.ROOT, "federated accuracy %.4f after %d rounds%n", accuracy, cmd.rounds);
        System.out.printf(Locale.ROOT, "epsilon at delta %s: %.4f with sampling amplification (%s; RDP alone %.4f), "
                + "%.4f without it (every user every round; RDP alone %.4f); amplification assumes honest sampling%n",
                PrivacyLedger.fmt(o.delta), g.epsilonTightest(), g.tightestAccountant(), g.epsilonRdp(),
                g.epsilonTightestWithoutSampling(), g.epsilonRdpWithoutSampling());
        double central = cmd.centralBaseline(m, train, test);
        if (cmd.out != null) {
            ObjectNode json = Json.MAPPER.createObjectNode();
            json.put("format", "bastion-fl-model/1");
            json.put("model", m.describe());
            json.put("data_sha256", dev.bastion.models.signing.Manifest.sha256(cmd.data));
            json.put("rounds", cmd.rounds);
            json.put("test_accuracy", accuracy);
            if (!Double.isNaN(central)) {
                json.put("central_test_accuracy", central);
            }
            ObjectNode dp = json.putObject("dp");
            dp.put("mode", o.dp);
            dp.put("privacy_unit", UNIT);
            dp.put("sampling_rate", q);
            dp.put("noise_multiplier", z);
            dp.put("l2_clip", o.l2Clip);
            dp.put("delta", o.delta);
            dp.put("epsilon_with_amplification", g.epsilonTightest());
            dp.put("epsilon_without_amplification", g.epsilonTightestWithoutSampling());
            dp.put("noise_source", noise.isSecure() ? "SecureRandom" : "insecure seed (not a release)");
            dp.put("ledger", o.dataset + "/" + UNIT);
            ArrayNode rounds = json.putArray("rounds_summary");
            for (DpFedAvg.RoundReport r : result.rounds()) {
                rounds.addObject().put("round", r.round()).put("sampled", r.sampled()).put("summed", r.survivors())
                        .put("refused", r.refused()).put("noise_multiplier_present", r.noisePresent())
                        .put("test_accuracy", r.testAccuracy());
            }
            json.put("not_covered", "the feature encoding (categories, means, standard deviations) was computed "
                    + "centrally from the whole file");
            FlJson.parameters(json, result.parameters());
            FlJson.write(cmd.out.resolve("model.json"), json);
            GatewayConfig config = cmd.common.load(Map.of()).config();
            CliAudit.record(config, "fl.dp-model", o.dataset + "/" + UNIT + " " + o.dp + " rounds=" + cmd.rounds
                    + " epsilon=" + PrivacyLedger.fmt(g.epsilonTightest()));
            System.out.println("wrote " + cmd.out.resolve("model.json"));
        }
        return ExitCodes.OK;
    }
}
