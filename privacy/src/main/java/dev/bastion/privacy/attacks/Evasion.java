package dev.bastion.privacy.attacks;

import dev.bastion.privacy.train.Model;
import java.util.SplittableRandom;

/**
 * Evasion attacks on a differentiable classifier, bounded in L-infinity or L2 norm: FGSM (Goodfellow et al. 2015,
 * one signed gradient step of size epsilon) and PGD (Madry et al. 2018: steps of size alpha, each followed by a
 * projection onto the epsilon ball around the input, from a random start, best of several restarts). Inputs are not
 * clipped to a data range unless {@code bounds} is given (tabular features are standardised, images lie in [0, 1]).
 * Stateless apart from the random source.
 */
public final class Evasion {
    /** The threat model's norm. */
    public enum Norm { LINF, L2 }

    /**
     * PGD's settings.
     *
     * @param steps gradient steps per restart
     * @param stepSize alpha, as a fraction of epsilon
     * @param restarts random restarts (the first starts at the input itself)
     * @param bounds {lower, upper} every feature is clipped to, or null for none
     */
    public record Pgd(int steps, double stepSize, int restarts, double[] bounds) {
        public Pgd {
            if (steps < 1 || !(stepSize > 0) || restarts < 1) {
                throw new IllegalArgumentException("PGD needs at least one step and restart and a positive step");
            }
        }
    }

    private Evasion() {
    }

    /** FGSM: x + epsilon * sign(grad) (L-infinity) or x + epsilon * grad / |grad|_2 (L2). */
    public static double[] fgsm(Model model, double[] params, double[] x, int y, double epsilon, Norm norm,
            double[] bounds) {
        return fgsm(model, params, x, y, epsilon, norm, bounds, Constraints.none());
    }

    /** FGSM whose result is projected onto the feasible rows of {@code constraints}. */
    public static double[] fgsm(Model model, double[] params, double[] x, int y, double epsilon, Norm norm,
            double[] bounds, Constraints constraints) {
        double[] g = new double[x.length];
        model.inputGradient(params, x, y, g);
        double[] adv = x.clone();
        step(adv, g, epsilon, norm);
        clip(adv, bounds);
        constraints.project(adv, x, epsilon, norm);
        return adv;
    }

    /** PGD: the restart whose result has the highest loss (or that first flips the prediction). */
    public static double[] pgd(Model model, double[] params, double[] x, int y, double epsilon, Norm norm, Pgd s,
            SplittableRandom random) {
        return pgd(model, params, x, y, epsilon, norm, s, Constraints.none(), random);
    }

    /**
     * PGD with tabular constraints. The steps accumulate in a free iterate (projected onto the epsilon ball and the
     * bounds, as without constraints); after the random start and after every step a copy of it is projected onto
     * the feasible rows of {@code constraints}, and the gradient is taken there. Projecting the iterate itself
     * would undo every step smaller than the rounding it meets (a one-hot block moves only when one step shifts it
     * by half, an integer column when one step shifts it by half a unit), so the attack would be weaker for its
     * step size rather than for its constraints. Every row returned is feasible; the first feasible row that flips
     * the prediction is returned at once.
     */
    public static double[] pgd(Model model, double[] params, double[] x, int y, double epsilon, Norm norm, Pgd s,
            Constraints constraints, SplittableRandom random) {
        double[] best = feasible(x.clone(), x, epsilon, norm, constraints);
        double bestLoss = Double.NEGATIVE_INFINITY;
        double[] g = new double[x.length];
        boolean constrained = !constraints.isNone();
        for (int r = 0; r < s.restarts(); r++) {
            double[] free = x.clone();
            if (r > 0) {
                for (int j = 0; j < free.length; j++) {
                    free[j] += random.nextDouble(-1, 1) * epsilon / (norm == Norm.L2 ? Math.sqrt(free.length) : 1);
                }
                clip(free, s.bounds());
            }
            double[] adv = feasible(free, x, epsilon, norm, constraints);
            for (int k = 0; k < s.steps(); k++) {
                model.inputGradient(params, adv, y, g);
                step(free, g, s.stepSize() * epsilon, norm);
                project(free, x, epsilon, norm);
                clip(free, s.bounds());
                adv = feasible(free, x, epsilon, norm, constraints);
                if (constrained && model.predict(params, adv) != y) {
                    return adv;
                }
            }
            double loss = model.inputGradient(params, adv, y, g);
            if (model.predict(params, adv) != y) {
                return adv;
            }
            if (loss > bestLoss) {
                bestLoss = loss;
                best = adv;
            }
        }
        return best;
    }

    /**
     * Unconstrained PGD on every row of {@code xs}: element for element the rows {@link #pgd} returns row by row. With
     * one restart PGD draws no randomness, so rows are attacked in blocks of {@link #PGD_BLOCK}, each block's input
     * gradients in one batched call ({@link Model#batch}) and the blocks in parallel on the available cores. With
     * more restarts the rows go one at a time through {@link #pgd}, drawing from {@code random} in row order.
     */
    public static double[][] pgdAll(Model model, double[] params, double[][] xs, int[] ys, double epsilon, Norm norm,
            Pgd s, SplittableRandom random) {
        if (xs.length != ys.length) {
            throw new IllegalArgumentException("one label per row needed");
        }
        double[][] out = new double[xs.length][];
        if (s.restarts() != 1) {
            for (int i = 0; i < xs.length; i++) {
                out[i] = pgd(model, params, xs[i], ys[i], epsilon, norm, s, random);
            }
            return out;
        }
        int blocks = (xs.length + PGD_BLOCK - 1) / PGD_BLOCK;
        java.util.stream.IntStream.range(0, blocks).parallel().forEach(b -> {
            int from = b * PGD_BLOCK;
            int to = Math.min(xs.length, from + PGD_BLOCK);
            pgdBlock(model, params, xs, ys, from, to, epsilon, norm, s, out);
        });
        return out;
    }

    /** Rows per parallel task of {@link #pgdAll}. */
    static final int PGD_BLOCK = 64;

    /** The first restart of {@link #pgd} without constraints, for rows from..to, written into {@code out}. */
    private static void pgdBlock(Model model, double[] params, double[][] xs, int[] ys, int from, int to,
            double epsilon, Norm norm, Pgd s, double[][] out) {
        int m = to - from;
        double[][] adv = new double[m][];
        double[][] g = new double[m][];
        int[] y = new int[m];
        double[] loss = new double[m];
        for (int r = 0; r < m; r++) {
            adv[r] = xs[from + r].clone();
            g[r] = new double[adv[r].length];
            y[r] = ys[from + r];
        }
        dev.bastion.privacy.train.BatchGradients batch = model.batch();
        batch.load(params);
        for (int k = 0; k < s.steps(); k++) {
            batch.inputGradients(adv, y, 0, m, g, loss);
            for (int r = 0; r < m; r++) {
                step(adv[r], g[r], s.stepSize() * epsilon, norm);
                project(adv[r], xs[from + r], epsilon, norm);
                clip(adv[r], s.bounds());
            }
        }
        batch.inputGradients(adv, y, 0, m, g, loss);
        for (int r = 0; r < m; r++) {
            boolean flipped = model.predict(params, adv[r]) != y[r];
            // As pgd: a flipped row is returned; else the iterate if its loss compares (it is not NaN), else x.
            out[from + r] = flipped || loss[r] > Double.NEGATIVE_INFINITY ? adv[r] : xs[from + r].clone();
        }
    }

    /** {@code free} itself without constraints, else a projected copy of it. */
    private static double[] feasible(double[] free, double[] x, double epsilon, Norm norm, Constraints c) {
        if (c.isNone()) {
            return free;
        }
        double[] adv = free.clone();
        c.project(adv, x, epsilon, norm);
        return adv;
    }

    /**
     * Madry training's inner step: each training example replaced by its PGD example at {@code epsilon} against the
     * parameters of the moment. Draws random restarts from {@code random}, so not for concurrent use.
     */
    public static dev.bastion.privacy.train.DpSgd.Perturbation pgdTraining(Model model, double epsilon, Norm norm,
            Pgd settings, SplittableRandom random) {
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("adversarial training needs a positive epsilon");
        }
        return (params, x, y) -> pgd(model, params, x, y, epsilon, norm, settings, random);
    }

    private static void step(double[] x, double[] g, double size, Norm norm) {
        if (norm == Norm.LINF) {
            for (int j = 0; j < x.length; j++) {
                x[j] += size * Math.signum(g[j]);
            }
        } else {
            double n = 0;
            for (double v : g) {
                n += v * v;
            }
            n = Math.sqrt(n);
            if (n > 0) {
                for (int j = 0; j < x.length; j++) {
                    x[j] += size * g[j] / n;
                }
            }
        }
    }

    /** Moves {@code adv} back into the epsilon ball around {@code x}. */
    static void project(double[] adv, double[] x, double epsilon, Norm norm) {
        if (norm == Norm.LINF) {
            for (int j = 0; j < adv.length; j++) {
                adv[j] = Math.max(x[j] - epsilon, Math.min(x[j] + epsilon, adv[j]));
            }
        } else {
            double n = 0;
            for (int j = 0; j < adv.length; j++) {
                n += (adv[j] - x[j]) * (adv[j] - x[j]);
            }
            n = Math.sqrt(n);
            if (n > epsilon) {
                for (int j = 0; j < adv.length; j++) {
                    adv[j] = x[j] + (adv[j] - x[j]) * epsilon / n;
                }
            }
        }
    }

    private static void clip(double[] x, double[] bounds) {
        if (bounds != null) {
            for (int j = 0; j < x.length; j++) {
                x[j] = Math.max(bounds[0], Math.min(bounds[1], x[j]));
            }
        }
    }

    /** The share of {@code advs} (attacked rows) still classified as {@code ys}. */
    public static double accuracy(Model model, double[] params, double[][] advs, int[] ys) {
        int right = 0;
        for (int i = 0; i < advs.length; i++) {
            right += model.predict(params, advs[i]) == ys[i] ? 1 : 0;
        }
        return (double) right / advs.length;
    }

    /**
     * Accuracy on {@code xs} when every example is attacked with {@code attack} at {@code epsilon} (epsilon 0 =
     * clean accuracy).
     */
    public static double robustAccuracy(Model model, double[] params, double[][] xs, int[] ys,
            java.util.function.BiFunction<double[], Integer, double[]> attack) {
        int right = 0;
        for (int i = 0; i < xs.length; i++) {
            double[] adv = attack.apply(xs[i], ys[i]);
            right += model.predict(params, adv) == ys[i] ? 1 : 0;
        }
        return (double) right / xs.length;
    }
}
