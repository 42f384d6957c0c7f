package dev.bastion.privacy.synth;

import dev.bastion.privacy.accounting.PrivacyEvent;
import dev.bastion.privacy.accounting.ZcdpAccountant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a synthesis spends (ε, δ), fixed from the method, the domain's shape and the budget alone, so the ledger can
 * be charged before the data is touched. Immutable.
 *
 * <pre>
 * ρ is the largest zCDP parameter whose (ε, δ) conversion (ZcdpAccountant, the ledger's own) stays within ε at δ.
 * With k numeric columns, 10% of ρ goes to their DP bins (ρ/10k each). The rest, ρ':
 *  independent: all d 1-way marginals, each measured with Gaussian noise z1 = sqrt(d / (2ρ')) (L2 sensitivity 1).
 *  mst (McKenna, Sheldon and Miklau 2021, section 3): a third each to
 *   - the d 1-way marginals, z1 = sqrt(3d / (2ρ'));
 *   - choosing d-1 tree edges, each by the exponential mechanism with ε_em = sqrt(2(ρ'/3) / (d-1)). The ledger
 *     records each choice as pure ε_em-DP, which zCDP counts as ε_em²/2; the bounded-range analysis MST uses
 *     (ε²/8, Cesar and Rogers 2021) would allow twice the ε_em, but the accountants here do not know it, so we
 *     spend the budget they can prove;
 *   - the d-1 chosen 2-way marginals, z2 = sqrt(3(d-1) / (2ρ')).
 *  aim (Aim, workload of all 2-way or all 3-way marginals): ρ' spent over rounds whose number and noise depend on the data (annealing), always exactly ρ' in
 *   total. The ledger must be charged before the data is touched, so AIM is charged as one Approximate(ε, δ)
 *   event: sound under every accountant (each adds it by basic composition), and no tighter than the zCDP
 *   conversion that chose ρ. The oneWay/twoWay multipliers and selectionEpsilon of the plan are the first rounds'.
 * </pre>
 */
public record SynthesisPlan(Method method, double epsilon, double delta, double rho, int columns, int numericColumns,
        int bins, double binMultiplier, double oneWayMultiplier, double selectionEpsilon, double twoWayMultiplier,
        int workload) {

    /** The synthesis methods. */
    public enum Method {
        MST, AIM, INDEPENDENT;

        public static Method parse(String s) {
            return switch (s.strip().toLowerCase(Locale.ROOT)) {
                case "mst" -> MST;
                case "independent" -> INDEPENDENT;
                case "aim" -> AIM;
                default -> throw new IllegalArgumentException("unknown method '" + s + "'; use mst, aim or "
                        + "independent");
            };
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Bins per numeric column unless told otherwise. 32, not 8: values are sampled uniformly inside their bin, so bins
     * coarser than the evaluation's deciles put sampled values in the wrong decile. On Adult at ε = 1 (seed 1, all
     * rows) 2-way TV went from 0.0810 to 0.0425 for MST and from 0.1167 to 0.0800 for independent marginals;
     * noise-free independent from 0.1154 to 0.0786, beside the 0.0778 of independent columns sampled from the exact
     * 1-way marginals (docs/synthetic-data.md).
     */
    public static final int DEFAULT_BINS = 32;

    /** Share of ρ spent on the bins of numeric columns (when there are any). */
    static final double BIN_SHARE = 0.1;

    public SynthesisPlan {
        if (!(epsilon > 0) || Double.isInfinite(epsilon) || !(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("synthesis needs a finite epsilon > 0 and delta in (0, 1)");
        }
        if (columns < 2 || bins < 2 || bins > 64) {
            throw new IllegalArgumentException("synthesis needs two or more columns and 2 to 64 bins");
        }
        if (workload != 2 && (method != Method.AIM || workload != 3 || columns < 3)) {
            throw new IllegalArgumentException("the workload is 2 (all 2-way marginals), or 3 (all 3-way marginals) "
                    + "for aim on three or more columns");
        }
    }

    /** The plan for {@code method} on {@code domain} within (ε, δ), numeric columns cut into {@code bins} bins. */
    public static SynthesisPlan of(Method method, Domain domain, double epsilon, double delta, int bins) {
        return of(method, domain, epsilon, delta, bins, 2);
    }

    /**
     * The plan as {@link #of(Method, Domain, double, double, int)}, for AIM with the workload of all
     * {@code workload}-way marginals (2 or 3; the other methods take 2). The charge does not depend on it.
     */
    public static SynthesisPlan of(Method method, Domain domain, double epsilon, double delta, int bins,
            int workload) {
        double rho = rho(epsilon, delta);
        int d = domain.size();
        int k = (int) domain.attributes().stream().filter(a -> a instanceof Domain.Numeric).count();
        double binRho = k > 0 ? BIN_SHARE * rho : 0;
        double rest = rho - binRho;
        double zBins = k > 0 ? Math.sqrt(k / (2 * binRho)) : 0;
        return switch (method) {
            case INDEPENDENT -> new SynthesisPlan(method, epsilon, delta, rho, d, k, bins, zBins,
                    Math.sqrt(d / (2 * rest)), 0, 0, workload);
            case MST -> new SynthesisPlan(method, epsilon, delta, rho, d, k, bins, zBins,
                    Math.sqrt(3.0 * d / (2 * rest)), Math.sqrt(2 * (rest / 3) / (d - 1)),
                    Math.sqrt(3.0 * (d - 1) / (2 * rest)), workload);
            case AIM -> { // the first rounds' σ and ε; annealing changes them as the data decides
                int t = Aim.plannedRounds(d);
                double sigma = Math.sqrt(t / (2 * Aim.ALPHA * rest));
                yield new SynthesisPlan(method, epsilon, delta, rho, d, k, bins, zBins, sigma,
                        Math.sqrt(2 * (1 - Aim.ALPHA) * rest / t), sigma, workload);
            }
        };
    }

    /** The largest ρ such that ρ-zCDP converts to (ε', δ) with ε' <= ε, by bisection on log ρ. */
    static double rho(double epsilon, double delta) {
        ZcdpAccountant zcdp = new ZcdpAccountant();
        double lo = 1e-12;
        double hi = 1e12;
        for (int i = 0; i < 100; i++) {
            double mid = Math.sqrt(lo * hi);
            double eps = zcdp.epsilon(List.of(new PrivacyEvent.Gaussian(1 / Math.sqrt(2 * mid), false)), delta);
            if (eps <= epsilon) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * What the ledger is charged: for MST and independent every mechanism the synthesis runs, in order; for AIM, whose
     * rounds are chosen as it runs, one (ε, δ) event for the whole release (AIM is ρ-zCDP, which converts to (ε, δ)
     * by the ledger's own zCDP conversion; see the class comment).
     */
    public List<PrivacyEvent> events() {
        if (method == Method.AIM) {
            return List.of(new PrivacyEvent.Approximate(epsilon, delta));
        }
        List<PrivacyEvent> events = new ArrayList<>(binEvents());
        for (int i = 0; i < columns; i++) {
            events.add(new PrivacyEvent.Gaussian(oneWayMultiplier, true));
        }
        if (method == Method.MST) {
            for (int i = 0; i < columns - 1; i++) {
                events.add(new PrivacyEvent.PureDp(selectionEpsilon));
            }
            for (int i = 0; i < columns - 1; i++) {
                events.add(new PrivacyEvent.Gaussian(twoWayMultiplier, true));
            }
        }
        return events;
    }

    /** The Gaussian events of the numeric columns' DP bins (one per numeric column). */
    List<PrivacyEvent> binEvents() {
        List<PrivacyEvent> events = new ArrayList<>();
        for (int i = 0; i < numericColumns; i++) {
            events.add(new PrivacyEvent.Gaussian(binMultiplier, true));
        }
        return events;
    }

    /** AIM's zCDP budget after the bins. */
    double aimRho() {
        return numericColumns > 0 ? (1 - BIN_SHARE) * rho : rho;
    }

    /** A one-line description for the ledger and the audit log (no data). */
    public String describe() {
        return String.format(Locale.ROOT, "synth %s eps=%s delta=%s rho=%.6g columns=%d numeric=%d bins=%d%s",
                method.label(), epsilon, delta, rho, columns, numericColumns, bins,
                method == Method.AIM ? " workload=" + workload : "");
    }
}
