package dev.bastion.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.app.InjectionSources.Source;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.embeddings.LocalEmbeddings;
import dev.bastion.guard.injection.InjectionModel;
import dev.bastion.guard.injection.InjectionRules;
import dev.bastion.guard.injection.InjectionTrainer;
import dev.bastion.guard.injection.SentenceEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bastion train injection} and {@code bastion eval injection}, both driven by a source manifest
 * ({@link InjectionSources}, e.g. bench/injection/sources.tsv). Evaluation is leave-one-source-out
 * ({@link InjectionLoso}); training fits both models on every source and records the sources, their files' SHA-256
 * and the settings in the model's description.
 */
final class InjectionCommands {
    private InjectionCommands() {
    }

    static Optional<SentenceEncoder> encoder(boolean enabled) {
        if (!enabled) {
            return Optional.empty();
        }
        LocalEmbeddings e = new LocalEmbeddings(1);
        e.warmUp();
        return Optional.of(e::encodeForScanner);
    }

    /** Options shared by training and evaluation: where the data is and how to fit. */
    static class Common {
        @Option(names = "--sources", required = true, paramLabel = "FILE", description = "Source manifest "
                + "(bench/injection/sources.tsv).")
        Path manifest;

        @Option(names = "--eval-data", defaultValue = "../shared/eval-data", paramLabel = "DIR",
                description = "Replaces ${EVAL} in the manifest (default ${DEFAULT-VALUE}).")
        Path evalData;

        @Option(names = "--data", defaultValue = "../data/inject", paramLabel = "DIR",
                description = "Replaces ${DATA} in the manifest: the output of bench/injection/prepare-data.py.")
        Path data;

        @Option(names = "--char-grams", description = "Add character 3-5-grams to the word features.")
        boolean charGrams;

        @Option(names = "--epochs", defaultValue = "3")
        int epochs;

        @Option(names = "--l2", defaultValue = "3e-5", description = "L2 strength per step (default ${DEFAULT-VALUE}).")
        double l2;

        @Option(names = "--cap", defaultValue = "600", description = "At most this many training texts per source.")
        int cap;

        @Option(names = "--target-fpr", defaultValue = "0.03", description = "Direct threshold: false-positive rate "
                + "allowed in every benign family of the calibration part (default ${DEFAULT-VALUE}) ...")
        double targetFpr;

        @Option(names = "--content-target-fpr", defaultValue = "0.01", description = "The same for the content "
                + "model, on the document families (default ${DEFAULT-VALUE}).")
        double contentTargetFpr;

        @Option(names = "--text-calibration", description = "Fix thresholds on a 20% hash split of the training "
                + "texts instead of on out-of-source scores (cross-fitted halves of the training sources).")
        boolean textCalibration;

        @Option(names = "--weight-power", defaultValue = "0.5", description = "Each training text of a source with n "
                + "texts weighs n^-POWER: 0.5 (default) lets a source's weight grow as sqrt(n), 1 weighs sources "
                + "equally, 0 weighs texts equally.")
        double weightPower;

        @Option(names = "--calibration-groups", defaultValue = "5", description = "Out-of-source calibration: the "
                + "training collections are cut into this many groups by a hash of their names, and each group's benign "
                + "texts are scored by a model fitted on the other groups (default ${DEFAULT-VALUE}).")
        int calibrationGroups;

        @Option(names = "--calibration-grouping", defaultValue = "HASH", description = "How the collections are cut "
                + "into calibration groups: HASH (by a hash of the name; rounds three to eight) or FAMILY (sorted by "
                + "family and dealt out in turn, so one family's collections fall in different groups; round nine). "
                + "Default ${DEFAULT-VALUE}.")
        InjectionFit.Grouping calibrationGrouping;

        @Option(names = "--calibration-pool", defaultValue = "sampled", description = "How calibration scores are "
                + "counted for the family and pooled rates: sampled (each scored text once; a source gives at most 400) "
                + "or counts (each scored text stands for its source's texts / texts scored, as the "
                + "leave-one-source-out pool counts every text). Default ${DEFAULT-VALUE}.")
        String calibrationPool;

        @Option(names = "--pooled-target-fpr", defaultValue = "1", description = "... and over all benign "
                + "calibration texts pooled (1, the default: no pooled bound; round eight's rule aimed at the 2% budget "
                + "is 0.04 and 0.015, docs/injection-model.md). The content threshold's families are bounded at 1% "
                + "each, so a pooled bound of 1% or more never moves it.")
        double pooledTargetFpr;

        @Option(names = "--passages", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Train the content model on the passages of documents too (default ${DEFAULT-VALUE}).")
        boolean passages;

        @Option(names = "--seed", defaultValue = "42")
        long seed;

        @Option(names = "--phantom-words", defaultValue = "0", description = "The word features' norm counts this "
                + "many extra words of no evidence, so the few words of a short text weigh less (round nine; stored "
                + "in the model file; default ${DEFAULT-VALUE}, the shipped round-five model's).")
        int phantomWords;

        @Option(names = "--embeddings", paramLabel = "DIR", description = "Add an embedding stage to the direct "
                + "model (MiniLM sentence embeddings of each text's first 256 characters, a logistic head stacked with "
                + "the lexical model); embeddings are cached in DIR.")
        Path embeddings;

        @Option(names = "--stage-target-fpr", defaultValue = "0.05", description = "The embedding stage's threshold: "
                + "false-positive rate allowed in every benign family of the cross-fitted calibration scores (default "
                + "${DEFAULT-VALUE}) ...")
        double stageTargetFpr;

        @Option(names = "--stage-pooled-target-fpr", defaultValue = "0.018", description = "... and over all of them "
                + "pooled (default ${DEFAULT-VALUE}; round four, docs/injection-model.md).")
        double stagePooledTargetFpr;

        List<Source> sources() throws IOException {
            return InjectionSources.read(manifest, Map.of("EVAL", evalData.toAbsolutePath().normalize().toString(),
                    "DATA", data.toAbsolutePath().normalize().toString()), seed);
        }

        InjectionFit fit(List<Source> sources) throws IOException {
            Optional<InjectionEmbeddingCache> cache = Optional.empty();
            if (embeddings != null) {
                InjectionEmbeddingCache c = InjectionEmbeddingCache.open(embeddings);
                // Up front, the texts training reads (the first cap of each training source, and the first texts
                // the stacker and the calibration score); a text scored later that the cache lacks is embedded then.
                int upFront = Math.max(cap, InjectionFit.MAX_SCORED);
                c.embedAll(sources.stream().filter(s -> s.role() != InjectionSources.Role.OTHER)
                        .flatMap(s -> s.texts().stream().limit(upFront)).toList(), System.err);
                cache = Optional.of(c);
            }
            return new InjectionFit(InjectionRules.builtIn(), new InjectionFit.Config(charGrams,
                    new InjectionTrainer.Settings(epochs, l2, 0.01, seed), cap, targetFpr, contentTargetFpr, !textCalibration,
                    weightPower, calibrationGroups, pooledTargetFpr, passages, stageTargetFpr, stagePooledTargetFpr,
                    calibrationGrouping, countWeighted(), phantomWords), cache);
        }

        private boolean countWeighted() {
            return switch (calibrationPool) {
                case "sampled" -> false;
                case "counts" -> true;
                default -> throw new IllegalArgumentException("--calibration-pool: sampled or counts, not "
                        + calibrationPool);
            };
        }

        String description(List<Source> sources) throws IOException {
            ObjectNode desc = Json.MAPPER.createObjectNode();
            desc.put("format", phantomWords == 0 ? "bastion-injection-model/2" : "bastion-injection-model/3");
            desc.put("features", charGrams ? "word 1-2-grams (quoted words apart) + char 3-5-grams + rules + shape"
                    : "word 1-2-grams (quoted words apart) + rules + shape");
            if (phantomWords != 0) {
                desc.put("phantom_words", phantomWords);
            }
            desc.put("seed", seed).put("epochs", epochs).put("l2", l2).put("cap_per_source", cap);
            desc.put("weight_power", weightPower);
            desc.put("target_fpr", targetFpr).put("content_target_fpr", contentTargetFpr);
            desc.put("pooled_target_fpr", pooledTargetFpr).put("content_passages", passages);
            if (embeddings != null) {
                desc.put("stage_target_fpr", stageTargetFpr).put("stage_pooled_target_fpr", stagePooledTargetFpr);
            }
            desc.put("calibration", textCalibration ? "sha256(text)[0] mod 5 == 0 (20%), per benign family"
                    : "out-of-source: " + calibrationGroups + " groups of the collections by "
                    + (calibrationGrouping == InjectionFit.Grouping.HASH ? "hash of the name" : "family, dealt out in turn")
                    + ", each scored by a model fitted on the others; per benign family and pooled"
                    + (countWeighted() ? ", each score weighted by its source's texts / texts scored" : ""));
            desc.put("embedding_stage", embeddings == null ? "none" : "all-MiniLM-L6-v2 (quantised) of the first 256 "
                    + "characters, logistic head stacked with the lexical logit on cross-fitted scores");
            desc.put("manifest", manifest.getFileName().toString());
            ArrayNode list = desc.putArray("sources");
            for (Source s : sources) {
                ObjectNode o = list.addObject();
                o.put("name", s.name()).put("role", s.role().name().toLowerCase(Locale.ROOT)).put("family", s.family())
                        .put("texts", s.texts().size());
                ArrayNode files = o.putArray("files");
                for (String p : s.paths()) {
                    ObjectNode f = files.addObject();
                    String file = p.contains("#") ? p.substring(0, p.lastIndexOf('#')) : p;
                    f.put("file", p.replaceAll(".*/", ""));
                    if (!p.startsWith("gen:")) {
                        f.put("sha256", dev.bastion.models.signing.Manifest.sha256(Path.of(file)));
                    }
                }
            }
            return desc.toString();
        }
    }

    @Command(name = "injection", description = "Train both prompt-injection models (direct and content) on every "
            + "source of a manifest and write the model file.")
    static final class Train extends Common implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "FILE")
        Path out;

        @Override
        public Integer call() throws IOException {
            List<Source> sources = sources();
            InjectionFit fit = fit(sources);
            InjectionModel model = fit.train(sources, Set.of(), seed, description(sources));
            try (OutputStream o = Files.newOutputStream(out)) {
                model.write(o);
            }
            System.out.printf(Locale.ROOT, "trained on %d sources; thresholds direct %.4f, content %.4f%s; wrote %s%n",
                    sources.size(), model.threshold(false), model.indirectThreshold(false), model.usesEmbeddings()
                    ? String.format(Locale.ROOT, ", direct with embeddings %.4f", model.threshold(true)) : "", out);
            double[] alt = fit.alternativeThresholds(model);
            for (int i = 0; i < alt.length; i++) {
                System.out.printf(Locale.ROOT, "rule %d (every family <= %.3f, pooled <= %.3f): direct%s threshold %.4f%n",
                        i, InjectionFit.ALTERNATIVE_RULES[i][0], InjectionFit.ALTERNATIVE_RULES[i][1],
                        model.usesEmbeddings() ? " with embeddings" : "", alt[i]);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "injection", description = "Leave-one-source-out evaluation of the injection detector: each "
            + "source is scored by models trained on all the others, at thresholds fixed before scoring; per source "
            + "and pooled; then latency of the all-sources model.")
    static final class Eval extends Common implements Callable<Integer> {
        @Option(names = "--no-latency", description = "Skip the latency measurement.")
        boolean noLatency;

        @Option(names = "--latency-only", description = "Only time the built-in model on every text of the sources.")
        boolean latencyOnly;

        @Option(names = "--model", paramLabel = "FILE", description = "With --latency-only: time this model instead of "
                + "the built-in one; if it has an embedding stage, with the local MiniLM encoder.")
        Path model;

        @Option(names = "--reverse-folds", description = "Score the folds from the last source of the manifest to "
                + "the first (training is unchanged): two runs, one in each order, cover a loaded machine's evaluation "
                + "in about half the time; each fold's lines and scores are the same in either order.")
        boolean reverseFolds;

        @Option(names = "--fold-shard", paramLabel = "K/N", defaultValue = "0/1", description = "Score only the "
                + "folds of every N-th scored source, starting at the K-th (from 0): N processes share one evaluation "
                + "(merged by bench/injection/merge-folds.py). Default ${DEFAULT-VALUE}: every fold.")
        String foldShard;

        @Option(names = "--scores-out", paramLabel = "FILE", description = "Also write every held-out direct score "
                + "(source, role, family, score, flagged, start of the text; tab-separated) to FILE, for analysis.")
        Path scoresOut;

        private int shard(int part) {
            int slash = foldShard.indexOf('/');
            try {
                return Integer.parseInt(part == 0 ? foldShard.substring(0, Math.max(0, slash))
                        : foldShard.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--fold-shard: K/N with whole numbers, not " + foldShard, e);
            }
        }

        @Override
        public Integer call() throws IOException {
            List<Source> sources = sources();
            if (latencyOnly) {
                InjectionModel m = InjectionModel.builtIn();
                if (model != null) {
                    try (java.io.InputStream in = Files.newInputStream(model)) {
                        m = InjectionModel.read(in);
                    }
                }
                Optional<SentenceEncoder> enc = encoder(m.usesEmbeddings());
                InjectionLoso.latency(System.out, new dev.bastion.guard.injection.InjectionScanner(m,
                        InjectionRules.builtIn(), enc, m.threshold(enc.isPresent()), m.indirectThreshold(false)),
                        sources, enc.isPresent() ? "lexical + embedding stage" : "lexical");
                return ExitCodes.OK;
            }
            if (scoresOut == null) {
                new InjectionLoso(fit(sources), sources, seed, reverseFolds, shard(0), shard(1)).run(System.out, !noLatency);
                return ExitCodes.OK;
            }
            try (java.io.PrintStream ps = new java.io.PrintStream(Files.newOutputStream(scoresOut), false,
                    java.nio.charset.StandardCharsets.UTF_8)) {
                new InjectionLoso(fit(sources), sources, seed, reverseFolds, shard(0), shard(1)).run(System.out, !noLatency,
                        Optional.of(ps));
            }
            return ExitCodes.OK;
        }
    }
}
