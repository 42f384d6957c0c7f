package dev.bastion.privacy.fairness.monitor;

import dev.bastion.privacy.attacks.ClopperPearson;
import dev.bastion.privacy.fairness.Confusion;
import java.util.ArrayList;
import java.util.List;

/**
 * The test of one closed window against its group's baseline. Stateless.
 *
 * <p>A window alerts on a metric when both hold: {@code |value - baseline| > bound}, and its Clopper-Pearson interval
 * at level {@code 1 - alpha} lies wholly above {@code baseline + bound} or wholly below {@code baseline - bound}.
 */
final class WindowCheck {
    /*
     * Why this controls false alerts. Say the group is stable: its true rate p is the baseline's. The interval misses
     * p on the high side with probability at most alpha/2 and on the low side at most alpha/2 (Clopper-Pearson is
     * conservative: "at most", not "about"). An alert needs the interval to clear baseline ± bound, farther from p
     * than p itself, so one test alerts with probability at most alpha when the baseline is exact. A window runs up
     * to G x M tests (groups times metrics); with alpha = falseAlertRate / (G x M) the union bound (Bonferroni) keeps
     * the chance that a stable window raises any alert at most falseAlertRate: 0.01 is at most one false alert per
     * 100 stable windows.
     *
     * The baseline is itself estimated, from baselineWindows x windowSize decisions, so it is off by about
     * sqrt(p(1-p) / (B x N)): 0.0067 for p = 0.1 on 4 x 500 decisions (fewer for FPR and TPR, whose denominators
     * are the negatives or positives only). The bound must be a few of those for the guarantee to hold in practice;
     * FairnessMonitorTest measures the false-alert rate by simulation instead of trusting the argument.
     *
     * Power. A window of n trials detects a shift to p' when the interval's lower end, about
     * p' - z sqrt(p'(1-p')/n) with z the normal quantile at 1 - alpha/2, clears baseline + bound. For the female FPR
     * doubling from 0.10 to 0.20 with 2 groups x 3 metrics (alpha = 0.01/6, z = 3.14) and about 350 negatives per
     * window of 500, the lower end sits near 0.13, so a bound of 0.01 or 0.02 detects it most windows and 0.05 does
     * not: a larger window or a smaller bound buys power, a smaller false-alert rate costs it. Simulated (30%
     * positive labels, TPR 0.8, 200 runs for detection, 2,000 stable windows; docs/assessments.md):
     *
     *   baseline windows  bound  FPR alert in window 1  within 2  stable windows that alerted
     *   4                 0.00   194/200                199/200   68/2000
     *   4                 0.02   167/200                190/200   12/2000
     *   8                 0.00   199/200                200/200   40/2000
     *   8                 0.01   184/200                197/200   10/2000   <- the defaults
     *   8                 0.02   163/200                188/200    2/2000
     *
     * With bound 0 the baseline's noise alone breaks the 1% target: the bound is what pays for estimating it.
     */
    private WindowCheck() {
    }

    static List<Alert> check(MonitorSettings settings, String group, long window, Confusion current, Confusion baseline,
            int groups) {
        double alpha = settings.alphaPerTest(groups);
        List<Alert> alerts = new ArrayList<>();
        for (WindowMetric metric : settings.metrics()) {
            long trials = metric.trials(current);
            long baseTrials = metric.trials(baseline);
            if (trials == 0 || baseTrials == 0) {
                continue;
            }
            double value = (double) metric.successes(current) / trials;
            double base = (double) metric.successes(baseline) / baseTrials;
            if (Math.abs(value - base) <= settings.bound()) {
                continue;
            }
            double[] ci = ClopperPearson.interval((int) metric.successes(current), (int) trials, alpha);
            double low = Math.min(ci[0], value);
            double high = Math.max(ci[1], value);
            if (low > base + settings.bound() || high < base - settings.bound()) {
                alerts.add(new Alert(settings.name(), group, metric, window, value, base, low, high, settings.bound()));
            }
        }
        return alerts;
    }

    /** The {@code 1 - alpha} interval of a metric in a window, for the status page; {NaN, NaN} without trials. */
    static double[] interval(WindowMetric metric, Confusion c, double alpha) {
        long trials = metric.trials(c);
        if (trials == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        return ClopperPearson.interval((int) metric.successes(c), (int) trials, alpha);
    }
}
