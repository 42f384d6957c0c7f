package dev.bastion.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.dp.Table;
import dev.bastion.privacy.synth.Membership;
import dev.bastion.privacy.synth.Risk;
import dev.bastion.privacy.synth.SynthEvaluation;
import dev.bastion.privacy.synth.SynthesisPlan;
import dev.bastion.privacy.synth.Synthesizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bastion synth eval}: fidelity, utility and attacks on a synthetic table, as a {@code bastion.assessment/v1}
 * document (kind {@code synthetic}) with the same HTML report and {@code --fail-on} rules as {@code bastion assess}. An evaluation by the data owner:
 * it reads the real data in the clear, its figures are not differentially private, and the shadow-generator attack
 * re-runs the generator on the real data without charging a ledger (nothing it makes leaves the process).
 */
@Command(name = "eval", description = "Measure a synthetic table against the real training data and a real holdout: "
        + "fidelity (1-, 2-, 3-way total variation), utility (train on synthetic, test on holdout), distance to "
        + "closest record, singling-out, linkability and inference risk, and optionally a shadow-generator "
        + "membership attack on planted outliers.")
final class SynthEvalCommand implements Callable<Integer> {
    @Option(names = "--real", required = true, paramLabel = "FILE.csv", description = "The training data the "
            + "synthetic table came from.")
    Path real;

    @Option(names = "--synthetic", required = true, paramLabel = "FILE.csv")
    Path synthetic;

    @Option(names = "--holdout", required = true, paramLabel = "FILE.csv", description = "Real rows the generator "
            + "never saw (the control set).")
    Path holdout;

    @Option(names = "--label", description = "Column to predict for utility (default: the last column).")
    String label;

    @Option(names = "--secret", description = "Column the inference attack guesses (default: the label).")
    String secret;

    @Option(names = "--attacks", defaultValue = "500", description = "Attacks per risk (default ${DEFAULT-VALUE}).")
    int attacks;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the attacks' sampling.")
    long seed;

    @Option(names = "--shadow-method", description = "Run the membership attack against this generator (mst, aim "
            + "or independent), re-run on the real data with planted outliers.")
    String shadowMethod;

    @Option(names = "--shadow-epsilon", defaultValue = "1", description = "Epsilon of the shadow generator.")
    double shadowEpsilon;

    @Option(names = "--shadow-delta", defaultValue = "1e-6", description = "Delta of the shadow generator.")
    double shadowDelta;

    @Option(names = "--shadow-targets", defaultValue = "5", description = "Planted outliers (default 5).")
    int shadowTargets;

    @Option(names = "--shadow-runs", defaultValue = "10", description = "Generator runs per target and world.")
    int shadowRuns;

    @Option(names = "--shadow-rows", defaultValue = "2000", description = "Training rows per shadow run.")
    int shadowRows;

    @Option(names = "--format", defaultValue = "text", description = "text or json.")
    String format;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write an HTML report here.")
    Path html;

    @Option(names = "--fail-on", paramLabel = "RULES", description = "Comma-separated rules NAME[@AT][:SLICE]"
            + "[:ATTACK]>VALUE or <VALUE over the assessment's metrics, e.g. singling_out_risk>0.05,"
            + "membership_auc>0.6; exit 3 when one breaks.")
    String failOn;

    @Override
    public Integer call() throws Exception {
        return AssessCommand.guarded(this::run);
    }

    private int run() throws Exception {
        Table r = Table.read(real);
        Table s = Table.read(synthetic);
        Table h = Table.read(holdout);
        String lbl = label != null ? label : r.columns().getLast();
        List<Assessment.Rule> rules = Assessment.Rule.parse(failOn);
        Optional<Membership.Generator> shadow = Optional.ofNullable(shadowMethod).map(m -> {
            SynthesisPlan.Method method = SynthesisPlan.Method.parse(m);
            return (data, domain, sd) -> Synthesizer.run(data, domain, SynthesisPlan.of(method, domain,
                    shadowEpsilon, shadowDelta, SynthesisPlan.DEFAULT_BINS), 0, DpRandom.insecureSeeded(sd)).rows();
        });
        SynthEvaluation.Settings settings = new SynthEvaluation.Settings(lbl, secret != null ? secret : lbl, attacks,
                2000, seed, shadow, shadowTargets, shadowRuns, shadowRows);
        long start = System.nanoTime();
        SynthEvaluation e = SynthEvaluation.run(r, s, h, settings);
        double seconds = (System.nanoTime() - start) / 1e9;
        Assessment a = assessment(e, seconds);
        a.data(real, r.size(), null);
        ObjectNode options = a.options();
        options.put("synthetic_sha256", dev.bastion.models.signing.Manifest.sha256(synthetic));
        options.put("synthetic_rows", s.size());
        options.put("holdout_sha256", dev.bastion.models.signing.Manifest.sha256(holdout));
        options.put("holdout_rows", h.size());
        options.put("label", settings.label());
        options.put("secret", settings.secret());
        options.put("attacks", attacks);
        options.put("seed", seed);
        if (shadowMethod != null) {
            options.put("shadow_method", shadowMethod);
            options.put("shadow_epsilon", shadowEpsilon);
            options.put("shadow_delta", shadowDelta);
            options.put("shadow_targets", shadowTargets);
            options.put("shadow_runs", shadowRuns);
            options.put("shadow_rows", shadowRows);
        }
        a.apply(rules);
        a.write(null, html, "Synthetic data assessment");
        if ("json".equals(format)) {
            System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(a.root()));
        } else {
            System.out.print(text(e, seconds));
            System.out.println("verdict: " + a.root().path("verdict").path("result").asText());
        }
        return a.failed() ? AssessCommand.FAILED : ExitCodes.OK;
    }

    /**
     * The evaluation as a {@code bastion.assessment/v1} document of kind {@code synthetic} (docs/assessments.md):
     * every figure a metric, intervals as {@code ci}, the attack in {@code attack}, training against holdout in
     * {@code slice}. A membership AUC whose interval excludes 0.5 makes the verdict "warn".
     */
    static Assessment assessment(SynthEvaluation e, double seconds) {
        Assessment a = new Assessment("synthetic");
        a.metric("tv_1way", e.fidelity().oneWay(), null, null, null, null);
        a.metric("tv_2way", e.fidelity().twoWay(), null, null, null, null);
        a.metric("tv_3way", e.fidelity().threeWay(), null, null, null, null);
        a.metric("tv_mean", e.fidelity().overall(), null, null, null, null);
        e.utility().ifPresent(u -> {
            a.metric("accuracy", u.trainedOnSynthetic(), null, "trained_on_synthetic", null, null);
            a.metric("accuracy", u.trainedOnReal(), null, "trained_on_real", null, null);
            a.metric("accuracy", u.majority(), null, "majority_class", null, null);
        });
        a.metric("dcr_sampled", e.dcr().sampled(), null, null, null, null);
        a.metric("exact_copies", e.dcr().exactTrain(), null, "training", null, null);
        a.metric("exact_copies", e.dcr().exactControl(), null, "holdout", null, null);
        a.metric("closer_to_training_than_holdout", e.dcr().closerToTrain(), null, null, null, null);
        a.metric("median_distance", e.dcr().medianTrain(), null, "training", null, null);
        a.metric("median_distance", e.dcr().medianControl(), null, "holdout", null, null);
        for (Risk k : List.of(e.singlingOutUnivariate(), e.singlingOutMultivariate(), e.linkability(), e.inference())) {
            a.metric("risk", k.risk(), new double[] {k.low(), k.high()}, null, null, k.attack());
            a.metric("attack_rate", k.attackRate(), null, "training", null, k.attack());
            a.metric("attack_rate", k.controlRate(), null, "holdout", null, k.attack());
            a.metric("attacks", k.attacks(), null, null, null, k.attack());
        }
        a.metric("singling_out_risk", e.singlingOut().risk(), null, null, null, null);
        e.membership().ifPresent(m -> {
            a.metric("membership_auc", m.auc(), new double[] {m.low(), m.high()}, null, null,
                    "shadow-generator, planted outliers");
            a.metric("membership_targets", m.targets(), null, null, null, null);
            a.metric("membership_runs_per_world", m.runs(), null, null, null, null);
            if (!m.coversHalf()) {
                a.warn("membership_auc interval covers 0.5", m.auc(), "the shadow-generator attack tells members "
                        + "from non-members better than chance");
            }
        });
        a.metric("seconds", seconds, null, null, null, null);
        return a;
    }

    private static String text(SynthEvaluation e, double seconds) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "fidelity: total variation 1-way %.4f, 2-way %.4f, 3-way %.4f (mean %.4f)%n",
                e.fidelity().oneWay(), e.fidelity().twoWay(), e.fidelity().threeWay(), e.fidelity().overall()));
        e.utility().ifPresent(u -> b.append(String.format(Locale.ROOT, "utility (%s): holdout accuracy trained on "
                + "synthetic %.4f, on real %.4f, majority class %.4f%n", u.label(), u.trainedOnSynthetic(),
                u.trainedOnReal(), u.majority())));
        b.append(String.format(Locale.ROOT, "distance to closest record (%d synthetic rows): exact copies of training "
                + "rows %.4f, of holdout rows %.4f; closer to training than holdout %.4f; median distance %.4f vs "
                + "%.4f%n", e.dcr().sampled(), e.dcr().exactTrain(), e.dcr().exactControl(), e.dcr().closerToTrain(),
                e.dcr().medianTrain(), e.dcr().medianControl()));
        for (Risk k : List.of(e.singlingOutUnivariate(), e.singlingOutMultivariate(), e.linkability(), e.inference())) {
            b.append(String.format(Locale.ROOT, "%s: risk %.4f [%.4f, %.4f] (success %.4f vs control %.4f, %d "
                    + "attacks)%n", k.attack(), k.risk(), k.low(), k.high(), k.attackRate(), k.controlRate(),
                    k.attacks()));
        }
        e.membership().ifPresent(m -> b.append(String.format(Locale.ROOT, "membership (shadow generator, planted "
                + "outliers): AUC %.4f [%.4f, %.4f], %d targets x %d runs per world%s%n", m.auc(), m.low(), m.high(),
                m.targets(), m.runs(), m.coversHalf() ? " (no better than chance)" : "")));
        b.append(String.format(Locale.ROOT, "evaluated in %.1f s%n", seconds));
        return b.toString();
    }
}
