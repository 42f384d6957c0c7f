package dev.bastion.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.privacy.ledger.LedgerId;
import dev.bastion.privacy.accounting.PrivacyEvent;
import dev.bastion.privacy.ledger.PrivacyLedger;
import dev.bastion.privacy.fl.DpFedAvg;
import dev.bastion.privacy.fl.net.Control;
import dev.bastion.privacy.fl.net.Coordinator;
import java.util.List;
import java.util.Locale;

/**
 * The DP of {@code fl serve --dp central|distributed}: the noise multiplier (given, or solved from the target ε over
 * the rounds), the guarantee, the ledger charge before any round, and the DP fields of a round report. Over the
 * network every site is asked every round, so the sampling rate is 1 and ε with amplification equals ε without:
 * both are reported so the figures read like {@code fl simulate --dp}'s. The one-JVM {@link DpFedAvg} does the
 * accounting; nothing here is a second implementation.
 */
final class FlNetPrivacy {
    private FlNetPrivacy() {
    }

    /** The run's DP: off, or the mode with its noise multiplier, guarantee and the task's privacy parameters. */
    record Plan(String mode, double noiseMultiplier, double delta, DpFedAvg.Guarantee guarantee,
            Control.Privacy privacy) {
        boolean dp() {
            return !mode.equals("off");
        }

        /** The ε the task declares to the sites' policies: the run's spend with --dp, else what was asked. */
        double declaredEpsilon(double asked) {
            return dp() ? guarantee.epsilonTightest() : asked;
        }
    }

    static Plan plan(String dp, double epsilon, double delta, Double noiseMultiplier, int rounds, int sites,
            double tolerance, int bits) {
        String mode = dp.strip().toLowerCase(Locale.ROOT);
        if (mode.equals("off")) {
            return new Plan(mode, 1, delta, null, Control.Privacy.NONE);
        }
        if (!mode.equals("central") && !mode.equals("distributed")) {
            throw new IllegalArgumentException("--dp is off, central or distributed, got '" + dp + "'");
        }
        if (noiseMultiplier == null && !(epsilon > 0)) {
            throw new IllegalArgumentException("--dp needs --epsilon (the whole run's target) or --noise-multiplier");
        }
        double z = noiseMultiplier != null ? noiseMultiplier : DpFedAvg.noiseMultiplierFor(1, rounds, epsilon, delta);
        DpFedAvg.Guarantee g = DpFedAvg.guarantee(1, z, rounds, delta);
        int minSurvivors = Math.max(1, (int) Math.ceil(sites * (1 - tolerance) - 1e-9));
        return new Plan(mode, z, delta, g, new Control.Privacy(mode, z, minSurvivors, bits, rounds, delta));
    }

    /** Charges the whole run to the ledger before any round; returns 0, or the refusal's exit code. */
    static int charge(CommonOptions common, String dataset, Plan p, int rounds, double clip, String model) {
        if (dataset == null) {
            throw new IllegalArgumentException("--dp needs --dataset (the ledger charged; set its total with bastion "
                    + "dp budget --dataset NAME --set-total EPSILON,DELTA)");
        }
        List<PrivacyEvent> events = List.of(new PrivacyEvent.SubsampledGaussian(1, p.noiseMultiplier(), rounds));
        String description = String.format(Locale.ROOT, "fl serve --dp %s: %d rounds, every site every round, "
                + "clip %s, z %s, %s", p.mode(), rounds, PrivacyLedger.fmt(clip), PrivacyLedger.fmt(p.noiseMultiplier()),
                model);
        PrivacyLedger.Outcome outcome = DpCommand.withLedger(common,
                l -> l.charge(new LedgerId(dataset, FlDpRun.UNIT), description, events));
        switch (outcome) {
            case PrivacyLedger.Outcome.Refused r -> {
                System.err.println("bastion: refused: " + r.reason());
                return ExitCodes.REFUSED;
            }
            case PrivacyLedger.Outcome.Admitted a -> {
                System.out.printf(Locale.ROOT, "dp %s: noise multiplier z = %.4f, epsilon %.4f at delta %s over %d "
                        + "rounds (%s)%s%n", p.mode(), p.noiseMultiplier(), p.guarantee().epsilonTightest(),
                        PrivacyLedger.fmt(p.delta()), rounds, p.guarantee().tightestAccountant(),
                        p.privacy().distributed() ? ", sites refuse to unmask below " + p.privacy().minSurvivors()
                                + " survivors" : "");
                System.out.println(DpCommand.status(a.after()));
                return 0;
            }
        }
    }

    /** The DP fields of one round's report. */
    static void report(ObjectNode json, Plan p, Coordinator.RoundReport r) {
        if (!p.dp()) {
            return;
        }
        DpFedAvg.Guarantee soFar = DpFedAvg.guarantee(1, p.noiseMultiplier(), r.round(), p.delta());
        ObjectNode dp = json.putObject("dp");
        dp.put("mode", p.mode());
        dp.put("privacy_unit", FlDpRun.UNIT);
        dp.put("sampling_rate", 1.0);
        dp.put("noise_multiplier", p.noiseMultiplier());
        dp.put("delta", p.delta());
        dp.put("min_survivors", p.privacy().minSurvivors());
        dp.put("survivors", r.survivors().size());
        if (!Double.isNaN(r.noisePresent())) {
            dp.put("noise_multiplier_present", r.noisePresent());
        }
        dp.put("epsilon_so_far_with_amplification", soFar.epsilonTightest());
        dp.put("epsilon_so_far_without_amplification", soFar.epsilonTightestWithoutSampling());
        dp.put("epsilon_run_with_amplification", p.guarantee().epsilonTightest());
        dp.put("epsilon_run_without_amplification", p.guarantee().epsilonTightestWithoutSampling());
        dp.put("amplification_note", "every site is asked every round (q = 1): no sampling amplification applies");
    }
}
