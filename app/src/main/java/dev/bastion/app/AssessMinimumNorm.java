package dev.bastion.app;

import dev.bastion.privacy.attacks.CarliniWagner;
import dev.bastion.privacy.attacks.Constraints;
import dev.bastion.privacy.attacks.HopSkipJump;
import dev.bastion.privacy.train.Model;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The minimum-norm part of {@code bastion assess robustness}: C&W L2 and HopSkipJump on the first rows, reported as
 * the median smallest flipping L2 change over the correctly classified rows, the success share, HopSkipJump's median
 * queries, and (under {@code --norm l2}) robust accuracy at each epsilon: a row counts as robust when it is classified
 * correctly and the attack found no flip within epsilon. A HopSkipJump median well below C&W's means the gradients
 * mislead (gradient masking), and the gradient attacks' figures overstate robustness.
 */
final class AssessMinimumNorm {
    private AssessMinimumNorm() {
    }

    static void run(Assessment a, Model model, double[] params, double[][] xs, int[] ys, int rows, int hsjIterations,
            double[] eps, long seed, StringBuilder summary) {
        run(a, model, params, xs, ys, rows, hsjIterations, eps, seed, summary, Constraints.none());
    }

    /**
     * As above; with constraints, each attack's result is also projected onto the feasible rows and reported as
     * {@code cw_constrained} and {@code hopskipjump_constrained} (a flip counts only if the feasible row still flips).
     */
    static void run(Assessment a, Model model, double[] params, double[][] xs, int[] ys, int rows, int hsjIterations,
            double[] eps, long seed, StringBuilder summary, Constraints c) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] x : xs) {
            for (double v : x) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        double[] bounds = hi > lo ? new double[] {lo, hi} : new double[] {lo - 1, lo + 1};
        double[] cw = new double[rows];
        double[] hsj = new double[rows];
        double[] cwFeasible = new double[rows];
        double[] hsjFeasible = new double[rows];
        long[] queries = new long[rows];
        boolean[] correct = new boolean[rows];
        SplittableRandom random = new SplittableRandom(seed + 5);
        int right = 0;
        for (int i = 0; i < rows; i++) {
            correct[i] = model.predict(params, xs[i]) == ys[i];
            if (!correct[i]) {
                continue;
            }
            right++;
            CarliniWagner.Result w = CarliniWagner.attack(model, params, xs[i], ys[i],
                    CarliniWagner.Settings.standard(bounds));
            cw[i] = w.l2();
            HopSkipJump.Result h = HopSkipJump.attack(x -> model.predict(params, x), xs[i], ys[i],
                    new HopSkipJump.Settings(hsjIterations, 100, bounds), random);
            hsj[i] = h.l2();
            queries[i] = h.queries();
            if (!c.isNone()) {
                cwFeasible[i] = c.feasibleFlipL2(x -> model.predict(params, x), xs[i], ys[i], w.adversarial(),
                        w.success());
                hsjFeasible[i] = c.feasibleFlipL2(x -> model.predict(params, x), xs[i], ys[i], h.adversarial(),
                        h.success());
            }
        }
        a.options().put("min_norm_rows", rows).put("hsj_iterations", hsjIterations);
        String[] names = c.isNone() ? new String[] {"cw", "hopskipjump"}
                : new String[] {"cw", "hopskipjump", "cw_constrained", "hopskipjump_constrained"};
        double[][] dists = {cw, hsj, cwFeasible, hsjFeasible};
        for (int k = 0; k < names.length; k++) {
            double[] d = correctOnly(dists[k], correct, right);
            double found = right == 0 ? Double.NaN : Arrays.stream(d).filter(Double::isFinite).count() / (double) right;
            a.metric("median_l2", median(d), null, "correct", null, names[k]);
            a.metric("success_rate", found, null, "correct", null, names[k]);
            summary.append(String.format(Locale.ROOT, "; %s median L2 %.4f (found %.3f)", names[k], median(d), found));
            if (eps.length > 0) {
                double[] curve = new double[eps.length];
                for (int e = 0; e < eps.length; e++) {
                    int robust = 0;
                    for (int i = 0; i < rows; i++) {
                        robust += correct[i] && !(dists[k][i] <= eps[e]) ? 1 : 0;
                    }
                    curve[e] = (double) robust / rows;
                    a.metric("accuracy", curve[e], null, names[k], eps[e], names[k]);
                }
                a.curve("robust_accuracy", names[k], null, eps, curve, 100);
            }
        }
        double[] q = new double[right];
        for (int i = 0, j = 0; i < rows; i++) {
            if (correct[i]) {
                q[j++] = queries[i];
            }
        }
        a.metric("median_queries", median(q), null, "correct", null, "hopskipjump");
    }

    private static double[] correctOnly(double[] v, boolean[] correct, int right) {
        double[] out = new double[right];
        for (int i = 0, j = 0; i < v.length; i++) {
            if (correct[i]) {
                out[j++] = v[i];
            }
        }
        return out;
    }

    private static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
