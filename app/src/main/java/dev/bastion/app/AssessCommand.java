package dev.bastion.app;

import dev.bastion.privacy.attacks.Canaries;
import dev.bastion.privacy.attacks.MembershipInference;
import dev.bastion.privacy.attacks.Roc;
import dev.bastion.privacy.dp.Table;
import dev.bastion.privacy.fairness.Confusion;
import dev.bastion.privacy.fairness.FairnessReport;
import dev.bastion.privacy.fairness.GroupThresholds;
import dev.bastion.privacy.fairness.Reweighing;
import dev.bastion.privacy.train.TrainingData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bastion assess membership|fairness}: what a model recipe leaks and whom a set of decisions fails, as one
 * {@code bastion.assessment/v1} JSON (and optionally an HTML page). Exit 0 pass, 2 bad input, 3 a rule broken.
 */
@Command(name = "assess", description = "Measure what a model leaks (membership inference) and whom decisions fail "
        + "(fairness); writes bastion.assessment/v1 JSON.",
        subcommands = {AssessCommand.Membership.class, AssessCommand.Fairness.class, AssessExtraction.class, AssessInversion.class, AssessPoisoning.class, AssessLlm.class,
                AssessRobustness.class})
final class AssessCommand {
    static final int BAD_INPUT = ExitCodes.USAGE;
    static final int FAILED = ExitCodes.REFUSED;

    /** Options every assessment takes, and the handling of bad input (exit 2) they share. */
    abstract static class Reporting implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        CommonOptions common;

        @Option(names = "--json", paramLabel = "FILE", description = "Write the assessment JSON here (default: "
                + "standard output).")
        Path json;

        @Option(names = "--html", paramLabel = "FILE", description = "Also write a one-file HTML report.")
        Path html;

        @Option(names = "--fail-on", paramLabel = "RULES", description = "Comma-separated rules NAME[@AT][:SLICE]"
                + "[:ATTACK]>VALUE or <VALUE, e.g. tpr@0.001>0.005; exit 3 when one breaks.")
        String failOn;

        @Option(names = "--seed", defaultValue = "1", description = "Seed of splits, resampling and training "
                + "(default 1).")
        long seed;

        @Option(names = "--record-bom", paramLabel = "FOLDER", description = "Record the run's metrics and "
                + "verdict in the model folder's CycloneDX ML-BOM (bom.cdx.json) and re-sign the folder.")
        Path recordBom;

        @Option(names = "--signing-key", paramLabel = "KEY", description = "Private key (its .pub beside it) that "
                + "re-signs the folder after --record-bom.")
        Path signingKey;

        /** Runs the assessment; returns the exit code (from {@link #finish}). */
        abstract int run() throws IOException;

        @Override
        public Integer call() throws Exception {
            return guarded(this::run);
        }

        int finish(Assessment a, String title, String summary) throws IOException {
            a.apply(Assessment.Rule.parse(failOn));
            a.write(json, html, title);
            // Each run is an audit event: what was assessed (by hash) and the verdict, never a value of the data.
            CliAudit.record(common.load(Map.of()).config(), "assess." + a.root().path("kind").asText(),
                    "data sha256=" + a.root().path("data").path("sha256").asText() + " verdict="
                            + a.root().path("verdict").path("result").asText());
            if (json == null) {
                System.out.println(dev.bastion.gateway.api.Json.MAPPER.writerWithDefaultPrettyPrinter()
                        .writeValueAsString(a.root()));
            }
            if (recordBom != null) {
                Path sig = BomRecording.record(a, recordBom, signingKey);
                CliAudit.record(common.load(Map.of()).config(), "assess.record-bom", recordBom.toAbsolutePath()
                        + " kind=" + a.root().path("kind").asText());
                System.err.println("recorded in " + recordBom.resolve(dev.bastion.models.bom.AssessmentRecords.FILE)
                        + ", re-signed: " + sig);
            }
            System.err.println(summary + "; verdict: " + a.root().path("verdict").path("result").asText());
            return a.failed() ? FAILED : ExitCodes.OK;
        }
    }

    /** Runs {@code body}, answering bad input with exit code 2 and the reason. */
    static int guarded(Callable<Integer> body) throws Exception {
        try {
            return body.call();
        } catch (IllegalArgumentException | java.nio.file.NoSuchFileException e) {
            System.err.println("bastion: " + Errors.describe(e));
            return BAD_INPUT;
        }
    }

    @Command(name = "membership", description = "Membership inference against a training recipe: the loss "
            + "threshold, LiRA (online and offline) and RMIA with reference models trained the same way; ROC, AUC, "
            + "TPR at 0.1% and 1% FPR with Clopper-Pearson intervals, and the epsilon the attacks prove beside the "
            + "epsilon claimed.")
    static final class Membership extends Reporting {
        @Option(names = "--data", required = true, paramLabel = "CSV") Path data;
        @Option(names = "--label", required = true, paramLabel = "COLUMN") String label;
        @picocli.CommandLine.Mixin RecipeOptions recipe;
        @Option(names = "--references", defaultValue = "16", description = "Reference models (default 16).")
        int references;
        @Option(names = "--canaries", defaultValue = "0", description = "Rows made canaries before training.")
        int canaries;
        @Option(names = "--canary-recipe", defaultValue = "mislabelled", paramLabel = "mislabelled|graded",
                description = "mislabelled (default): a wrong label; graded: in turn a wrong label, or the true "
                        + "label with noise of 0.5, 1 or 2 standard deviations on every feature.")
        String canaryRecipe;
        @Option(names = "--fixed-variance", description = "One pooled LiRA variance (for few references).")
        boolean fixedVariance;


        @Override
        int run() throws IOException {
            long start = System.nanoTime();
            TrainingData all = TrainingData.fromTable(Table.read(data), label);
            double eps = recipe.epsilonValue();
            double delta = recipe.delta;
            MembershipInference.Scores s = MembershipInference.run(all, recipe.recipe(),
                    new MembershipInference.Settings(references, canaries, Canaries.Recipe.parse(canaryRecipe),
                            fixedVariance, seed));
            Assessment a = new Assessment("membership");
            a.data(data, all.size(), seed);
            recipe.describe(a, all);
            a.options().put("references", references).put("canaries", canaries)
                    .put("canary_recipe", canaryRecipe.toLowerCase(Locale.ROOT))
                    .put("fixed_variance", fixedVariance);
            a.metric("target_accuracy", s.targetAccuracy(), null, "non_members", null, null);
            Map<String, double[]> attacks = new java.util.LinkedHashMap<>();
            attacks.put("loss", s.loss());
            attacks.put("lira_online", s.liraOnline());
            attacks.put("lira_offline", s.liraOffline());
            attacks.put("rmia", s.rmia());
            double proved = 0;
            StringBuilder summary = new StringBuilder();
            for (Map.Entry<String, double[]> e : attacks.entrySet()) {
                Roc roc = Roc.of(e.getValue(), s.member());
                report(a, e.getKey(), "all", roc, delta);
                proved = Math.max(proved, roc.epsilonLowerBound(delta));
                if (canaries > 1) {
                    Roc canary = canaryRoc(e.getValue(), s, null);
                    if (canary != null) {
                        report(a, e.getKey(), "canaries", canary, delta);
                    }
                    for (Canaries.Kind kind : kinds(s)) {
                        Roc one = canaryRoc(e.getValue(), s, kind);
                        if (one != null) {
                            report(a, e.getKey(), "canaries:" + kind.slice(), one, delta);
                        }
                    }
                }
                summary.append(String.format(Locale.ROOT, "%s AUC %.3f TPR@1%%FPR %.4f", e.getKey(), roc.auc(),
                        roc.tprAt(0.01)));
                Roc canaryAll = canaries > 1 ? canaryRoc(e.getValue(), s, null) : null;
                if (canaryAll != null) {
                    summary.append(String.format(Locale.ROOT, " (canaries AUC %.3f TPR@0.1%%FPR %.4f TPR@1%%FPR %.4f)",
                            canaryAll.auc(), canaryAll.tprAt(0.001), canaryAll.tprAt(0.01)));
                }
                summary.append("; ");
            }
            a.metric("epsilon_lower_bound", proved, null, "all", null, null);
            if (Double.isFinite(eps)) {
                a.rule("epsilon_lower_bound<=" + eps, proved > eps, proved, "the attacks prove epsilon >= "
                        + Assessment.fmt(proved) + " at 95% confidence per threshold; the recipe claims " + eps);
            }
            summary.append(String.format(Locale.ROOT, "epsilon proved %.3f; %.1f s", proved,
                    (System.nanoTime() - start) / 1e9));
            return finish(a, "Membership inference: " + data.getFileName(), summary.toString());
        }

        /** The canary kinds present, when there are several (one kind is the "canaries" slice itself). */
        private static List<Canaries.Kind> kinds(MembershipInference.Scores s) {
            java.util.EnumSet<Canaries.Kind> kinds = java.util.EnumSet.noneOf(Canaries.Kind.class);
            for (Canaries.Kind k : s.canaryKind()) {
                if (k != Canaries.Kind.NONE) {
                    kinds.add(k);
                }
            }
            return kinds.size() > 1 ? List.copyOf(kinds) : List.of();
        }

        /** The ROC over the canaries, or those of one {@code kind} when it is not null; null without both sides. */
        private static Roc canaryRoc(double[] scores, MembershipInference.Scores s, Canaries.Kind kind) {
            List<Double> v = new ArrayList<>();
            List<Boolean> in = new ArrayList<>();
            for (int i = 0; i < scores.length; i++) {
                if (s.canary()[i] && (kind == null || s.canaryKind()[i] == kind)) {
                    v.add(scores[i]);
                    in.add(s.member()[i]);
                }
            }
            boolean[] member = new boolean[in.size()];
            for (int i = 0; i < member.length; i++) {
                member[i] = in.get(i);
            }
            boolean both = in.contains(true) && in.contains(false);
            return both ? Roc.of(v.stream().mapToDouble(Double::doubleValue).toArray(), member) : null;
        }

        private static void report(Assessment a, String attack, String slice, Roc roc, double delta) {
            a.metric("auc", roc.auc(), null, slice, null, attack);
            for (double at : new double[] {0.001, 0.01}) {
                a.metric("tpr", roc.tprAt(at), roc.tprIntervalAt(at), slice, at, attack);
            }
            a.curve("roc", attack, slice, roc.fpr(), roc.tpr(), 400);
        }
    }

    @Command(name = "fairness", description = "Per group (and intersection) n, selection rate, TPR, FPR, FNR and "
            + "precision with bootstrap intervals; parity and equalized-odds differences and ratios; the four-fifths "
            + "rule; reweighing weights.")
    static final class Fairness extends Reporting {
        @Option(names = "--data", required = true, paramLabel = "CSV") Path data;
        @Option(names = "--label", required = true, paramLabel = "COLUMN", description = "The true outcome.")
        String label;
        @Option(names = "--positive", required = true, paramLabel = "VALUE", description = "The favourable (or "
                + "flagged) value of --label and --prediction, e.g. >50K.")
        String positive;
        @Option(names = "--prediction", paramLabel = "COLUMN", description = "The decisions; without it the label "
                + "itself is judged (the data's own disparity).")
        String prediction;
        @Option(names = "--sensitive", required = true, paramLabel = "C1[,C2]", description = "Group columns; "
                + "several give their intersections.")
        String sensitive;
        @Option(names = "--privileged", paramLabel = "VALUE", description = "The reference group (default: the "
                + "group with the highest selection rate).")
        String privileged;
        @Option(names = "--bootstrap", defaultValue = "1000", description = "Resamples per interval (default 1000).")
        int bootstrap;
        @Option(names = "--weights-out", paramLabel = "CSV", description = "Write reweighing weights, one per row.")
        Path weightsOut;
        @Option(names = "--score", paramLabel = "COLUMN", description = "A numeric score column: decisions are score "
                + ">= --threshold (instead of --prediction), and per-group thresholds are proposed (--equalize).")
        String score;
        @Option(names = "--threshold", defaultValue = "0.5", description = "The decision threshold on --score.")
        double threshold;
        @Option(names = "--equalize", defaultValue = "selection_rate", description = "What group thresholds "
                + "equalise: selection_rate (demographic parity) or tpr (equal opportunity).")
        String equalize;


        @Override
        int run() throws IOException {
            Table t = Table.read(data);
            int l = t.index(label);
            if (score != null && prediction != null) {
                throw new IllegalArgumentException("give --score or --prediction, not both");
            }
            int p = prediction == null ? l : t.index(prediction);
            double[] scores = null;
            if (score != null) {
                int sc = t.index(score);
                scores = new double[t.size()];
                for (int r = 0; r < t.size(); r++) {
                    scores[r] = t.number(r, sc);
                }
            }
            List<Integer> groups = DeidCommand.columns(sensitive).stream().map(t::index).toList();
            boolean[] outcome = new boolean[t.size()];
            boolean[] decision = new boolean[t.size()];
            String[] group = new String[t.size()];
            for (int r = 0; r < t.size(); r++) {
                outcome[r] = t.cell(r, l).equals(positive);
                decision[r] = scores != null ? scores[r] >= threshold : t.cell(r, p).equals(positive);
                StringBuilder g = new StringBuilder();
                for (int c : groups) {
                    g.append(g.isEmpty() ? "" : " & ").append(t.cell(r, c));
                }
                group[r] = g.toString();
            }
            FairnessReport f = FairnessReport.measure(outcome, decision, group, privileged, bootstrap, seed);
            Assessment a = new Assessment("fairness");
            a.data(data, t.size(), seed);
            a.options().put("label", label).put("positive", positive).put("sensitive", sensitive)
                    .put("prediction", prediction == null ? "(the label)" : prediction).put("bootstrap", bootstrap)
                    .put("privileged", f.privileged());
            StringBuilder summary = new StringBuilder();
            for (FairnessReport.Group g : f.groups().values()) {
                Confusion c = g.confusion();
                a.metric("n", c.n(), null, g.name(), null, null);
                for (var m : FairnessReport.METRICS.entrySet()) {
                    a.metric(m.getKey(), m.getValue().applyAsDouble(c), g.intervals().get(m.getKey()), g.name(),
                            null, null);
                }
                summary.append(String.format(Locale.ROOT, "%s: n %d, selection %.4f, TPR %s, FPR %s; ", g.name(),
                        c.n(), c.selectionRate(), Assessment.fmt(c.tpr()), Assessment.fmt(c.fpr())));
            }
            a.metric("parity_difference", f.parityDifference(), null, "all", null, null);
            a.metric("parity_ratio", f.parityRatio(), null, "all", null, null);
            a.metric("equalized_odds_difference", f.equalizedOddsDifference(), null, "all", null, null);
            a.metric("equalized_odds_ratio", f.equalizedOddsRatio(), null, "all", null, null);
            f.versusPrivileged().forEach((g, v) -> {
                a.metric("statistical_parity_difference", v[0], null, g, null, null);
                a.metric("disparate_impact", v[1], null, g, null, null);
            });
            if (f.fourFifths().isEmpty()) {
                a.rule("four_fifths", false, f.parityRatio(), "every group's selection rate is at least 80% of the "
                        + "highest");
            } else {
                a.warn("four_fifths", f.parityRatio(), "selection rate under 80% of the highest for "
                        + f.fourFifths() + " (a warning; --fail-on parity_ratio<0.8 makes it fail)");
            }
            if (scores != null) {
                GroupThresholds.Target target = switch (equalize.strip().toLowerCase(Locale.ROOT)) {
                    case "selection_rate" -> GroupThresholds.Target.SELECTION_RATE;
                    case "tpr" -> GroupThresholds.Target.TPR;
                    default -> throw new IllegalArgumentException("--equalize is selection_rate or tpr");
                };
                GroupThresholds.Result m = GroupThresholds.choose(outcome, scores, group, threshold, target);
                a.options().put("score", score).put("threshold", threshold).put("equalize", equalize);
                m.thresholds().forEach((g, th) -> {
                    a.metric("mitigated_threshold", th, null, g, null, "group_thresholds");
                    Confusion c = m.after().get(g);
                    a.metric("mitigated_selection_rate", c.selectionRate(), null, g, null, "group_thresholds");
                    a.metric("mitigated_tpr", c.tpr(), null, g, null, "group_thresholds");
                    a.metric("mitigated_fpr", c.fpr(), null, g, null, "group_thresholds");
                });
                a.metric("accuracy", m.accuracyBefore(), null, "all", null, null);
                a.metric("mitigated_accuracy", m.accuracyAfter(), null, "all", null, "group_thresholds");
                summary.append(String.format(Locale.ROOT, "; group thresholds %s equalise %s at %.4f, accuracy %.4f "
                        + "-> %.4f; ", m.thresholds(), equalize, m.target(), m.accuracyBefore(), m.accuracyAfter()));
            }
            if (weightsOut != null) {
                double[] w = Reweighing.weights(outcome, group);
                List<String> lines = new ArrayList<>(w.length + 1);
                lines.add("weight");
                for (double v : w) {
                    lines.add(Double.toString(v));
                }
                Files.write(weightsOut, lines);
            }
            summary.append(String.format(Locale.ROOT, "parity difference %.4f, ratio %.4f", f.parityDifference(),
                    f.parityRatio()));
            return finish(a, "Fairness: " + data.getFileName(), summary.toString());
        }
    }
}
