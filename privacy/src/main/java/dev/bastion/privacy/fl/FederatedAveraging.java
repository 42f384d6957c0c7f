package dev.bastion.privacy.fl;

import dev.bastion.crypto.SigningKey;
import dev.bastion.privacy.fl.Messages.Stage;
import dev.bastion.privacy.train.Model;
import dev.bastion.privacy.train.TrainingData;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * FedAvg (McMahan et al. 2017) weighted by example counts, over the models of {@code privacy.train}, with the sum
 * taken in the clear ({@link SecureAggregation#OFF}, the baseline) or by secure aggregation (Bonawitz et al. or
 * SecAgg+) over the in-process transport. Each round every client trains {@code localEpochs} of minibatch SGD from
 * the global parameters; its update Δ_k and count n_k are quantised together ({@link Quantizer}); the server learns
 * only Σ n_k Δ_k and Σ n_k over the clients that survived, and moves the model by their ratio. A round whose secure
 * sum aborts (too many dropouts) is retried with fresh keys and a fresh round seed, up to {@code maxAttempts}.
 *
 * <p>Simulated dropout: each client, independently with probability {@code dropout}, vanishes at a stage drawn
 * uniformly from the five (before its upload when aggregation is in the clear). No single update ever leaves
 * this class. Not thread-safe.
 */
public final class FederatedAveraging {

    /**
     * How the sum is taken: in the clear; full SecAgg with fresh signed keys every round; SecAgg+; or full SecAgg on
     * the keys of a session ({@link SecAggSession}) that lasts until a round aborts, with no public-key operation in
     * the rounds after the first.
     */
    public enum SecureAggregation { OFF, FULL, PLUS, SESSION }

    /** The run's settings. */
    public record Settings(int rounds, int localEpochs, int batchSize, double learningRate, SecureAggregation secagg,
            double dropout, double tolerance, double corrupt, double clip, int levelBits, int maxAttempts) {
        public Settings {
            if (rounds < 1 || localEpochs < 1 || batchSize < 1 || !(learningRate > 0) || !(clip > 0)
                    || dropout < 0 || dropout >= 1 || !(tolerance > 0 && tolerance < 0.5) || corrupt < 0
                    || maxAttempts < 1) {
                throw new IllegalArgumentException("rounds, epochs, batch size, learning rate, clip and attempts must "
                        + "be positive, dropout in [0, 1) and tolerance in (0, 0.5)");
            }
        }
    }

    /**
     * One round: who took part, what it cost, and the model's accuracy after it. Seconds are wall time; CPU seconds
     * are the running thread's own CPU time (the worker threads of the server's mask removal are not in them).
     */
    public record RoundReport(int round, int attempts, List<String> abortedAttempts, int clients, int included,
            long totalCount, int bits, int neighbours, int threshold, List<InProcessRound.StageStats> stages,
            double trainSeconds, double aggregationSeconds, double bytesUpPerClient, double bytesDownPerClient,
            double testAccuracy, double trainCpuSeconds, double aggregationCpuSeconds) {
        public RoundReport {
            abortedAttempts = List.copyOf(abortedAttempts);
            stages = List.copyOf(stages);
        }
    }

    public record Result(double[] parameters, List<RoundReport> rounds) {
    }

    private FederatedAveraging() {
    }

    /**
     * Runs the federation.
     *
     * @param random local shuffling, initialisation, quantisation and the simulated dropouts; the protocol's keys
     *     and Shamir coefficients always come from a {@code SecureRandom}
     */
    public static Result run(Model model, List<TrainingData> silos, TrainingData test, Settings s,
            RandomGenerator random, Consumer<RoundReport> onRound) {
        int n = silos.size();
        if (n < 3 && s.secagg() != SecureAggregation.OFF) {
            throw new IllegalArgumentException("secure aggregation needs at least 3 clients");
        }
        double[] params = model.initialParameters(random);
        // rounding draws its own stream, so training and dropouts follow the same path with or without SecAgg
        RandomGenerator rounding = new java.util.SplittableRandom(random.nextLong());
        long maxCount = silos.stream().mapToLong(TrainingData::size).max().orElseThrow();
        Quantizer quantizer = new Quantizer(s.clip(), s.levelBits(), Long.highestOneBit(maxCount) * 2, n);
        Map<Integer, SigningKey> identities = new HashMap<>();
        Map<Integer, byte[]> roster = new HashMap<>();
        if (s.secagg() != SecureAggregation.OFF) {
            for (int u = 1; u <= n; u++) {
                identities.put(u, SigningKey.generate(SigningKey.Algorithm.ED25519));
                roster.put(u, identities.get(u).publicKeyX509());
            }
        }
        SecureRandom secure = new SecureRandom();
        String federation = "sim-" + Long.toHexString(secure.nextLong());
        long secaggRound = 0;
        Map<Integer, SecAggSession> sessions = new HashMap<>(); // SESSION: each client's keys, until a round aborts
        List<RoundReport> reports = new ArrayList<>();
        for (int round = 1; round <= s.rounds(); round++) {
            long trainStart = System.nanoTime();
            long trainCpuStart = cpuNanos();
            List<double[]> updates = new ArrayList<>();
            for (TrainingData silo : silos) {
                updates.add(localUpdate(model, params, silo, s, random));
            }
            double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
            double trainCpu = (cpuNanos() - trainCpuStart) / 1e9;
            List<String> aborted = new ArrayList<>();
            RoundReport report = null;
            for (int attempt = 1; attempt <= s.maxAttempts() && report == null; attempt++) {
                Stage[] dropAt = new Stage[n + 1];
                for (int u = 1; u <= n; u++) {
                    if (random.nextDouble() < s.dropout()) {
                        dropAt[u] = Stage.values()[random.nextInt(Stage.values().length)];
                    }
                }
                long aggStart = System.nanoTime();
                long aggCpuStart = cpuNanos();
                if (s.secagg() == SecureAggregation.OFF) {
                    double[] sum = new double[params.length];
                    long count = 0;
                    int included = 0;
                    for (int u = 1; u <= n; u++) {
                        if (dropAt[u] == null) {
                            long w = silos.get(u - 1).size();
                            for (int j = 0; j < sum.length; j++) {
                                sum[j] += w * updates.get(u - 1)[j];
                            }
                            count += w;
                            included++;
                        }
                    }
                    apply(params, sum, count);
                    double plainSeconds = (System.nanoTime() - aggStart) / 1e9;
                    double plainCpu = (cpuNanos() - aggCpuStart) / 1e9; // before the accuracy, as for SecAgg
                    double up = 4.0 * (params.length + 2); // float32 update and the count
                    report = new RoundReport(round, attempt, aborted, n, included, count, 32, n - 1, 0, List.of(),
                            trainSeconds, plainSeconds, up, 0, model.accuracy(params, test), trainCpu, plainCpu);
                    continue;
                }
                long thisRound = secaggRound++;
                SecAggConfig config = config(s, federation, thisRound, n, params.length + 1, quantizer.bits(), secure);
                if (s.secagg() == SecureAggregation.SESSION) {
                    if (sessions.isEmpty()) {
                        for (int u = 1; u <= n; u++) {
                            sessions.put(u, new SecAggSession(federation, thisRound, u, identities.get(u), roster));
                        }
                    }
                    config = config.inSession(sessions.get(1).keyRound());
                }
                List<SecAggClient> clients = new ArrayList<>();
                for (int u = 1; u <= n; u++) {
                    long[] x = quantizer.encode(updates.get(u - 1), silos.get(u - 1).size(), rounding);
                    clients.add(s.secagg() == SecureAggregation.SESSION
                            ? new SecAggClient(config, sessions.get(u), x, secure)
                            : new SecAggClient(config, u, identities.get(u), roster, x, secure));
                }
                InProcessRound.Report r = InProcessRound.run(config, clients,
                        (client, stage) -> dropAt[client] == stage, m -> { });
                double aggSeconds = (System.nanoTime() - aggStart) / 1e9;
                double aggCpu = (cpuNanos() - aggCpuStart) / 1e9;
                switch (r.outcome()) {
                    case SecAggServer.Step.Done done -> {
                        double[] decoded = quantizer.decode(done.sum());
                        long count = Math.round(decoded[decoded.length - 1]);
                        apply(params, java.util.Arrays.copyOf(decoded, params.length), count);
                        report = new RoundReport(round, attempt, aborted, n, done.included().size(), count,
                                config.bits(), config.holdersOf(1).size() - 1, config.threshold(), r.stages(),
                                trainSeconds, aggSeconds, (double) r.bytesUp() / n, (double) r.bytesDown() / n,
                                model.accuracy(params, test), trainCpu, aggCpu);
                    }
                    case SecAggServer.Step.Aborted a -> {
                        aborted.add("attempt " + attempt + ": " + a.reason());
                        sessions.clear(); // the retry opens a new session, with fresh keys, as a per-round retry has
                    }
                    default -> throw new IllegalStateException("the round ended without an outcome");
                }
            }
            if (report == null) {
                report = new RoundReport(round, s.maxAttempts(), aborted, n, 0, 0, quantizer.bits(), 0, 0, List.of(),
                        trainSeconds, 0, 0, 0, model.accuracy(params, test), trainCpu, 0);
            }
            reports.add(report);
            onRound.accept(report);
        }
        return new Result(params, reports);
    }

    private static SecAggConfig config(Settings s, String federation, long round, int n, int length, int bits,
            SecureRandom secure) {
        Duration timeout = Duration.ofSeconds(60);
        if (s.secagg() == SecureAggregation.PLUS) {
            SecAggPlusBounds.Choice c = SecAggPlusBounds.choose(n, s.corrupt(), s.tolerance(), 40, 20);
            if (!c.complete()) {
                byte[] seed = new byte[32];
                secure.nextBytes(seed); // public, drawn after the roster is fixed
                return SecAggConfig.plus(federation, round, n, c.k(), c.threshold(), s.tolerance(), seed, length,
                        bits, timeout);
            }
        }
        return SecAggConfig.full(federation, round, n, s.tolerance(), length, bits, timeout);
    }

    /** This thread's CPU time in nanoseconds (0 where the JVM does not measure it). */
    private static long cpuNanos() {
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        return bean.isCurrentThreadCpuTimeSupported() ? bean.getCurrentThreadCpuTime() : 0;
    }

    private static void apply(double[] params, double[] weightedSum, long count) {
        if (count <= 0) {
            return;
        }
        for (int j = 0; j < params.length; j++) {
            params[j] += weightedSum[j] / count;
        }
    }

    /**
     * The centralised baseline: the same minibatch SGD (learning rate, batch size) run for {@code epochs} over the
     * pooled rows from the same initial parameters; returns the parameters.
     */
    public static double[] central(Model model, TrainingData pooled, Settings s, int epochs, RandomGenerator random) {
        double[] start = model.initialParameters(random);
        Settings longer = new Settings(1, epochs, s.batchSize(), s.learningRate(), SecureAggregation.OFF, 0,
                s.tolerance(), s.corrupt(), s.clip(), s.levelBits(), 1);
        double[] delta = localUpdate(model, start, pooled, longer, random);
        for (int j = 0; j < start.length; j++) {
            start[j] += delta[j];
        }
        return start;
    }

    /** {@code localEpochs} of minibatch SGD from {@code global}; returns the change. */
    public static double[] localUpdate(Model model, double[] global, TrainingData data, Settings s, RandomGenerator random) {
        double[] w = global.clone();
        double[] g = new double[w.length];
        double[] batch = new double[w.length];
        int n = data.size();
        for (int epoch = 0; epoch < s.localEpochs(); epoch++) {
            int[] order = TrainingData.shuffledIndices(n, random);
            for (int from = 0; from < n; from += s.batchSize()) {
                int to = Math.min(n, from + s.batchSize());
                java.util.Arrays.fill(batch, 0);
                for (int i = from; i < to; i++) {
                    model.gradient(w, data.x()[order[i]], data.y()[order[i]], g);
                    for (int j = 0; j < w.length; j++) {
                        batch[j] += g[j];
                    }
                }
                double step = s.learningRate() / (to - from);
                for (int j = 0; j < w.length; j++) {
                    w[j] -= step * batch[j];
                }
            }
        }
        for (int j = 0; j < w.length; j++) {
            w[j] -= global[j];
        }
        return w;
    }
}
