package dev.bastion.privacy.fl;

import dev.bastion.crypto.SigningKey;
import dev.bastion.privacy.fl.FederatedAveraging.SecureAggregation;
import dev.bastion.privacy.train.Model;
import dev.bastion.privacy.train.TrainingData;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * FedAvg with a robust aggregation rule ({@link RobustAggregation}) in place of the weighted mean, optionally under
 * attack ({@link Poisoning}). Robust rules need single updates; under secure aggregation the server never has one,
 * so with {@code groupSize} g > 1 the clients are dealt each round into random groups of at least g (as many groups
 * as fit), each group's example-weighted sum is taken (by SecAgg when {@code secagg} is FULL or PLUS, else the same
 * sum in the clear), and the rule runs over the group means. Random regrouping each round spreads attackers so that
 * most groups stay clean; the price is that the rule sees n/g inputs, not n.
 *
 * <p>Every client takes part in every round. Not thread-safe.
 */
public final class RobustFederatedAveraging {

    public record Settings(int rounds, int localEpochs, int batchSize, double learningRate,
            RobustAggregation.Rule rule, int groupSize, double byzantineFraction, SecureAggregation secagg, double clip,
            int levelBits, double tolerance) {
        public Settings {
            if (rounds < 1 || localEpochs < 1 || batchSize < 1 || !(learningRate > 0) || groupSize < 1
                    || !(byzantineFraction >= 0 && byzantineFraction < 0.5)) {
                throw new IllegalArgumentException("rounds, epochs, batch size, learning rate and group size must be "
                        + "positive and the assumed bad fraction in [0, 0.5)");
            }
            if (secagg != SecureAggregation.OFF && groupSize < 3) {
                throw new IllegalArgumentException("under secure aggregation the server never sees a single update: "
                        + "robust rules need --group-size of at least 3 (or --secagg off)");
            }
        }
    }

    /** One round: the inputs the rule saw, the groups holding an attacker, and the accuracy after it. */
    public record RoundReport(int round, int inputs, int taintedInputs, double seconds, double testAccuracy) {
    }

    public record Result(double[] parameters, List<RoundReport> rounds, int attackers) {
    }

    private RobustFederatedAveraging() {
    }

    /**
     * Runs the federation.
     *
     * @param root the server's clean root data (FLTrust only)
     */
    public static Result run(Model model, List<TrainingData> silos, TrainingData test, Settings s,
            Optional<Poisoning> attack, Optional<TrainingData> root, RandomGenerator random,
            Consumer<RoundReport> onRound) {
        int n = silos.size();
        if (s.groupSize() > n) {
            throw new IllegalArgumentException("the group size is larger than the number of clients");
        }
        if (s.rule() == RobustAggregation.Rule.FLTRUST && root.isEmpty()) {
            throw new IllegalArgumentException("FLTrust needs root data on the server");
        }
        // the attackers come from their own stream, so a run with and without them trains on the same draws
        RandomGenerator attackers0 = new java.util.SplittableRandom(random.nextLong());
        boolean[] bad = attack.map(a -> a.choose(n, attackers0)).orElse(new boolean[n]);
        int attackers = 0;
        for (boolean b : bad) {
            attackers += b ? 1 : 0;
        }
        double[] params = model.initialParameters(random);
        FederatedAveraging.Settings local = new FederatedAveraging.Settings(1, s.localEpochs(), s.batchSize(),
                s.learningRate(), SecureAggregation.OFF, 0, 1.0 / 3, 0, 1, 20, 1);
        RandomGenerator rounding = new java.util.SplittableRandom(random.nextLong());
        Map<Integer, SigningKey> identities = new HashMap<>();
        if (s.secagg() != SecureAggregation.OFF) {
            for (int u = 0; u < n; u++) {
                identities.put(u, SigningKey.generate(SigningKey.Algorithm.ED25519));
            }
        }
        SecureRandom secure = new SecureRandom();
        String federation = "robust-" + Long.toHexString(secure.nextLong());
        long maxCount = silos.stream().mapToLong(TrainingData::size).max().orElseThrow();
        List<RoundReport> reports = new ArrayList<>();
        long secaggRound = 0;
        for (int round = 1; round <= s.rounds(); round++) {
            long start = System.nanoTime();
            List<double[]> updates = new ArrayList<>();
            for (int u = 0; u < n; u++) {
                double[] update = FederatedAveraging.localUpdate(model, params, silos.get(u), local, random);
                updates.add(bad[u] ? attack.orElseThrow().poison(update) : update);
            }
            List<double[]> inputs = new ArrayList<>();
            List<Double> weights = new ArrayList<>();
            int tainted = 0;
            if (s.groupSize() <= 1) {
                for (int u = 0; u < n; u++) {
                    inputs.add(updates.get(u));
                    weights.add((double) silos.get(u).size());
                    tainted += bad[u] ? 1 : 0;
                }
            } else {
                for (int[] group : groups(n, s.groupSize(), random)) {
                    double[] sum;
                    long count;
                    if (s.secagg() == SecureAggregation.OFF) {
                        sum = new double[params.length];
                        count = 0;
                        for (int u : group) {
                            long w = silos.get(u).size();
                            for (int j = 0; j < sum.length; j++) {
                                sum[j] += w * updates.get(u)[j];
                            }
                            count += w;
                        }
                    } else {
                        Quantizer q = new Quantizer(s.clip(), s.levelBits(), Long.highestOneBit(maxCount) * 2,
                                group.length);
                        Optional<double[]> decoded = secureGroupSum(q, group, updates, silos, identities, federation,
                                secaggRound++, s.tolerance(), rounding, secure);
                        if (decoded.isEmpty()) {
                            continue; // the group's round aborted: it contributes nothing this round
                        }
                        double[] d = decoded.get();
                        sum = java.util.Arrays.copyOf(d, params.length);
                        count = Math.round(d[d.length - 1]);
                    }
                    if (count == 0) {
                        continue;
                    }
                    for (int j = 0; j < sum.length; j++) {
                        sum[j] /= count;
                    }
                    inputs.add(sum);
                    weights.add((double) count);
                    boolean hasBad = false;
                    for (int u : group) {
                        hasBad |= bad[u];
                    }
                    tainted += hasBad ? 1 : 0;
                }
            }
            if (!inputs.isEmpty()) {
                double[] rootUpdate = s.rule() == RobustAggregation.Rule.FLTRUST
                        ? FederatedAveraging.localUpdate(model, params, root.orElseThrow(), local, random) : null;
                double[] step = RobustAggregation.aggregate(s.rule(), inputs,
                        weights.stream().mapToDouble(Double::doubleValue).toArray(), s.byzantineFraction(), rootUpdate);
                for (int j = 0; j < params.length; j++) {
                    params[j] += step[j];
                }
            }
            RoundReport r = new RoundReport(round, inputs.size(), tainted, (System.nanoTime() - start) / 1e9,
                    model.accuracy(params, test));
            reports.add(r);
            onRound.accept(r);
        }
        return new Result(params, reports, attackers);
    }

    /** A random partition of 0..n-1 into floor(n/g) groups whose sizes differ by at most one (each at least g). */
    public static List<int[]> groups(int n, int g, RandomGenerator random) {
        int[] order = TrainingData.shuffledIndices(n, random);
        int k = n / g;
        List<int[]> out = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < k; i++) {
            int size = n / k + (i < n % k ? 1 : 0);
            out.add(java.util.Arrays.copyOfRange(order, from, from + size));
            from += size;
        }
        return out;
    }

    private static Optional<double[]> secureGroupSum(Quantizer q, int[] group, List<double[]> updates,
            List<TrainingData> silos, Map<Integer, SigningKey> identities, String federation, long round,
            double tolerance, RandomGenerator rounding, SecureRandom secure) {
        int m = group.length;
        int length = updates.getFirst().length + 1;
        SecAggConfig config = SecAggConfig.full(federation, round, m, tolerance, length, q.bits(),
                Duration.ofSeconds(60));
        Map<Integer, byte[]> roster = new HashMap<>();
        for (int i = 0; i < m; i++) {
            roster.put(i + 1, identities.get(group[i]).publicKeyX509());
        }
        List<SecAggClient> clients = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            int u = group[i];
            long[] x = q.encode(updates.get(u), silos.get(u).size(), rounding);
            clients.add(new SecAggClient(config, i + 1, identities.get(u), roster, x, secure));
        }
        InProcessRound.Report r = InProcessRound.run(config, clients, InProcessRound.Dropout.NONE, msg -> { });
        return r.outcome() instanceof SecAggServer.Step.Done done ? Optional.of(q.decode(done.sum()))
                : Optional.empty();
    }
}
