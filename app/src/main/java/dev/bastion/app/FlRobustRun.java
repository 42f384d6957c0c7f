package dev.bastion.app;

import dev.bastion.privacy.fl.FederatedAveraging;
import dev.bastion.privacy.fl.Poisoning;
import dev.bastion.privacy.fl.RobustAggregation;
import dev.bastion.privacy.fl.RobustFederatedAveraging;
import dev.bastion.privacy.train.Model;
import dev.bastion.privacy.train.TrainingData;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * {@code bastion fl simulate --robust RULE [--group-size G] [--malicious F:ATTACK]}: FedAvg with a robust rule, over
 * single updates in the clear or over secure sums of random groups, optionally with attacking clients. Prints the
 * accuracy per round; nothing about any single update is written.
 */
final class FlRobustRun {
    private FlRobustRun() {
    }

    static int run(FlCommand.Simulate cmd, FlSimulateOptions o, Model m, List<TrainingData> silos, TrainingData train,
            TrainingData test, RandomGenerator random, FederatedAveraging.SecureAggregation secagg) {
        RobustAggregation.Rule rule = RobustAggregation.Rule.parse(o.robust);
        Optional<Poisoning> attack = Optional.ofNullable(o.malicious).map(Poisoning::parse);
        int groupSize = o.groupSize;
        if (secagg != FederatedAveraging.SecureAggregation.OFF && rule == RobustAggregation.Rule.MEAN && groupSize == 1) {
            groupSize = silos.size(); // plain FedAvg under SecAgg: one group, the whole sum
        }
        Optional<TrainingData> root = Optional.empty();
        if (rule == RobustAggregation.Rule.FLTRUST) {
            int rows = Math.min(o.rootRows, train.size());
            int[] order = TrainingData.shuffledIndices(train.size(), random);
            double[][] x = new double[rows][];
            int[] y = new int[rows];
            for (int i = 0; i < rows; i++) {
                x[i] = train.x()[order[i]];
                y[i] = train.y()[order[i]];
            }
            root = Optional.of(new TrainingData(x, y, train.classes(), train.features()));
        }
        RobustFederatedAveraging.Settings s = new RobustFederatedAveraging.Settings(cmd.rounds, cmd.localEpochs,
                cmd.batchSize, cmd.learningRate, rule, groupSize, 0.1, secagg, cmd.clip, cmd.levelBits, cmd.tolerance);
        System.out.printf(Locale.ROOT, "%s, %d clients, %d train rows, %d test rows; aggregation %s over %s, secagg "
                + "%s%s%n", m.describe(), silos.size(), train.size(), test.size(), rule.name().toLowerCase(Locale.ROOT)
                .replace('_', '-'), groupSize <= 1 ? "single updates" : "random groups of at least " + groupSize,
                cmd.secagg, attack.map(a -> ", " + a.count(silos.size()) + " malicious (" + a.attack().name()
                        .toLowerCase(Locale.ROOT).replace('_', '-') + ")").orElse(""));
        RobustFederatedAveraging.Result result = RobustFederatedAveraging.run(m, silos, test, s, attack, root, random,
                r -> System.out.printf(Locale.ROOT, "round %3d: accuracy %.4f, %d inputs to the rule (%d holding an "
                        + "attacker), %.2f s%n", r.round(), r.testAccuracy(), r.inputs(), r.taintedInputs(),
                        r.seconds()));
        System.out.printf(Locale.ROOT, "federated accuracy %.4f after %d rounds%n",
                result.rounds().getLast().testAccuracy(), cmd.rounds);
        cmd.centralBaseline(m, train, test);
        return ExitCodes.OK;
    }
}
