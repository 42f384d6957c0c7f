package dev.bastion.privacy.attacks;

import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.train.DpSgd;
import dev.bastion.privacy.train.Model;
import dev.bastion.privacy.train.TrainingData;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A membership-inference game against a model recipe: a target model is trained on a random half of the rows, the
 * attacker trains reference models with the same recipe on other random halves, and three attacks score every row
 * (higher = "was in the target's training set"):
 *
 * <ul>
 *   <li>loss threshold (Yeom et al. 2018): the target's log-probability of the row's label;</li>
 *   <li>LiRA (Carlini et al. 2022): the target's logit-scaled confidence phi = ln(p / (1 - p)) compared with the
 *       reference models' phi for the same row, Gaussian fits of the models that trained on it (IN) and did not
 *       (OUT). Online: the log likelihood ratio of IN to OUT; offline: OUT only, the z-score of the target's phi.
 *       Per-row variances, or one pooled variance ({@code fixedVariance}) when references are few;</li>
 *   <li>RMIA (Zarifzadeh et al. 2024): the ratio of the target's probability of the label to its average over the
 *       reference models, ranked against the same ratio for every row of the population (a sorted array and a binary
 *       search, never a rows-by-population matrix).</li>
 * </ul>
 *
 * <p>Canaries: {@code canaries} rows are changed before anything is trained (half of them land in the target's half
 * like any row): given a wrong label, the usual worst case for memorisation, or a mix of difficulties
 * ({@link Canaries}). Deterministic for a given seed, whatever the number of cores
 * the models train on. Not thread-safe.
 */
public final class MembershipInference {

    /**
     * The game's settings.
     *
     * @param references reference models trained by the attacker
     * @param canaries rows made canaries
     * @param canaryRecipe how they are made
     * @param fixedVariance one pooled variance for LiRA instead of one per row
     * @param seed drives the splits, the canaries and training (the target's DP noise included)
     */
    public record Settings(int references, int canaries, Canaries.Recipe canaryRecipe, boolean fixedVariance,
            long seed) {
        public Settings {
            if (references < 2 || canaries < 0) {
                throw new IllegalArgumentException("at least 2 references, and no negative canary count");
            }
            Objects.requireNonNull(canaryRecipe, "canaryRecipe");
        }

        /** Mislabelled canaries. */
        public Settings(int references, int canaries, boolean fixedVariance, long seed) {
            this(references, canaries, Canaries.Recipe.MISLABELLED, fixedVariance, seed);
        }
    }

    /**
     * Every row's scores.
     *
     * @param member whether the row was in the target's training set
     * @param canary whether the row is a canary
     * @param canaryKind what was done to each row ({@link Canaries.Kind#NONE} for a row that is not a canary)
     * @param targetAccuracy the target's accuracy on the rows it did not train on
     */
    public record Scores(boolean[] member, boolean[] canary, Canaries.Kind[] canaryKind, double[] loss,
            double[] liraOnline, double[] liraOffline, double[] rmia, double targetAccuracy) {
        public Scores {
            Objects.requireNonNull(member, "member");
            Objects.requireNonNull(canaryKind, "canaryKind");
        }
    }

    /** A model shape for the data and the training settings: the recipe both target and references follow. */
    public interface Recipe {
        Model model(TrainingData data);

        DpSgd.Settings settings();
    }

    private MembershipInference() {
    }

    public static Scores run(TrainingData original, Recipe recipe, Settings s) {
        return run(original, recipe, s, Runtime.getRuntime().availableProcessors());
    }

    /** {@link #run(TrainingData, Recipe, Settings)} training the models on {@code threads} threads. */
    static Scores run(TrainingData original, Recipe recipe, Settings s, int threads) {
        SplittableRandom random = new SplittableRandom(s.seed());
        int n = original.size();
        Canaries.Planted planted = Canaries.plant(original, s.canaryRecipe(), s.canaries(), random);
        TrainingData data = planted.data();
        boolean[] canary = planted.canary();
        // Every split and seed is drawn first, in the order a one-model-at-a-time run drew them, then the 1 + K
        // models train on a pool of the available cores: the same models whatever the pool's size.
        boolean[] member = half(n, random);
        Model model = recipe.model(data);
        Job targetJob = Job.draw(member, random);
        boolean[][] refIn = new boolean[s.references()][];
        Job[] jobs = new Job[s.references() + 1];
        jobs[0] = targetJob;
        for (int k = 0; k < s.references(); k++) {
            refIn[k] = half(n, random);
            jobs[k + 1] = Job.draw(refIn[k], random);
        }
        double[][] trained = trainAll(model, data, jobs, recipe.settings(), threads);
        double[] target = trained[0];
        double[] targetP = trueClassProbability(model, target, data);
        double[][] refP = new double[s.references()][];
        for (int k = 0; k < s.references(); k++) {
            refP[k] = trueClassProbability(model, trained[k + 1], data);
        }
        double[] loss = new double[n];
        for (int i = 0; i < n; i++) {
            loss[i] = Math.log(targetP[i]);
        }
        double[][] lira = lira(targetP, refP, refIn, s.fixedVariance());
        double[] rmia = rmia(targetP, refP);
        int right = 0;
        int out = 0;
        for (int i = 0; i < n; i++) {
            if (!member[i]) {
                out++;
                right += model.predict(target, data.x()[i]) == data.y()[i] ? 1 : 0;
            }
        }
        return new Scores(member, canary, planted.kind(), loss, lira[0], lira[1], rmia, (double) right / Math.max(1, out));
    }

    private static boolean[] half(int n, SplittableRandom random) {
        boolean[] in = new boolean[n];
        int[] order = TrainingData.shuffledIndices(n, random);
        for (int i = 0; i < n / 2; i++) {
            in[order[i]] = true;
        }
        return in;
    }

    /** One model to train: its rows, and the randomness drawn for it (training order, then the DP noise seed). */
    private record Job(boolean[] rows, SplittableRandom training, long noiseSeed) {
        static Job draw(boolean[] rows, SplittableRandom random) {
            SplittableRandom training = random.split();
            return new Job(rows, training, random.nextLong());
        }
    }

    /** Trains every job, in parallel on up to {@code cores} threads; results in the jobs' order. */
    private static double[][] trainAll(Model model, TrainingData data, Job[] jobs, DpSgd.Settings settings,
            int cores) {
        int threads = Math.max(1, Math.min(jobs.length, cores));
        double[][] out = new double[jobs.length][];
        if (threads == 1) {
            for (int k = 0; k < jobs.length; k++) {
                out[k] = train(model, data, jobs[k], settings);
            }
            return out;
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            java.util.List<java.util.concurrent.Future<double[]>> futures = new java.util.ArrayList<>();
            for (Job job : jobs) {
                futures.add(pool.submit(() -> train(model, data, job, settings)));
            }
            for (int k = 0; k < jobs.length; k++) {
                out[k] = futures.get(k).get();
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while training the reference models", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("training a reference model failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static double[] train(Model model, TrainingData data, Job job, DpSgd.Settings settings) {
        boolean[] rows = job.rows();
        int count = 0;
        for (boolean b : rows) {
            count += b ? 1 : 0;
        }
        double[][] x = new double[count][];
        int[] y = new int[count];
        int j = 0;
        for (int i = 0; i < rows.length; i++) {
            if (rows[i]) {
                x[j] = data.x()[i];
                y[j++] = data.y()[i];
            }
        }
        TrainingData subset = new TrainingData(x, y, data.classes(), data.features());
        return DpSgd.train(model, subset, settings, job.training(), DpRandom.insecureSeeded(job.noiseSeed()))
                .parameters();
    }

    /** p(label | x) under {@code params}, for every row, kept away from 0 and 1. */
    static double[] trueClassProbability(Model model, double[] params, TrainingData data) {
        double[] p = new double[data.size()];
        double[] scratch = new double[model.parameters()];
        for (int i = 0; i < p.length; i++) {
            double loss = model.gradient(params, data.x()[i], data.y()[i], scratch);
            p[i] = Math.min(1 - 1e-12, Math.max(1e-12, Math.exp(-loss)));
        }
        return p;
    }

    static double logit(double p) {
        return Math.log(p) - Math.log1p(-p);
    }

    /** {online, offline} LiRA scores. */
    static double[][] lira(double[] targetP, double[][] refP, boolean[][] refIn, boolean fixedVariance) {
        int n = targetP.length;
        int refs = refP.length;
        double[] muIn = new double[n];
        double[] muOut = new double[n];
        double[] varIn = new double[n];
        double[] varOut = new double[n];
        double pooledIn = 0;
        double pooledOut = 0;
        long countIn = 0;
        long countOut = 0;
        for (int i = 0; i < n; i++) {
            double sIn = 0;
            double qIn = 0;
            double sOut = 0;
            double qOut = 0;
            int in = 0;
            int out = 0;
            for (int k = 0; k < refs; k++) {
                double phi = logit(refP[k][i]);
                if (refIn[k][i]) {
                    sIn += phi;
                    qIn += phi * phi;
                    in++;
                } else {
                    sOut += phi;
                    qOut += phi * phi;
                    out++;
                }
            }
            muIn[i] = in == 0 ? Double.NaN : sIn / in;
            muOut[i] = out == 0 ? Double.NaN : sOut / out;
            varIn[i] = in < 2 ? Double.NaN : Math.max(0, qIn / in - muIn[i] * muIn[i]) * in / (in - 1);
            varOut[i] = out < 2 ? Double.NaN : Math.max(0, qOut / out - muOut[i] * muOut[i]) * out / (out - 1);
            if (in >= 2) {
                pooledIn += varIn[i] * (in - 1);
                countIn += in - 1;
            }
            if (out >= 2) {
                pooledOut += varOut[i] * (out - 1);
                countOut += out - 1;
            }
        }
        double globalIn = countIn == 0 ? 1 : pooledIn / countIn;
        double globalOut = countOut == 0 ? 1 : pooledOut / countOut;
        double[] online = new double[n];
        double[] offline = new double[n];
        for (int i = 0; i < n; i++) {
            double phi = logit(targetP[i]);
            double vIn = fixedVariance || !(varIn[i] > 1e-12) ? globalIn : varIn[i];
            double vOut = fixedVariance || !(varOut[i] > 1e-12) ? globalOut : varOut[i];
            double mOut = Double.isNaN(muOut[i]) ? 0 : muOut[i];
            double mIn = Double.isNaN(muIn[i]) ? mOut : muIn[i];
            online[i] = logNormal(phi, mIn, vIn) - logNormal(phi, mOut, vOut);
            offline[i] = (phi - mOut) / Math.sqrt(Math.max(1e-12, vOut));
        }
        return new double[][] {online, offline};
    }

    private static double logNormal(double x, double mean, double variance) {
        double v = Math.max(1e-12, variance);
        return -0.5 * Math.log(2 * Math.PI * v) - (x - mean) * (x - mean) / (2 * v);
    }

    /**
     * RMIA with gamma = 1: the share of population rows z whose likelihood ratio p_target(z) / mean_ref p(z) is at
     * most the row's own. The population is every row of the game.
     */
    static double[] rmia(double[] targetP, double[][] refP) {
        int n = targetP.length;
        double[] ratio = new double[n];
        for (int i = 0; i < n; i++) {
            double mean = 0;
            for (double[] ref : refP) {
                mean += ref[i];
            }
            mean /= refP.length;
            ratio[i] = targetP[i] / mean;
        }
        double[] sorted = ratio.clone();
        Arrays.sort(sorted);
        double[] score = new double[n];
        for (int i = 0; i < n; i++) {
            int at = Arrays.binarySearch(sorted, ratio[i]);
            if (at < 0) {
                at = -at - 1;
            } else {
                while (at + 1 < n && sorted[at + 1] == ratio[i]) {
                    at++;
                }
                at++;
            }
            score[i] = (double) at / n;
        }
        return score;
    }
}
