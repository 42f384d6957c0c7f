package dev.bastion.privacy.synth;

import dev.bastion.privacy.dp.Table;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Everything {@code bastion synth eval} measures about a synthetic table against the real training data it came
 * from and a real holdout the generator never saw: fidelity, utility, distance to closest record and Anonymeter's
 * three attacks, and (when a generator is given) the shadow-generator membership attack. This is an evaluation by
 * the data owner: it reads the real data in the clear and its report is not differentially private.
 */
public record SynthEvaluation(Fidelity fidelity, Optional<Utility> utility, Dcr dcr, Risk singlingOutUnivariate,
        Risk singlingOutMultivariate, Risk linkability, Risk inference, Optional<Membership.Result> membership) {

    /** The larger of the two singling-out risks: the headline. */
    public Risk singlingOut() {
        return singlingOutUnivariate.risk() >= singlingOutMultivariate.risk() ? singlingOutUnivariate
                : singlingOutMultivariate;
    }

    /** Settings of an evaluation. */
    public record Settings(String label, String secret, int attacks, int dcrSample, long seed,
            Optional<Membership.Generator> shadow, int shadowTargets, int shadowRuns, int shadowRows) {
        public Settings {
            if (attacks < 1 || dcrSample < 1 || shadowTargets < 1 || shadowRuns < 2 || shadowRows < 10) {
                throw new IllegalArgumentException("attacks, samples, targets (>= 1), runs (>= 2) and shadow rows "
                        + "(>= 10) must be positive");
            }
        }

        /** Defaults: label and secret the last column, 500 attacks, 2000 rows for DCR, no shadow attack. */
        public static Settings defaults(List<String> columns) {
            String last = columns.getLast();
            return new Settings(last, last, 500, 2000, 1, Optional.empty(), 5, 10, 2000);
        }
    }

    public static SynthEvaluation run(Table real, Table synthetic, Table holdout, Settings s) {
        SplittableRandom g = new SplittableRandom(s.seed());
        for (String c : real.columns()) {
            synthetic.index(c);
            holdout.index(c);
        }
        Fidelity fidelity = Fidelity.of(real, synthetic);
        Optional<Utility> utility = s.label().isEmpty() ? Optional.empty()
                : Optional.of(Utility.of(real, synthetic, holdout, s.label(), s.seed()));
        List<Records> r = Records.of(List.of(real, synthetic, holdout));
        Records train = r.get(0);
        Records syn = r.get(1);
        Records control = r.get(2);
        Dcr dcr = Dcr.of(train, syn, control, s.dcrSample(), g);
        Risk uni = Attacks.singlingOut(train, syn, control, false, s.attacks(), g);
        Risk multi = Attacks.singlingOut(train, syn, control, true, s.attacks(), g);
        // nearest-neighbour attacks search a sample of at most 10,000 synthetic rows
        Records synSample = Attacks.sameSize(syn, 10_000, g);
        Risk link = Attacks.linkability(train, synSample, control, s.attacks(), g);
        Risk inference = Attacks.inference(train, synSample, control, real.index(s.secret()), s.attacks(), g);
        Optional<Membership.Result> membership = s.shadow().map(gen -> Membership.attack(real, holdout, gen,
                s.shadowTargets(), s.shadowRuns(), s.shadowRows(), g));
        return new SynthEvaluation(fidelity, utility, dcr, uni, multi, link, inference, membership);
    }
}
