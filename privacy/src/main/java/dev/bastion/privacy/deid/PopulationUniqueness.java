package dev.bastion.privacy.deid;

import dev.bastion.privacy.accounting.Special;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * Estimates how many records of the population are unique on the quasi-identifiers, from a sample's class-size
 * histogram and the sampling fraction: Zayatz (1991), Pitman's sampling formula (Hoshino 2001) and the shifted
 * negative binomial (SNB, Chen and Keller-McNulty 1998), with the decision rule of Dankar, El Emam, Neisa and Roffey
 * (2012) choosing among them. Stateless.
 *
 * <p>The models, as implemented here (derivations in docs/deidentification.md):
 * <ul>
 *   <li>Zayatz: with c_j classes of size j in a sample of n from N, P(a sample unique is a population unique)
 *       = c_1 h(1) / sum_j c_j h(j), where h(j) = P(X = 1) for X hypergeometric (N, j successes, n draws); the
 *       estimate is c_1 times that probability divided by the sampling fraction.</li>
 *   <li>Pitman: the maximum-likelihood (theta, alpha) of Pitman's sampling formula for the observed partition,
 *       found by a grid over alpha with a bisection in theta and refined by Newton's method; the estimate is
 *       the model's expected number of singletons among N draws.</li>
 *   <li>SNB: population class sizes are 1 + NegBin(a, b); the number of population classes K comes from the
 *       Shlosser estimator, (a, b) solve E[c_1] = c_1 and E[c_2] = c_2 for the binomially thinned sample; the
 *       estimate is K b^a.</li>
 * </ul>
 * A model that does not converge, or gives a value outside [0, N], gives no estimate.
 */
public final class PopulationUniqueness {
    /** The models; {@code DANKAR} is the decision rule over the other three. */
    public enum Model { ZAYATZ, PITMAN, SNB }

    /**
     * One model's estimate.
     *
     * @param model the model that produced it
     * @param uniques the estimated number of population records unique on the quasi-identifiers
     * @param share {@code uniques / population}
     */
    public record Estimate(Model model, double uniques, double share) {
        public Estimate {
            if (!(uniques >= 0) || !(share >= 0 && share <= 1)) {
                throw new IllegalArgumentException("an estimate needs 0 <= uniques and 0 <= share <= 1");
            }
        }
    }

    /**
     * The estimates of every model that converged, and the one Dankar et al.'s rule picks.
     */
    public record Report(long population, double samplingFraction, Optional<Estimate> zayatz,
            Optional<Estimate> pitman, Optional<Estimate> snb, Optional<Estimate> chosen) {
    }

    private PopulationUniqueness() {
    }

    /** Estimates for a sample with class-size histogram {@code histogram} drawn from {@code population} records. */
    public static Report estimate(SortedMap<Integer, Integer> histogram, long population) {
        long n = 0;
        for (Map.Entry<Integer, Integer> e : histogram.entrySet()) {
            n += (long) e.getKey() * e.getValue();
        }
        if (population < n || n == 0) {
            throw new IllegalArgumentException("the population (" + population + ") must be at least the sample ("
                    + n + ") and the sample must not be empty");
        }
        double f = (double) n / population;
        int c1 = histogram.getOrDefault(1, 0);
        if (c1 == 0) {
            Optional<Estimate> none = Optional.of(new Estimate(Model.ZAYATZ, 0, 0));
            return new Report(population, f, none, Optional.of(new Estimate(Model.PITMAN, 0, 0)),
                    Optional.of(new Estimate(Model.SNB, 0, 0)), none);
        }
        Optional<Estimate> zayatz = valid(Model.ZAYATZ, zayatz(histogram, n, population), population);
        Optional<Estimate> pitman = valid(Model.PITMAN, pitman(histogram, n, population), population);
        Optional<Estimate> snb = valid(Model.SNB, snb(histogram, n, f), population);
        Optional<Estimate> chosen;
        if (f <= 0.1) {
            chosen = pitman.isPresent() ? pitman : zayatz;
        } else if (snb.isPresent() && zayatz.isPresent()) {
            chosen = zayatz.get().uniques() < snb.get().uniques() ? zayatz : snb;
        } else {
            chosen = zayatz.isPresent() ? zayatz : snb;
        }
        return new Report(population, f, zayatz, pitman, snb, chosen);
    }

    private static Optional<Estimate> valid(Model model, double uniques, long population) {
        if (!Double.isFinite(uniques) || uniques < 0 || uniques > population) {
            return Optional.empty();
        }
        return Optional.of(new Estimate(model, uniques, uniques / population));
    }

    /* Zayatz ---------------------------------------------------------------------------------------------------- */

    static double zayatz(SortedMap<Integer, Integer> histogram, long n, long population) {
        double numerator = histogram.get(1) * hypergeometricOne(population, 1, n);
        double denominator = 0;
        for (Map.Entry<Integer, Integer> e : histogram.entrySet()) {
            denominator += e.getValue() * hypergeometricOne(population, e.getKey(), n);
        }
        double conditional = numerator / denominator;
        return histogram.get(1) * conditional * population / n;
    }

    /** P(X = 1) for X hypergeometric: {@code successes} marked among {@code population}, {@code draws} drawn. */
    static double hypergeometricOne(long population, int successes, long draws) {
        if (successes > population || draws > population || population - successes < draws - 1) {
            return 0;
        }
        double log = Math.log(successes) + Special.logBinomial(population - successes, draws - 1)
                - Special.logBinomial(population, draws);
        return Math.exp(log);
    }

    /* Pitman ---------------------------------------------------------------------------------------------------- */

    static double pitman(SortedMap<Integer, Integer> histogram, long n, long population) {
        PitmanLikelihood l = new PitmanLikelihood(histogram, n);
        double bestAlpha = Double.NaN;
        double bestTheta = Double.NaN;
        double bestResidual = Double.POSITIVE_INFINITY;
        for (int step = 1; step < 40; step++) {
            double alpha = step / 40.0;
            double theta = l.thetaFor(alpha);
            double residual = Math.abs(l.dAlpha(theta, alpha));
            if (Double.isFinite(theta) && residual < bestResidual) {
                bestResidual = residual;
                bestAlpha = alpha;
                bestTheta = theta;
            }
        }
        if (Double.isNaN(bestAlpha)) {
            return Double.NaN;
        }
        double[] solved = l.newton(bestTheta, bestAlpha);
        if (solved == null) {
            return Double.NaN;
        }
        double theta = solved[0];
        double alpha = solved[1];
        // E[singletons among N draws] = N (theta + alpha)_(N-1) / (theta + 1)_(N-1), rising factorials (Pitman 2006,
        // section 3.3), exactly rather than its large-N form Gamma(theta + 1) / Gamma(theta + alpha) N^alpha.
        double n1 = population - 1.0;
        return Math.exp(Math.log(population) + Special.logGamma(theta + alpha + n1) - Special.logGamma(theta + alpha)
                + Special.logGamma(theta + 1) - Special.logGamma(theta + 1 + n1));
    }

    /** The score equations of Pitman's sampling formula for one observed partition. */
    private static final class PitmanLikelihood {
        private final int u;
        private final long n;
        private final int[] sizes;
        private final int[] counts;

        PitmanLikelihood(SortedMap<Integer, Integer> histogram, long n) {
            this.n = n;
            this.sizes = histogram.keySet().stream().mapToInt(Integer::intValue).toArray();
            this.counts = histogram.values().stream().mapToInt(Integer::intValue).toArray();
            int classes = 0;
            for (int c : counts) {
                classes += c;
            }
            this.u = classes;
        }

        /** d log L / d theta. */
        double dTheta(double theta, double alpha) {
            double s = 0;
            for (int i = 1; i < u; i++) {
                s += 1 / (theta + i * alpha);
            }
            for (long i = 1; i < n; i++) {
                s -= 1 / (theta + i);
            }
            return s;
        }

        /** d log L / d alpha. */
        double dAlpha(double theta, double alpha) {
            double s = 0;
            for (int i = 1; i < u; i++) {
                s += i / (theta + i * alpha);
            }
            for (int j = 0; j < sizes.length; j++) {
                double inner = 0;
                for (int k = 1; k < sizes[j]; k++) {
                    inner += 1 / (k - alpha);
                }
                s -= counts[j] * inner;
            }
            return s;
        }

        /** The theta in (-alpha, 1e12) where d log L / d theta = 0 for this alpha (it falls from +inf to < 0). */
        double thetaFor(double alpha) {
            double lo = -alpha + 1e-9;
            double hi = 1;
            while (dTheta(hi, alpha) > 0) {
                hi *= 2;
                if (hi > 1e12) {
                    return Double.NaN;
                }
            }
            for (int i = 0; i < 200 && hi - lo > 1e-10 * Math.max(1, Math.abs(hi)); i++) {
                double mid = (lo + hi) / 2;
                if (dTheta(mid, alpha) > 0) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            return (lo + hi) / 2;
        }

        /** Newton's method on both score equations; null when it leaves the domain or does not converge. */
        double[] newton(double theta, double alpha) {
            for (int iter = 0; iter < 100; iter++) {
                double g1 = dTheta(theta, alpha);
                double g2 = dAlpha(theta, alpha);
                if (Math.abs(g1) < 1e-9 && Math.abs(g2) < 1e-9) {
                    return new double[] {theta, alpha};
                }
                double h11 = 0;
                double h12 = 0;
                double h22 = 0;
                for (int i = 1; i < u; i++) {
                    double d = theta + i * alpha;
                    h11 -= 1 / (d * d);
                    h12 -= i / (d * d);
                    h22 -= (double) i * i / (d * d);
                }
                for (long i = 1; i < n; i++) {
                    h11 += 1 / ((theta + i) * (theta + i));
                }
                for (int j = 0; j < sizes.length; j++) {
                    double inner = 0;
                    for (int k = 1; k < sizes[j]; k++) {
                        inner += 1 / ((k - alpha) * (k - alpha));
                    }
                    h22 -= counts[j] * inner;
                }
                double det = h11 * h22 - h12 * h12;
                if (det == 0 || !Double.isFinite(det)) {
                    return null;
                }
                double dt = (h22 * g1 - h12 * g2) / det;
                double da = (h11 * g2 - h12 * g1) / det;
                double scale = 1;
                while (scale > 1e-6 && !inDomain(theta - scale * dt, alpha - scale * da)) {
                    scale /= 2;
                }
                if (scale <= 1e-6) {
                    return null;
                }
                theta -= scale * dt;
                alpha -= scale * da;
            }
            return null;
        }

        private static boolean inDomain(double theta, double alpha) {
            return alpha > 0 && alpha < 1 && theta > -alpha;
        }
    }

    /* SNB ------------------------------------------------------------------------------------------------------- */

    static double snb(SortedMap<Integer, Integer> histogram, long n, double f) {
        int c1 = histogram.getOrDefault(1, 0);
        int c2 = histogram.getOrDefault(2, 0);
        if (c2 == 0 || f >= 1) {
            return f >= 1 ? c1 : Double.NaN;
        }
        double k = shlosser(histogram, f);
        // Solve in unconstrained coordinates: a = exp(x) > 0, b = logistic(y) in (0, 1).
        double[] best = null;
        double bestNorm = Double.POSITIVE_INFINITY;
        for (double a0 : new double[] {0.1, 0.5, 1, 3}) {
            for (double b0 : new double[] {0.05, 0.3, 0.7}) {
                double[] xy = solveSnb(k, f, c1, c2, Math.log(a0), Math.log(b0 / (1 - b0)));
                if (xy != null) {
                    double[] r = snbResidual(k, f, c1, c2, xy[0], xy[1]);
                    double norm = Math.abs(r[0]) + Math.abs(r[1]);
                    if (norm < bestNorm) {
                        bestNorm = norm;
                        best = xy;
                    }
                }
            }
        }
        if (best == null || bestNorm > 1e-6 * (c1 + c2)) {
            return Double.NaN;
        }
        double a = Math.exp(best[0]);
        double b = 1 / (1 + Math.exp(-best[1]));
        return k * Math.pow(b, a);
    }

    /** The Shlosser estimate of the number of classes in the population (Haas and Stokes 1998, eq. for D_Sh). */
    static double shlosser(SortedMap<Integer, Integer> histogram, double f) {
        double u = 0;
        double num = 0;
        double den = 0;
        for (Map.Entry<Integer, Integer> e : histogram.entrySet()) {
            int i = e.getKey();
            int c = e.getValue();
            u += c;
            num += Math.pow(1 - f, i) * c;
            den += i * f * Math.pow(1 - f, i - 1) * c;
        }
        return u + histogram.getOrDefault(1, 0) * num / den;
    }

    /** Expected c_1 and c_2 minus the observed ones, at a = exp(x), b = logistic(y). */
    private static double[] snbResidual(double k, double f, double c1, double c2, double x, double y) {
        double a = Math.exp(x);
        double b = 1 / (1 + Math.exp(-y));
        double d = (1 - f) * (1 - b);
        double e1 = k * f * Math.pow(b / (1 - d), a) * (1 + a * d / (1 - d));
        double e2 = k * f * f / 2 * a * Math.pow(b, a) * (1 - b) * Math.pow(1 - d, -(a + 2)) * (2 - (1 - a) * d);
        return new double[] {e1 - c1, e2 - c2};
    }

    private static double[] solveSnb(double k, double f, double c1, double c2, double x, double y) {
        for (int iter = 0; iter < 200; iter++) {
            double[] r = snbResidual(k, f, c1, c2, x, y);
            if (!Double.isFinite(r[0]) || !Double.isFinite(r[1])) {
                return null;
            }
            if (Math.abs(r[0]) + Math.abs(r[1]) < 1e-9 * (c1 + c2)) {
                return new double[] {x, y};
            }
            double h = 1e-6;
            double[] rx = snbResidual(k, f, c1, c2, x + h, y);
            double[] ry = snbResidual(k, f, c1, c2, x, y + h);
            double j11 = (rx[0] - r[0]) / h;
            double j21 = (rx[1] - r[1]) / h;
            double j12 = (ry[0] - r[0]) / h;
            double j22 = (ry[1] - r[1]) / h;
            double det = j11 * j22 - j12 * j21;
            if (det == 0 || !Double.isFinite(det)) {
                return null;
            }
            double dx = (j22 * r[0] - j12 * r[1]) / det;
            double dy = (j11 * r[1] - j21 * r[0]) / det;
            double norm = Math.abs(r[0]) + Math.abs(r[1]);
            double scale = 1;
            while (scale > 1e-8) {
                double[] next = snbResidual(k, f, c1, c2, x - scale * dx, y - scale * dy);
                if (Double.isFinite(next[0]) && Double.isFinite(next[1])
                        && Math.abs(next[0]) + Math.abs(next[1]) < norm) {
                    break;
                }
                scale /= 2;
            }
            if (scale <= 1e-8) {
                return null;
            }
            x -= scale * dx;
            y -= scale * dy;
            if (Math.abs(x) > 50 || Math.abs(y) > 50) {
                return null;
            }
        }
        return null;
    }
}
