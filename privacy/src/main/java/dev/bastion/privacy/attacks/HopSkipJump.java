package dev.bastion.privacy.attacks;

import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * HopSkipJump (Chen, Jordan and Wainwright 2020), untargeted, L2: an evasion attack that sees only the predicted
 * label. It starts from a misclassified point (uniform noise in the bounds, or a blend towards it), and repeats:
 * binary search to the decision boundary between the input and the current point; estimate the boundary's normal
 * from the signs of B random probes (Monte Carlo, baseline-subtracted); step along it by a geometrically shrinking
 * size until still adversarial. Because it needs no gradient it is the check against gradient masking: a model
 * that resists PGD but not HopSkipJump hides its gradient rather than being robust. Not thread-safe per call (it
 * draws from {@code random}); the model is only queried.
 */
public final class HopSkipJump {
    /**
     * The attack's settings.
     *
     * @param iterations gradient-estimate and step rounds
     * @param initialProbes B_0, the probes of the first estimate (round t uses B_0 sqrt(t + 1), at most 10,000)
     * @param bounds {lower, upper} every feature lies in (needed for the random start)
     */
    public record Settings(int iterations, int initialProbes, double[] bounds) {
        public Settings {
            if (iterations < 1 || initialProbes < 2) {
                throw new IllegalArgumentException("HopSkipJump needs an iteration and at least two probes");
            }
            if (bounds == null || bounds.length != 2 || !(bounds[1] > bounds[0])) {
                throw new IllegalArgumentException("bounds are {lower, upper} with lower < upper");
            }
        }
    }

    /**
     * The attack's outcome on one input.
     *
     * @param adversarial the closest misclassified point found, or the input itself when none was
     * @param success whether a misclassified point was found
     * @param l2 |adversarial - x|_2 (infinite when none was found)
     * @param queries label queries spent
     */
    public record Result(double[] adversarial, boolean success, double l2, long queries) {
        public Result {
            if (!(l2 >= 0) || queries < 0) {
                throw new IllegalArgumentException("a distance and a query count are non-negative");
            }
        }
    }

    private HopSkipJump() {
    }

    /** Attacks {@code x}, whose true class is {@code y}, through {@code label}, which answers a predicted class. */
    public static Result attack(Function<double[], Integer> label, double[] x, int y, Settings s,
            SplittableRandom random) {
        int d = x.length;
        double lo = s.bounds()[0];
        double hi = s.bounds()[1];
        long[] queries = {0};
        java.util.function.Predicate<double[]> adversarial = p -> {
            queries[0]++;
            return label.apply(p) != y;
        };
        double[] start = null;
        for (int tries = 0; tries < 100 && start == null; tries++) {
            double[] r = new double[d];
            for (int j = 0; j < d; j++) {
                r[j] = random.nextDouble(lo, hi);
            }
            if (adversarial.test(r)) {
                start = r;
            }
        }
        if (start == null) {
            return new Result(x.clone(), false, Double.POSITIVE_INFINITY, queries[0]);
        }
        // theta: the binary search's tolerance and the probe radius's scale, gamma / d^(3/2) with gamma = 1.
        double theta = 1 / (d * Math.sqrt(d));
        double[] current = toBoundary(x, start, theta, adversarial);
        double dist = CarliniWagner.distance(current, x);
        for (int t = 1; t <= s.iterations(); t++) {
            int probes = (int) Math.min(10_000, s.initialProbes() * Math.sqrt(t));
            double delta = Math.sqrt(d) * theta * dist;
            double[] v = direction(current, delta, probes, lo, hi, adversarial, random);
            double xi = dist / Math.sqrt(t);
            double[] next = new double[d];
            boolean moved = false;
            for (int halvings = 0; halvings < 30; halvings++) {
                for (int j = 0; j < d; j++) {
                    next[j] = Math.max(lo, Math.min(hi, current[j] + xi * v[j]));
                }
                if (adversarial.test(next)) {
                    moved = true;
                    break;
                }
                xi /= 2;
            }
            if (!moved) {
                break;
            }
            double[] candidate = toBoundary(x, next, theta, adversarial);
            double candidateDist = CarliniWagner.distance(candidate, x);
            if (candidateDist < dist) {
                current = candidate;
                dist = candidateDist;
            }
        }
        return new Result(current, true, dist, queries[0]);
    }

    /** The unit estimate of the boundary's normal at {@code at}, pointing towards the adversarial side. */
    private static double[] direction(double[] at, double delta, int probes, double lo, double hi,
            java.util.function.Predicate<double[]> adversarial, SplittableRandom random) {
        int d = at.length;
        double[][] u = new double[probes][d];
        double[] phi = new double[probes];
        double mean = 0;
        double[] probe = new double[d];
        for (int b = 0; b < probes; b++) {
            double n = 0;
            for (int j = 0; j < d; j++) {
                u[b][j] = random.nextGaussian();
                n += u[b][j] * u[b][j];
            }
            n = Math.sqrt(n);
            for (int j = 0; j < d; j++) {
                u[b][j] /= n;
                probe[j] = Math.max(lo, Math.min(hi, at[j] + delta * u[b][j]));
                u[b][j] = delta > 0 ? (probe[j] - at[j]) / delta : u[b][j];
            }
            phi[b] = adversarial.test(probe) ? 1 : -1;
            mean += phi[b];
        }
        mean /= probes;
        double[] v = new double[d];
        for (int b = 0; b < probes; b++) {
            // All probes on one side: the baseline would cancel them, so fall back to the plain average.
            double w = Math.abs(mean) == 1 ? phi[b] : phi[b] - mean;
            for (int j = 0; j < d; j++) {
                v[j] += w * u[b][j];
            }
        }
        double n = 0;
        for (double e : v) {
            n += e * e;
        }
        n = Math.sqrt(n);
        if (n > 0) {
            for (int j = 0; j < d; j++) {
                v[j] /= n;
            }
        }
        return v;
    }

    /** Binary search on the segment from {@code x} (not adversarial) to {@code adv} (adversarial). */
    private static double[] toBoundary(double[] x, double[] adv, double tolerance,
            java.util.function.Predicate<double[]> adversarial) {
        double low = 0;
        double high = 1;
        double[] p = new double[x.length];
        while (high - low > tolerance) {
            double mid = (low + high) / 2;
            blend(x, adv, mid, p);
            if (adversarial.test(p)) {
                high = mid;
            } else {
                low = mid;
            }
        }
        blend(x, adv, high, p);
        return p;
    }

    private static void blend(double[] x, double[] adv, double a, double[] out) {
        for (int j = 0; j < x.length; j++) {
            out[j] = (1 - a) * x[j] + a * adv[j];
        }
    }
}
