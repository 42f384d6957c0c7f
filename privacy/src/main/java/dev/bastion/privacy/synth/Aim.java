package dev.bastion.privacy.synth;

import dev.bastion.privacy.accounting.PrivacyEvent;
import dev.bastion.privacy.dp.DpRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * AIM, the adaptive and iterative mechanism (McKenna, Mullins, Sheldon and Miklau 2022, "AIM: An Adaptive and
 * Iterative Mechanism for Differentially Private Synthetic Data", VLDB; the authors' private-pgm code was read to
 * learn the method, not copied), over the workload of all 2-way marginals, with the model kept a forest.
 *
 * <pre>
 * Budget ρ (zCDP, after the numeric bins), T = 16·d rounds planned, α = 0.9 of each round to measuring:
 *  σ = sqrt(T / (2αρ)),  ε = sqrt(2(1-α)ρ / T).
 * The selection is charged as pure ε-DP, which zCDP counts as ε²/2 (the paper uses the exponential mechanism's
 * bounded range, ε²/8; our accountants do not know that property, as for MST), so a round costs 1/(2σ²) + ε²/2.
 *  1. measure every 1-way marginal with σ (d/(2σ²) of ρ);
 *  2. each round: candidates are every 1-way marginal and every 2-way marginal that keeps the model a forest (an
 *     edge already in it, or a pair joining two trees). Candidate r scores
 *        w_r · ( ||M_r(x) - M_r(p̂)||_1 - sqrt(2/π)·σ·n_r )
 *     its L1 error under the current model minus the error its measurement would have (the expected L1 norm of
 *     n_r Gaussian noises), weighted by how much of the workload it touches, w_r = Σ_{s in W} |r ∩ s| (d-1 for a
 *     column, 2(d-1) for a pair). Sensitivity max_r w_r = 2(d-1); chosen with P ∝ exp(ε·score / (2·2(d-1))) as the
 *     arg max with Gumbel noise; measured with σ; the model re-estimated from all measurements (ForestModel);
 *  3. annealing: if the model's marginal on r moved by at most sqrt(2/π)·σ·n_r in L1 (the measurement told the
 *     model little beyond noise), σ halves and ε doubles (4x the budget per round);
 *  4. when what is left is less than two rounds, the last round spends exactly the rest (α of it on σ); the total
 *     is then exactly ρ, whatever the number of rounds.
 * Why a forest: AIM's model is a general graphical model estimated by mirror descent with junction-tree inference;
 * here every selected pair must keep the graph a forest, so the closed-form estimate of ForestModel is exact and
 * cheap. What is lost: once the tree spans the columns, AIM can only re-measure its edges and columns, never add a
 * pair that closes a cycle (and no size penalty is needed: a pair's table is the largest clique).
 * Adaptivity: the number of rounds and each round's (σ, ε) depend on the data through the annealing test; the
 * total is fixed at ρ and the composition of adaptively chosen zCDP mechanisms up to a fixed total is ρ-zCDP
 * (privacy filters: Feldman and Zrnic 2021; Whitehouse et al. 2023), as the AIM paper argues.
 * </pre>
 */
final class Aim {
    static final double ALPHA = 0.9;

    /** What a run measured and chose, the events it actually ran, and the model. */
    record Fit(ForestModel model, List<int[]> edges, List<ForestModel.Noisy> measurements,
            List<PrivacyEvent> events, int rounds) {
    }

    private Aim() {
    }

    static int plannedRounds(int columns) {
        return 16 * columns;
    }

    /** AIM on coded data with zCDP budget {@code rho} (the bins already paid for). */
    static Fit run(int[][] codes, int[] sizes, double rho, DpRandom random) {
        int d = sizes.length;
        int t = plannedRounds(d);
        double sigma = Math.sqrt(t / (2 * ALPHA * rho));
        double epsilon = Math.sqrt(2 * (1 - ALPHA) * rho / t);
        RandomGenerator g = random.generator();

        List<int[]> candidates = new ArrayList<>();
        List<double[]> truth = new ArrayList<>();
        for (int a = 0; a < d; a++) {
            candidates.add(new int[] {a});
            truth.add(Marginal.count(codes, sizes, a).counts());
        }
        for (int a = 0; a < d; a++) {
            for (int b = a + 1; b < d; b++) {
                candidates.add(new int[] {a, b});
                truth.add(Marginal.count(codes, sizes, a, b).counts());
            }
        }

        List<ForestModel.Noisy> measurements = new ArrayList<>();
        List<PrivacyEvent> events = new ArrayList<>();
        double used = 0;
        for (int a = 0; a < d; a++) {
            measurements.add(new ForestModel.Noisy(new int[] {a}, noisy(truth.get(a), sigma, random), sigma));
            events.add(new PrivacyEvent.Gaussian(sigma, true));
            used += 1 / (2 * sigma * sigma);
        }
        List<int[]> edges = new ArrayList<>();
        int[] tree = new int[d];
        for (int c = 0; c < d; c++) {
            tree[c] = c;
        }
        ForestModel model = ForestModel.estimate(sizes, edges, measurements);
        double sensitivity = 2.0 * (d - 1);
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

            int best = -1;
            double bestValue = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < candidates.size(); i++) {
                int[] r = candidates.get(i);
                if (r.length == 2 && tree[r[0]] == tree[r[1]] && !contains(edges, r)) {
                    continue; // would close a cycle
                }
                double[] estimate = model.marginal(r);
                double[] x = truth.get(i);
                double error = 0;
                for (int k = 0; k < x.length; k++) {
                    error += Math.abs(x[k] - estimate[k]);
                }
                double weight = r.length == 1 ? d - 1 : 2.0 * (d - 1);
                double score = weight * (error - Math.sqrt(2 / Math.PI) * sigma * x.length);
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
            measurements.add(new ForestModel.Noisy(r, noisy(truth.get(best), sigma, random), sigma));
            if (r.length == 2 && !contains(edges, r)) {
                edges.add(r);
                int from = tree[r[1]];
                for (int c = 0; c < d; c++) {
                    if (tree[c] == from) {
                        tree[c] = tree[r[0]];
                    }
                }
            }
            double[] before = model.marginal(r);
            model = ForestModel.estimate(sizes, edges, measurements);
            double[] after = model.marginal(r);
            double moved = 0;
            for (int k = 0; k < before.length; k++) {
                moved += Math.abs(after[k] - before[k]);
            }
            if (moved <= Math.sqrt(2 / Math.PI) * sigma * before.length) {
                sigma /= 2;
                epsilon *= 2;
            }
        }
        return new Fit(model, List.copyOf(edges), List.copyOf(measurements), List.copyOf(events), rounds);
    }

    private static boolean contains(List<int[]> edges, int[] r) {
        for (int[] e : edges) {
            if (e[0] == r[0] && e[1] == r[1]) {
                return true;
            }
        }
        return false;
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
