package dev.bastion.privacy.synth;

import java.util.List;

/**
 * Estimates a {@link GraphicalModel} from noisy marginals (post-processing, no privacy cost), after McKenna, Sheldon
 * and Miklau 2019, "Graphical-model based estimation and inference for differential privacy" (ICML; their
 * private-pgm code was read to learn the method, not copied). Not thread-safe; stateless between calls.
 *
 * <pre>
 * Every measured set must lie inside a clique of the tree. With μ(θ) the clique marginals of the model
 * P ∝ exp(Σ_C θ_C), scaled to the total N̂ (BeliefPropagation), the loss is
 *   L(μ) = ½ Σ_i ||M_i μ - y_i||² / σ_i²
 * (M_i sums the marginal of the clique holding measurement i onto its columns; inverse-variance weights, so a
 * measurement with half the noise counts four times as much). Its gradient on clique C is Σ_{i in C} (M_i μ - y_i) / σ_i²
 * spread back over the clique's cells. Mirror descent with the entropy as mirror map is a gradient step on the
 * log-potentials, θ ← θ - η ∇L(μ(θ)), whose image μ stays a consistent set of marginals. Step size by backtracking:
 * each iteration first doubles η, then halves it until the step decreases the loss by at least half the decrease
 * its gradient predicts, L(μ) - L(μ') ≥ ½ ⟨∇L(μ), μ - μ'⟩ (at most 30 halvings). The first η is min_i σ_i² / N̂:
 * the gradient grows as 1/σ² and a step that changes θ by a relative error needs η of order σ²/μ.
 * The total N̂ is fixed beforehand (NoisyMarginal.total), so the loss does not spend its effort on the scale.
 * </pre>
 */
final class MirrorDescent {

    /** The estimated model, the log-potentials it came from (to warm-start the next estimate) and its loss. */
    record Result(GraphicalModel model, double[][] potentials, double loss, int iterations) {
    }

    private MirrorDescent() {
    }

    /**
     * Runs {@code iterations} steps from {@code start} (log-potentials on {@code tree}'s cliques; {@code null} for
     * the uniform model).
     */
    static Result estimate(JunctionTree tree, List<NoisyMarginal> measurements, double total, double[][] start,
            int iterations) {
        BeliefPropagation bp = new BeliefPropagation(tree);
        int n = measurements.size();
        int[] clique = new int[n];
        int[][] map = new int[n][];
        double minVariance = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            NoisyMarginal m = measurements.get(i);
            clique[i] = tree.containing(m.attributes());
            if (clique[i] < 0) {
                throw new IllegalArgumentException("a measured set lies in no clique of the tree");
            }
            int[] c = tree.clique(clique[i]);
            map[i] = Factor.map(c, Factor.sizesOf(c, tree.domain()), m.attributes());
            minVariance = Math.min(minVariance, m.sigma() * m.sigma());
        }
        int k = tree.cliqueCount();
        double[][] theta = new double[k][];
        for (int c = 0; c < k; c++) {
            theta[c] = start != null ? start[c].clone() : new double[Math.toIntExact(tree.cells(c))];
        }
        double[][] mu = bp.beliefs(theta, total);
        double[][] gradient = new double[k][];
        double loss = lossAndGradient(measurements, clique, map, mu, gradient);
        double eta = minVariance / total;
        int done = 0;
        for (; done < iterations && loss > 0; done++) {
            eta *= 2;
            double[][] nextTheta = null;
            double[][] nextMu = null;
            double nextLoss = loss;
            for (int halving = 0; halving < 30; halving++) {
                nextTheta = new double[k][];
                for (int c = 0; c < k; c++) {
                    nextTheta[c] = theta[c].clone();
                    if (gradient[c] != null) {
                        for (int j = 0; j < nextTheta[c].length; j++) {
                            nextTheta[c][j] -= eta * gradient[c][j];
                        }
                    }
                }
                nextMu = bp.beliefs(nextTheta, total);
                nextLoss = loss(measurements, clique, map, nextMu);
                double predicted = 0;
                for (int c = 0; c < k; c++) {
                    if (gradient[c] != null) {
                        for (int j = 0; j < mu[c].length; j++) {
                            predicted += gradient[c][j] * (mu[c][j] - nextMu[c][j]);
                        }
                    }
                }
                if (loss - nextLoss >= 0.5 * predicted) {
                    break;
                }
                eta /= 2;
            }
            if (!(nextLoss < loss)) {
                break; // no step of any size helps: at the optimum up to rounding
            }
            theta = nextTheta;
            mu = nextMu;
            loss = lossAndGradient(measurements, clique, map, mu, gradient);
        }
        return new Result(new GraphicalModel(bp, mu, total), theta, loss, done);
    }

    /**
     * Log-potentials of {@code from} carried onto {@code to}, the same distribution: each clique's table added to a
     * clique of {@code to} that holds it (JunctionTree.with guarantees one does).
     */
    static double[][] carry(JunctionTree from, double[][] potentials, JunctionTree to) {
        double[][] out = new double[to.cliqueCount()][];
        for (int c = 0; c < out.length; c++) {
            out[c] = new double[Math.toIntExact(to.cells(c))];
        }
        for (int c = 0; c < from.cliqueCount(); c++) {
            int target = to.containing(from.clique(c));
            if (target < 0) {
                throw new IllegalArgumentException("the new tree does not hold an old clique");
            }
            int[] big = to.clique(target);
            int[] m = Factor.map(big, Factor.sizesOf(big, to.domain()), from.clique(c));
            for (int j = 0; j < m.length; j++) {
                out[target][j] += potentials[c][m[j]];
            }
        }
        return out;
    }

    private static double loss(List<NoisyMarginal> ms, int[] clique, int[][] map, double[][] mu) {
        return lossAndGradient(ms, clique, map, mu, null);
    }

    /** The loss; when {@code gradient} is given, fills it (null for cliques no measurement lies in). */
    private static double lossAndGradient(List<NoisyMarginal> ms, int[] clique, int[][] map, double[][] mu,
            double[][] gradient) {
        if (gradient != null) {
            java.util.Arrays.fill(gradient, null);
        }
        double loss = 0;
        for (int i = 0; i < ms.size(); i++) {
            NoisyMarginal m = ms.get(i);
            double[] projected = new double[m.counts().length];
            double[] b = mu[clique[i]];
            for (int j = 0; j < b.length; j++) {
                projected[map[i][j]] += b[j];
            }
            double variance = m.sigma() * m.sigma();
            for (int j = 0; j < projected.length; j++) {
                double diff = projected[j] - m.counts()[j];
                loss += 0.5 * diff * diff / variance;
                projected[j] = diff / variance;
            }
            if (gradient != null) {
                if (gradient[clique[i]] == null) {
                    gradient[clique[i]] = new double[b.length];
                }
                double[] g = gradient[clique[i]];
                for (int j = 0; j < b.length; j++) {
                    g[j] += projected[map[i][j]];
                }
            }
        }
        return loss;
    }
}
