package dev.bastion.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.dp.Table;
import dev.bastion.privacy.synth.Membership;
import dev.bastion.privacy.synth.Risk;
import dev.bastion.privacy.synth.SynthEvaluation;
import dev.bastion.privacy.synth.SynthesisPlan;
import dev.bastion.privacy.synth.Synthesizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bastion synth eval}: fidelity, utility and attacks on a synthetic table. An evaluation by the data owner:
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

    @Override
    public Integer call() throws Exception {
        Table r = Table.read(real);
        Table s = Table.read(synthetic);
        Table h = Table.read(holdout);
        String lbl = label != null ? label : r.columns().getLast();
        Optional<Membership.Generator> shadow = Optional.ofNullable(shadowMethod).map(m -> {
            SynthesisPlan.Method method = SynthesisPlan.Method.parse(m);
            return (data, domain, sd) -> Synthesizer.run(data, domain, SynthesisPlan.of(method, domain,
                    shadowEpsilon, shadowDelta, 8), 0, DpRandom.insecureSeeded(sd)).rows();
        });
        SynthEvaluation.Settings settings = new SynthEvaluation.Settings(lbl, secret != null ? secret : lbl, attacks,
                2000, seed, shadow, shadowTargets, shadowRuns, shadowRows);
        long start = System.nanoTime();
        SynthEvaluation e = SynthEvaluation.run(r, s, h, settings);
        double seconds = (System.nanoTime() - start) / 1e9;
        ObjectNode json = json(e, seconds);
        if (html != null) {
            Files.writeString(html, SynthReport.html(json));
        }
        if ("json".equals(format)) {
            System.out.println(json);
        } else {
            System.out.print(text(e, seconds));
        }
        return ExitCodes.OK;
    }

    static ObjectNode json(SynthEvaluation e, double seconds) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        ObjectNode f = o.putObject("fidelity");
        f.put("tv_1way", e.fidelity().oneWay());
        f.put("tv_2way", e.fidelity().twoWay());
        f.put("tv_3way", e.fidelity().threeWay());
        f.put("tv_mean", e.fidelity().overall());
        e.utility().ifPresent(u -> {
            ObjectNode n = o.putObject("utility");
            n.put("label", u.label());
            n.put("accuracy_trained_on_synthetic", u.trainedOnSynthetic());
            n.put("accuracy_trained_on_real", u.trainedOnReal());
            n.put("accuracy_majority_class", u.majority());
        });
        ObjectNode d = o.putObject("dcr");
        d.put("sampled", e.dcr().sampled());
        d.put("exact_copies_of_training_rows", e.dcr().exactTrain());
        d.put("exact_copies_of_holdout_rows", e.dcr().exactControl());
        d.put("closer_to_training_than_holdout", e.dcr().closerToTrain());
        d.put("median_distance_training", e.dcr().medianTrain());
        d.put("median_distance_holdout", e.dcr().medianControl());
        ArrayNode risks = o.putArray("risks");
        for (Risk k : List.of(e.singlingOutUnivariate(), e.singlingOutMultivariate(), e.linkability(), e.inference())) {
            ObjectNode n = risks.addObject();
            n.put("attack", k.attack());
            n.put("attacks", k.attacks());
            n.put("attack_rate", k.attackRate());
            n.put("control_rate", k.controlRate());
            n.put("risk", k.risk());
            n.put("low", k.low());
            n.put("high", k.high());
        }
        o.put("singling_out_risk", e.singlingOut().risk());
        e.membership().ifPresent(m -> {
            ObjectNode n = o.putObject("membership");
            n.put("auc", m.auc());
            n.put("low", m.low());
            n.put("high", m.high());
            n.put("targets", m.targets());
            n.put("runs_per_world", m.runs());
            n.put("interval_covers_half", m.coversHalf());
        });
        o.put("seconds", seconds);
        return o;
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
