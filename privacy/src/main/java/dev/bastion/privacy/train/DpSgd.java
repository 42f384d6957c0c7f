package dev.bastion.privacy.train;

import dev.bastion.privacy.accounting.Accounting;
import dev.bastion.privacy.accounting.PrivacyEvent;
import dev.bastion.privacy.accounting.RdpAccountant;
import dev.bastion.privacy.dp.DpRandom;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * DP-SGD (Abadi et al. 2016): each step takes a Poisson sample of the training set (every example independently
 * with probability q = batch / n), clips each example's gradient to L2 norm C, sums, adds N(0, (zC)²) to every
 * coordinate, divides by the expected batch size and takes a gradient step with momentum. The noise multiplier z is
 * the smallest that keeps the run within the target (ε, δ): found by RDP, then lowered by PLD accounting when the run
 * has at most 5,000 steps (PLD is tighter there, and affordable); the report states the tightest ε the standard
 * accountants prove for the run that happened. Non-private training (no
 * target) runs the same loop without clipping and noise, as the baseline.
 *
 * <p>Randomness: sampling and initialisation come from {@code random}; the noise from {@code noise}. Calls with
 * their own random sources may run on several threads at once.
 */
public final class DpSgd {

    /** Training settings; {@code epsilon} infinite means no privacy (the baseline). */
    public record Settings(int epochs, int batchSize, double learningRate, double momentum, double clipNorm,
            double epsilon, double delta) {
        public Settings {
            if (epochs < 1 || batchSize < 1 || !(learningRate > 0) || !(momentum >= 0 && momentum < 1)
                    || !(clipNorm > 0)) {
                throw new IllegalArgumentException("epochs, batch size, learning rate and clip norm must be positive "
                        + "and momentum in [0, 1)");
            }
            if (!(epsilon > 0)) {
                throw new IllegalArgumentException("epsilon must be positive (or infinite for no privacy)");
            }
            if (Double.isFinite(epsilon) && !(delta > 0 && delta < 1)) {
                throw new IllegalArgumentException("DP training needs delta in (0, 1), for example 1/n or less");
            }
        }

        public boolean isPrivate() {
            return Double.isFinite(epsilon);
        }
    }

    /** The trained parameters, the privacy report and how fast it went. */
    public record Result(double[] parameters, PrivacyReport report, long examplesProcessed, double seconds) {
        public double examplesPerSecond() {
            return examplesProcessed / Math.max(1e-9, seconds);
        }
    }

    private DpSgd() {
    }

    public static Result train(Model model, TrainingData data, Settings s, RandomGenerator random, DpRandom noise) {
        return train(model, data, s, random, noise, Perturbation.NONE);
    }

    /**
     * A change made to each sampled example before its gradient is taken, from the current parameters: adversarial
     * training (Madry et al. 2018) replaces every example by its PGD adversarial example. The change must depend on
     * that one example and the parameters only, so the per-example clipping and the privacy accounting still hold.
     */
    @FunctionalInterface
    public interface Perturbation {
        /** No change. */
        Perturbation NONE = (params, x, y) -> x;

        /** The example to train on in place of {@code x} (label {@code y}); must not modify {@code x}. */
        double[] apply(double[] params, double[] x, int y);
    }

    /** Trains like {@link #train(Model, TrainingData, Settings, RandomGenerator, DpRandom)} on perturbed examples. */
    public static Result train(Model model, TrainingData data, Settings s, RandomGenerator random, DpRandom noise,
            Perturbation perturbation) {
        int n = data.size();
        double q = Math.min(1.0, (double) s.batchSize() / n);
        long steps = Math.max(1, Math.round((double) s.epochs() * n / s.batchSize()));
        double z = s.isPrivate() ? noiseMultiplier(q, steps, s.epsilon(), s.delta()) : 0;
        double[] params = model.initialParameters(random);
        double[] velocity = new double[params.length];
        double[] sum = new double[params.length];
        double[] g = new double[params.length];
        double expectedBatch = q * n;
        long processed = 0;
        long start = System.nanoTime();
        // Without clipping (no privacy) and without perturbation the per-example gradients are only summed, so a
        // batched workspace sums them: the same sums, bit for bit (see BatchGradients), in a fraction of the time.
        boolean batched = !s.isPrivate() && perturbation == Perturbation.NONE;
        BatchGradients batch = batched ? model.batch() : null;
        int[] rows = batched ? new int[n] : null;
        for (long step = 0; step < steps; step++) {
            java.util.Arrays.fill(sum, 0);
            if (batched) {
                int count = 0;
                for (int i = 0; i < n; i++) {
                    if (q < 1 && random.nextDouble() >= q) {
                        continue;
                    }
                    rows[count++] = i;
                }
                batch.load(params);
                batch.addGradients(data.x(), data.y(), rows, count, sum);
                processed += count;
            }
            for (int i = 0; i < (batched ? 0 : n); i++) {
                if (q < 1 && random.nextDouble() >= q) {
                    continue;
                }
                model.gradient(params, perturbation.apply(params, data.x()[i], data.y()[i]), data.y()[i], g);
                processed++;
                double scale = 1;
                if (s.isPrivate()) {
                    double norm = 0;
                    for (double v : g) {
                        norm += v * v;
                    }
                    norm = Math.sqrt(norm);
                    scale = norm > s.clipNorm() ? s.clipNorm() / norm : 1;
                }
                for (int j = 0; j < g.length; j++) {
                    sum[j] += scale * g[j];
                }
            }
            double sigma = z * s.clipNorm();
            for (int j = 0; j < params.length; j++) {
                double update = (sum[j] + (s.isPrivate() ? sigma * noise.generator().nextGaussian() : 0)) / expectedBatch;
                velocity[j] = s.momentum() * velocity[j] + update;
                params[j] -= s.learningRate() * velocity[j];
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        PrivacyReport report;
        if (s.isPrivate()) {
            Accounting.Spent spent = spent(q, z, steps, s.delta());
            report = new PrivacyReport(spent.epsilon(), s.delta(), z, q, steps, s.clipNorm(), spent.accountant(), n,
                    "the feature encoding (category lists, means, standard deviations) is computed from the data");
        } else {
            report = new PrivacyReport(Double.POSITIVE_INFINITY, 0, 0, q, steps, 0, "none", n, "no privacy: baseline");
        }
        return new Result(params, report, processed, seconds);
    }

    /** Calibration inputs; the answer depends on nothing else, so it is computed once per distinct input. */
    private record Calibration(double q, long steps, double epsilon, double delta) {
    }

    /**
     * Calibrations already made in this process. An assessment trains a target and up to 16 reference models with
     * one recipe, and the PLD search below takes seconds each time (2026-12-06: most of a 440 s LiRA run at epsilon
     * 8 was spent here). Bounded: cleared when it grows past 256 entries.
     */
    private static final java.util.Map<Calibration, Double> CALIBRATED = new java.util.concurrent.ConcurrentHashMap<>();

    /** The smallest z (to 0.5%) with ε <= epsilon for {@code steps} Poisson-subsampled Gaussian steps. */
    public static double noiseMultiplier(double q, long steps, double epsilon, double delta) {
        return remembered(CALIBRATED, new Calibration(q, steps, epsilon, delta),
                c -> calibrate(c.q(), c.steps(), c.epsilon(), c.delta()));
    }

    /** What {@code steps} steps at noise z spend; as {@link #CALIBRATED}, computed once per distinct input. */
    private record Spending(double q, double z, long steps, double delta) {
    }

    private static final java.util.Map<Spending, Accounting.Spent> SPENT = new java.util.concurrent.ConcurrentHashMap<>();

    private static Accounting.Spent spent(double q, double z, long steps, double delta) {
        return remembered(SPENT, new Spending(q, z, steps, delta), k -> Accounting.standard().spent(
                List.of(new PrivacyEvent.SubsampledGaussian(k.q(), k.z(), k.steps())), k.delta()));
    }

    /** The cached answer for {@code key}, computed on a miss; a cache past 256 entries is emptied first. */
    private static <K, V> V remembered(java.util.Map<K, V> cache, K key, java.util.function.Function<K, V> compute) {
        V known = cache.get(key);
        if (known != null) {
            return known;
        }
        // Reference models train in parallel and all ask for the same calibration at once: one computes it, the
        // others wait for its answer instead of computing it again.
        synchronized (cache) {
            known = cache.get(key);
            if (known != null) {
                return known;
            }
            V value = compute.apply(key);
            if (cache.size() >= 256) {
                cache.clear();
            }
            cache.put(key, value);
            return value;
        }
    }

    private static double calibrate(double q, long steps, double epsilon, double delta) {
        double byRdp = noiseMultiplier(new RdpAccountant(), q, steps, epsilon, delta);
        if (steps > 5000) {
            return byRdp;
        }
        Accounting tightest = Accounting.standard();
        double lo = byRdp / 2;
        double hi = byRdp;
        while (hi / lo > 1.005) {
            double mid = Math.sqrt(lo * hi);
            if (tightest.spent(List.of(new PrivacyEvent.SubsampledGaussian(q, mid, steps)), delta).epsilon() > epsilon) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    private static double noiseMultiplier(RdpAccountant rdp, double q, long steps, double epsilon, double delta) {
        double lo = 0.2;
        double hi = 2;
        while (rdp.epsilon(List.of(new PrivacyEvent.SubsampledGaussian(q, hi, steps)), delta) > epsilon) {
            lo = hi;
            hi *= 2;
            if (hi > 1e4) {
                throw new IllegalArgumentException("epsilon " + epsilon + " is out of reach for these settings");
            }
        }
        while (hi / lo > 1.001) {
            double mid = Math.sqrt(lo * hi);
            if (rdp.epsilon(List.of(new PrivacyEvent.SubsampledGaussian(q, mid, steps)), delta) > epsilon) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }
}
