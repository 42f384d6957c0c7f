package dev.bastion.privacy.fl;

import dev.bastion.crypto.SigningKey;
import dev.bastion.privacy.accounting.Accounting;
import dev.bastion.privacy.accounting.PrivacyEvent;
import dev.bastion.privacy.accounting.RdpAccountant;
import dev.bastion.privacy.dp.DiscreteGaussian;
import dev.bastion.privacy.dp.DpRandom;
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
 * User-level DP-FedAvg (McMahan, Ramage, Talwar and Zhang 2018, "Learning differentially private recurrent language
 * models", algorithm DP-FedAvg with the fixed-denominator estimator): every round each user takes part
 * independently with probability q (Poisson sampling); each sampled user trains locally from the global model and
 * clips its update to L2 norm C; the server adds Gaussian noise of standard deviation z·C to the sum and divides by
 * the expected number of users q·N, so one user's presence moves the sum by at most C whatever the others do.
 *
 * <p>{@link Mode#CENTRAL}: the server sees the clipped updates' sum and adds the noise (trusted server).
 * {@link Mode#DISTRIBUTED}: the sites add discrete Gaussian shares of the noise after a random rotation
 * ({@link DistributedDp}) and the server only ever holds the noisy modular sum, by secure aggregation (or, with
 * {@code secagg} OFF, by the same modular sum computed in the clear: the numbers are identical, the protocol cost is
 * skipped). Sites refuse to unmask when fewer than {@code minSurvivors} survive, the count the budget assumed, so the
 * noise actually present is never below the noise charged.
 *
 * <p>Not thread-safe.
 */
public final class DpFedAvg {

    public enum Mode { CENTRAL, DISTRIBUTED }

    /** The run's settings; {@code users} is N, {@code samplingRate} q. */
    public record Settings(int rounds, int localEpochs, int batchSize, double learningRate, double serverLearningRate,
            double clip, double samplingRate, double noiseMultiplier, Mode mode, int bits, double tolerance,
            double dropout, FederatedAveraging.SecureAggregation secagg) {
        public Settings {
            if (rounds < 1 || localEpochs < 1 || batchSize < 1 || !(learningRate > 0) || !(serverLearningRate > 0)
                    || !(clip > 0) || !(samplingRate > 0 && samplingRate <= 1) || !(noiseMultiplier > 0)
                    || !(tolerance >= 0 && tolerance < 0.5) || !(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("rounds, epochs, batch size, learning rates, clip and noise "
                        + "multiplier must be positive, the sampling rate in (0, 1], tolerance in [0, 0.5) and "
                        + "dropout in [0, 1)");
            }
            if (mode == Mode.DISTRIBUTED && (bits < 8 || bits > 62)) {
                throw new IllegalArgumentException("distributed DP needs 8 to 62 bits per coordinate, got " + bits);
            }
        }

        /** The survivors the budget assumes: ⌈q·N·(1 - tolerance)⌉, at least 1. */
        public int minSurvivors(int users) {
            return Math.max(1, (int) Math.ceil(samplingRate * users * (1 - tolerance) - 1e-9));
        }

        /** What the run spends, per the user-level privacy unit: R Poisson-subsampled Gaussian rounds. */
        public PrivacyEvent event() {
            return new PrivacyEvent.SubsampledGaussian(samplingRate, noiseMultiplier, rounds);
        }
    }

    /** ε at δ with sampling amplification (needs honest sampling) and without it (q = 1), by RDP and the tightest. */
    public record Guarantee(double delta, double epsilonRdp, double epsilonTightest, String tightestAccountant,
            double epsilonRdpWithoutSampling, double epsilonTightestWithoutSampling) {
    }

    /** One round: users sampled, survivors summed, the smallest noise multiplier present, accuracy after it. */
    public record RoundReport(int round, int sampled, int survivors, boolean refused, double noisePresent,
            double secondsTraining, double secondsAggregating, double testAccuracy) {
    }

    public record Result(double[] parameters, List<RoundReport> rounds) {
    }

    private DpFedAvg() {
    }

    /**
     * The smallest noise multiplier z (to 0.1%) whose R Poisson-subsampled rounds spend at most {@code epsilon} at
     * {@code delta} by the RDP accountant alone (the ledger's tightest accountant then reports no more than that).
     */
    public static double noiseMultiplierFor(double samplingRate, int rounds, double epsilon, double delta) {
        RdpAccountant rdp = new RdpAccountant();
        double lo = 0.05;
        double hi = 1;
        while (rdp.epsilon(List.of(new PrivacyEvent.SubsampledGaussian(samplingRate, hi, rounds)), delta) > epsilon) {
            lo = hi;
            hi *= 2;
            if (hi > 1e5) {
                throw new IllegalArgumentException("epsilon " + epsilon + " is out of reach for these settings");
            }
        }
        while (hi / lo > 1.001) {
            double mid = Math.sqrt(lo * hi);
            if (rdp.epsilon(List.of(new PrivacyEvent.SubsampledGaussian(samplingRate, mid, rounds)), delta) > epsilon) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    public static Guarantee guarantee(double samplingRate, double z, int rounds, double delta) {
        List<PrivacyEvent> sampled = List.of(new PrivacyEvent.SubsampledGaussian(samplingRate, z, rounds));
        List<PrivacyEvent> all = List.of(new PrivacyEvent.SubsampledGaussian(1, z, rounds));
        RdpAccountant rdp = new RdpAccountant();
        Accounting.Spent tight = Accounting.standard().spent(sampled, delta);
        Accounting.Spent tightAll = Accounting.standard().spent(all, delta);
        return new Guarantee(delta, rdp.epsilon(sampled, delta), tight.epsilon(), tight.accountant(),
                rdp.epsilon(all, delta), tightAll.epsilon());
    }

    /**
     * Runs the federation.
     *
     * @param random sampling, local training, rounding, dropouts and the public rotation seeds
     * @param noise the DP noise ({@link DpRandom#secure()} for anything released)
     */
    public static Result run(Model model, List<TrainingData> users, TrainingData test, Settings s,
            RandomGenerator random, DpRandom noise, Consumer<RoundReport> onRound) {
        int n = users.size();
        double expected = s.samplingRate() * n;
        int floor = s.minSurvivors(n);
        double[] params = model.initialParameters(random);
        FederatedAveraging.Settings local = new FederatedAveraging.Settings(1, s.localEpochs(), s.batchSize(),
                s.learningRate(), FederatedAveraging.SecureAggregation.OFF, 0, 1.0 / 3, 0, 1, 20, 1);
        SecureRandom secure = new SecureRandom();
        String federation = "dp-" + Long.toHexString(secure.nextLong());
        List<RoundReport> reports = new ArrayList<>();
        for (int round = 1; round <= s.rounds(); round++) {
            long t0 = System.nanoTime();
            List<double[]> clipped = new ArrayList<>();
            int sampled = 0;
            for (TrainingData user : users) {
                if (random.nextDouble() < s.samplingRate()) {
                    sampled++;
                    double[] update = FederatedAveraging.localUpdate(model, params, user, local, random);
                    if (random.nextDouble() >= s.dropout()) {
                        clipped.add(DistributedDp.clipToNorm(update, s.clip()));
                    }
                }
            }
            double trainSeconds = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            double[] noisySum;
            double present;
            if (s.mode() == Mode.CENTRAL) {
                noisySum = new double[params.length];
                for (double[] u : clipped) {
                    for (int j = 0; j < u.length; j++) {
                        noisySum[j] += u[j];
                    }
                }
                double sigma = s.noiseMultiplier() * s.clip();
                for (int j = 0; j < noisySum.length; j++) {
                    noisySum[j] += sigma * noise.generator().nextGaussian();
                }
                present = s.noiseMultiplier();
            } else if (clipped.size() < floor) {
                noisySum = null; // the sites refuse to unmask: fewer survivors than the budget assumed
                present = 0;
            } else {
                DistributedDp plan = DistributedDp.plan(params.length, s.clip(), s.bits(), s.noiseMultiplier(), floor,
                        Math.max(sampled, floor), random.nextLong());
                DiscreteGaussian share = new DiscreteGaussian(plan.siteVariance(), noise);
                List<long[]> encoded = new ArrayList<>();
                for (double[] u : clipped) {
                    encoded.add(plan.encode(u, random, share));
                }
                long[] sum = s.secagg() == FederatedAveraging.SecureAggregation.OFF ? plainSum(plan, encoded)
                        : secureSum(plan, encoded, floor, s, federation, round, secure);
                noisySum = sum == null ? null : plan.decode(sum);
                present = sum == null ? 0 : plan.effectiveNoiseMultiplier(clipped.size());
            }
            if (noisySum != null) {
                for (int j = 0; j < params.length; j++) {
                    params[j] += s.serverLearningRate() * noisySum[j] / expected;
                }
            }
            RoundReport r = new RoundReport(round, sampled, clipped.size(), noisySum == null, present, trainSeconds,
                    (System.nanoTime() - t1) / 1e9, model.accuracy(params, test));
            reports.add(r);
            onRound.accept(r);
        }
        return new Result(params, reports);
    }

    private static long[] plainSum(DistributedDp plan, List<long[]> encoded) {
        long[] sum = new long[plan.rotation().paddedDimensions()];
        for (long[] e : encoded) {
            plan.addInto(sum, e);
        }
        return sum;
    }

    /** The survivors' vectors through secure aggregation; null when the round aborts or the sites refuse. */
    static long[] secureSum(DistributedDp plan, List<long[]> encoded, int floor, Settings s, String federation,
            long round, SecureRandom secure) {
        int m = encoded.size();
        if (m < 3) {
            return null;
        }
        SecAggConfig config = SecAggConfig.full(federation, round, m, Math.max(s.tolerance(), 1.0 / m),
                plan.rotation().paddedDimensions(), plan.bits(), Duration.ofSeconds(60));
        Map<Integer, SigningKey> identities = new HashMap<>();
        Map<Integer, byte[]> roster = new HashMap<>();
        for (int u = 1; u <= m; u++) {
            identities.put(u, SigningKey.generate(SigningKey.Algorithm.ED25519));
            roster.put(u, identities.get(u).publicKeyX509());
        }
        List<SecAggClient> clients = new ArrayList<>();
        for (int u = 1; u <= m; u++) {
            clients.add(new SecAggClient(config, u, identities.get(u), roster, encoded.get(u - 1), secure)
                    .requireSurvivors(floor));
        }
        InProcessRound.Report r = InProcessRound.run(config, clients, InProcessRound.Dropout.NONE, msg -> { });
        return r.outcome() instanceof SecAggServer.Step.Done done ? done.sum() : null;
    }
}
