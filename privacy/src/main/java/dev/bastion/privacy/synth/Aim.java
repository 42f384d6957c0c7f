package dev.bastion.privacy.synth;

import dev.bastion.privacy.accounting.PrivacyEvent;
import dev.bastion.privacy.dp.DpRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * AIM, the adaptive and iterative mechanism (McKenna, Mullins, Sheldon and Miklau 2022, "AIM: An Adaptive and
 * Iterative Mechanism for Differentially Private Synthetic Data", VLDB; the paper and private-pgm's aim.py were
 * read to learn the method, not copied), over the workload of all 2-way (or all 3-way) marginals, with a general
 * graphical model (GraphicalModel, estimated by MirrorDescent on a JunctionTree).
 *
 * <pre>
 * Budget ρ (zCDP, after the numeric bins), T = 16·d rounds planned, α = 0.9 of each round to measuring:
 *  σ = sqrt(T / (2αρ)),  ε = sqrt(2(1-α)ρ / T).
 * The selection is charged as pure ε-DP, which zCDP counts as ε²/2 (the paper uses the exponential mechanism's
 * bounded range, ε²/8; our accountants do not know that property, as for MST), so a round costs 1/(2σ²) + ε²/2.
 *  1. measure every 1-way marginal with σ (d/(2σ²) of ρ);
 *  2. each round: the candidates are the workload's downward closure (every set of 1 to k columns, k = 2 or 3)
 *     whose marginal fits the model: a set already inside a clique, or one whose junction tree after adding it
 *     stays within MAX_CELLS · (ρ spent so far, this round included) / ρ cells (the paper's growing limit; a
 *     model may become large only once enough budget has been spent to measure it). Candidate r scores
 *        w_r · ( ||M_r(x) - M_r(p̂)||_1 - sqrt(2/π)·σ·n_r )
 *     its L1 error under the current model minus the error its measurement would have (the expected L1 norm of
 *     n_r Gaussian noises), weighted by how much of the workload it touches, w_r = Σ_{s in W} |r ∩ s|.
 *     Sensitivity max_r w_r over all candidates; chosen with P ∝ exp(ε·score / (2·max w)) as the arg max with
 *     Gumbel noise; measured with σ; the junction tree grown to hold it (closing cycles when the data asks for
 *     them) and the model re-estimated from every measurement, warm-started from the last potentials;
 *  3. annealing: if the model's marginal on r moved by at most sqrt(2/π)·σ·n_r in L1 (the measurement told the
 *     model little beyond noise), σ halves and ε doubles (4x the budget per round);
 *  4. when what is left is less than two rounds, the last round spends exactly the rest (α of it on σ); the total
 *     is then exactly ρ, whatever the number of rounds. The final model gets FINAL_ITERATIONS of mirror descent.
 * MAX_CELLS: the paper allows 80 MB of float64 (10.5 million cells); estimation costs a few passes over the model
 * per mirror-descent iteration, hundreds of iterations per round, so we allow 2^20 cells (8 MB per table of
 * potentials), which keeps AIM at ε = 1 on Adult within the 60 s (docs/synthetic-data.md has the figures).
 * Adaptivity: the number of rounds and each round's (σ, ε) depend on the data through the annealing test; the
 * total is fixed at ρ and the composition of adaptively chosen zCDP mechanisms up to a fixed total is ρ-zCDP
 * (privacy filters: Feldman and Zrnic 2021; Whitehouse et al. 2023), as the AIM paper argues.
 * </pre>
 */
final class Aim {
    static final double ALPHA = 0.9;
    /** The largest junction tree, in cells over all clique tables. */
    static final long MAX_CELLS = 1L << 20;
    static final int ROUND_ITERATIONS = 100;
    static final int FINAL_ITERATIONS = 1000;

    /** What a run measured and chose (the sets of two or more columns, in order), the events it ran, the model. */
    record Fit(GraphicalModel model, List<int[]> chosen, List<NoisyMarginal> measurements, List<PrivacyEvent> events,
            int rounds) {
    }

    private Aim() {
    }

    static int plannedRounds(int columns) {
        return 16 * columns;
    }

    /** AIM on coded data with zCDP budget {@code rho} (the bins already paid for), workload of all k-way marginals. */
    static Fit run(int[][] codes, int[] sizes, double rho, int workload, DpRandom random) {
        return run(codes, sizes, rho, workload, MAX_CELLS, random);
    }

    /** As {@link #run(int[][], int[], double, int, DpRandom)} with a junction tree of at most {@code maxCells}. */
    static Fit run(int[][] codes, int[] sizes, double rho, int workload, long maxCells, DpRandom random) {
        if (workload < 2 || workload > 3 || workload > sizes.length) {
            throw new IllegalArgumentException("AIM's workload is all 2-way or all 3-way marginals");
        }
        int d = sizes.length;
        int t = plannedRounds(d);
        double sigma = Math.sqrt(t / (2 * ALPHA * rho));
        double epsilon = Math.sqrt(2 * (1 - ALPHA) * rho / t);
        RandomGenerator g = random.generator();

        List<int[]> candidates = subsets(d, workload);
        List<double[]> truth = new ArrayList<>();
        double[] weight = new double[candidates.size()];
        double sensitivity = 0;
        for (int i = 0; i < candidates.size(); i++) {
            int[] r = candidates.get(i);
            truth.add(Marginal.count(codes, sizes, r).counts());
            for (int[] s : candidates) {
                if (s.length == workload) {
                    weight[i] += Factor.intersection(r, s).length;
                }
            }
            sensitivity = Math.max(sensitivity, weight[i]);
        }

        List<NoisyMarginal> measurements = new ArrayList<>();
        List<PrivacyEvent> events = new ArrayList<>();
        double used = 0;
        for (int a = 0; a < d; a++) {
            measurements.add(new NoisyMarginal(new int[] {a}, noisy(truth.get(a), sigma, random), sigma));
            events.add(new PrivacyEvent.Gaussian(sigma, true));
            used += 1 / (2 * sigma * sigma);
        }
        JunctionTree tree = JunctionTree.independent(sizes);
        double total = NoisyMarginal.total(measurements);
        MirrorDescent.Result fit = MirrorDescent.estimate(tree, measurements, total, null, ROUND_ITERATIONS);
        List<int[]> chosen = new ArrayList<>();
        long[] hypothetical = null; // per candidate: the size of the tree that would hold it
        int rounds = 0;
        boolean last = false;
        while (!last) {
            double left = rho - used;
            if (left < 2 * (1 / (2 * sigma * sigma) + epsilon * epsilon / 2)) {
                sigma = Math.sqrt(1 / (2 * ALPHA * left));
                epsilon = Math.sqrt(2 * (1 - ALPHA) * left);
                last = true;
            }
            used += 1 / (2 * sigma * sigma) + epsilon * epsilon / 2;
            rounds++;

            long limit = (long) (maxCells * Math.min(1, used / rho));
            GraphicalModel model = fit.model();
            if (hypothetical == null) {
                hypothetical = new long[candidates.size()];
                for (int i = 0; i < hypothetical.length; i++) {
                    int[] r = candidates.get(i);
                    hypothetical[i] = tree.containing(r) >= 0 ? tree.size() : tree.with(r).size();
                }
            }
            int best = -1;
            double bestValue = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < candidates.size(); i++) {
                int[] r = candidates.get(i);
                if (hypothetical[i] > Math.max(limit, tree.size())) {
                    continue;
                }
                double[] estimate = model.marginal(r);
                double[] x = truth.get(i);
                double error = 0;
                for (int k = 0; k < x.length; k++) {
                    error += Math.abs(x[k] - estimate[k]);
                }
                double score = weight[i] * (error - Math.sqrt(2 / Math.PI) * sigma * x.length);
                double u = g.nextDouble();
                double value = epsilon * score / (2 * sensitivity) - Math.log(-Math.log(u > 0 ? u : Double.MIN_VALUE));
                if (value > bestValue) {
                    bestValue = value;
                    best = i;
                }
            }
            int[] r = candidates.get(best);
            events.add(new PrivacyEvent.PureDp(epsilon));
            events.add(new PrivacyEvent.Gaussian(sigma, true));
            measurements.add(new NoisyMarginal(r, noisy(truth.get(best), sigma, random), sigma));
            if (r.length > 1) {
                chosen.add(r);
            }
            double[] before = model.marginal(r);
            JunctionTree grown = tree.with(r);
            if (grown != tree) {
                hypothetical = null; // the sizes of the trees each candidate would make change with the tree
            }
            double[][] start = grown == tree ? fit.potentials() : MirrorDescent.carry(tree, fit.potentials(), grown);
            tree = grown;
            total = NoisyMarginal.total(measurements);
            fit = MirrorDescent.estimate(tree, measurements, total, start, last ? FINAL_ITERATIONS : ROUND_ITERATIONS);
            double[] after = fit.model().marginal(r);
            double moved = 0;
            for (int k = 0; k < before.length; k++) {
                moved += Math.abs(after[k] - before[k]);
            }
            if (moved <= Math.sqrt(2 / Math.PI) * sigma * before.length) {
                sigma /= 2;
                epsilon *= 2;
            }
        }
        return new Fit(fit.model(), List.copyOf(chosen), List.copyOf(measurements), List.copyOf(events), rounds);
    }

    /** Every set of 1 to k of the d columns, increasing, the smaller sets first. */
    static List<int[]> subsets(int d, int k) {
        List<int[]> out = new ArrayList<>();
        for (int size = 1; size <= k; size++) {
            int[] s = new int[size];
            for (int i = 0; i < size; i++) {
                s[i] = i;
            }
            while (true) {
                out.add(s.clone());
                int i = size - 1;
                while (i >= 0 && s[i] == d - size + i) {
                    i--;
                }
                if (i < 0) {
                    break;
                }
                s[i]++;
                for (int j = i + 1; j < size; j++) {
                    s[j] = s[j - 1] + 1;
                }
            }
        }
        return out;
    }

    static double[] noisy(double[] counts, double sigma, DpRandom random) {
        var noise = dev.bastion.privacy.dp.Noise.gaussianWithMultiplier(1, sigma, random);
        double[] out = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            out[i] = noise.addTo(counts[i]);
        }
        return out;
    }
}
