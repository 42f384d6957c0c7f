package dev.bastion.privacy.attacks;

import dev.bastion.privacy.train.Model;

/**
 * The Carlini-Wagner L2 attack (Carlini and Wagner 2017): the smallest L2 change that flips a prediction, found by
 * minimising |x' - x|_2^2 + c * max(z_y(x') - max_{t != y} z_t(x'), -kappa) with Adam, and a binary search over c
 * (the largest c that still fails is raised, the smallest that succeeds lowered). With {@code bounds} the input is
 * reparametrised as x' = lo + (hi - lo) (tanh(w) + 1) / 2, so x' stays in the box without clipping; without bounds w
 * is x' itself. Stateless and thread-safe.
 */
public final class CarliniWagner {
    /**
     * The attack's settings.
     *
     * @param searchSteps binary-search steps over c
     * @param iterations Adam steps per value of c
     * @param learningRate Adam's step size in w
     * @param initialC the first c tried
     * @param kappa the margin the adversarial class must win by (0: just across the boundary)
     * @param bounds {lower, upper} every feature lies in, or null for none
     */
    public record Settings(int searchSteps, int iterations, double learningRate, double initialC, double kappa,
            double[] bounds) {
        public Settings {
            if (searchSteps < 1 || iterations < 1 || !(learningRate > 0) || !(initialC > 0) || !(kappa >= 0)) {
                throw new IllegalArgumentException("C&W needs positive steps, learning rate and c, and kappa >= 0");
            }
            if (bounds != null && (bounds.length != 2 || !(bounds[1] > bounds[0]))) {
                throw new IllegalArgumentException("bounds are {lower, upper} with lower < upper");
            }
        }

        /**
         * The usual settings: 9 searches of 200 Adam steps from c = 0.1, kappa 0; the step is 0.05 / (upper - lower)
         * in w, about 0.025 in input units at the middle of any box (a fixed step in w would move wide boxes,
         * such as standardised features, in strides of whole units), or 0.025 without bounds.
         */
        public static Settings standard(double[] bounds) {
            return new Settings(9, 200, bounds == null ? 0.025 : 0.05 / (bounds[1] - bounds[0]), 0.1, 0, bounds);
        }
    }

    /**
     * The attack's outcome on one input.
     *
     * @param adversarial the closest misclassified point found, or the input itself when none was
     * @param success whether the model misclassifies {@code adversarial}
     * @param l2 |adversarial - x|_2 (infinite when no point was found)
     */
    public record Result(double[] adversarial, boolean success, double l2) {
        public Result {
            if (!(l2 >= 0)) {
                throw new IllegalArgumentException("a distance is non-negative");
            }
        }
    }

    private CarliniWagner() {
    }

    /** Attacks {@code x}, whose true class is {@code y}. */
    public static Result attack(Model model, double[] params, double[] x, int y, Settings s) {
        int d = x.length;
        double[] bounds = s.bounds();
        double lo = bounds == null ? 0 : bounds[0];
        double half = bounds == null ? 0 : (bounds[1] - bounds[0]) / 2;
        double[] w0 = new double[d];
        for (int j = 0; j < d; j++) {
            w0[j] = bounds == null ? x[j] : atanh(Math.max(-0.999999, Math.min(0.999999, (x[j] - lo) / half - 1)));
        }
        double c = s.initialC();
        double cLow = 0;
        double cHigh = Double.POSITIVE_INFINITY;
        double[] best = x.clone();
        double bestL2 = Double.POSITIVE_INFINITY;
        double[] gy = new double[d];
        double[] gt = new double[d];
        double[] xp = new double[d];
        for (int search = 0; search < s.searchSteps(); search++) {
            double[] w = w0.clone();
            double[] m = new double[d];
            double[] v = new double[d];
            boolean found = false;
            for (int it = 1; it <= s.iterations(); it++) {
                toInput(w, xp, lo, half, bounds != null);
                double[] p = model.probabilities(params, xp);
                int t = bestOther(p, y);
                // z_y - z_t = ln p_y - ln p_t, and d(-ln p_c)/dx is the cross-entropy input gradient for class c.
                double margin = Math.log(Math.max(1e-300, p[y])) - Math.log(Math.max(1e-300, p[t]));
                if (model.predict(params, xp) != y) {
                    found = true;
                    double l2 = distance(xp, x);
                    if (l2 < bestL2) {
                        bestL2 = l2;
                        best = xp.clone();
                    }
                }
                boolean active = margin > -s.kappa();
                if (active) {
                    model.inputGradient(params, xp, y, gy);
                    model.inputGradient(params, xp, t, gt);
                }
                double b1 = 1 - Math.pow(0.9, it);
                double b2 = 1 - Math.pow(0.999, it);
                for (int j = 0; j < d; j++) {
                    double g = 2 * (xp[j] - x[j]) + (active ? c * (gt[j] - gy[j]) : 0);
                    if (bounds != null) {
                        double th = (xp[j] - lo) / half - 1;
                        g *= (1 - th * th) * half;
                    }
                    m[j] = 0.9 * m[j] + 0.1 * g;
                    v[j] = 0.999 * v[j] + 0.001 * g * g;
                    w[j] -= s.learningRate() * (m[j] / b1) / (Math.sqrt(v[j] / b2) + 1e-9);
                }
            }
            toInput(w, xp, lo, half, bounds != null);
            if (model.predict(params, xp) != y && distance(xp, x) < bestL2) {
                bestL2 = distance(xp, x);
                best = xp.clone();
                found = true;
            }
            if (found) {
                cHigh = Math.min(cHigh, c);
            } else {
                cLow = Math.max(cLow, c);
            }
            c = Double.isInfinite(cHigh) ? c * 10 : (cLow + cHigh) / 2;
        }
        boolean success = Double.isFinite(bestL2);
        return new Result(best, success, success ? bestL2 : Double.POSITIVE_INFINITY);
    }

    private static void toInput(double[] w, double[] xp, double lo, double half, boolean boxed) {
        for (int j = 0; j < w.length; j++) {
            xp[j] = boxed ? lo + half * (Math.tanh(w[j]) + 1) : w[j];
        }
    }

    static int bestOther(double[] p, int y) {
        int t = y == 0 ? 1 : 0;
        for (int c = 0; c < p.length; c++) {
            if (c != y && p[c] > p[t]) {
                t = c;
            }
        }
        return t;
    }

    static double distance(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += (a[j] - b[j]) * (a[j] - b[j]);
        }
        return Math.sqrt(s);
    }

    private static double atanh(double v) {
        return 0.5 * Math.log((1 + v) / (1 - v));
    }
}
