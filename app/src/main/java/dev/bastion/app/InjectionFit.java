package dev.bastion.app;

import dev.bastion.app.InjectionSources.Role;
import dev.bastion.app.InjectionSources.Source;
import dev.bastion.guard.injection.ContentWindows;
import dev.bastion.guard.injection.DenseLogistic;
import dev.bastion.guard.injection.Features;
import dev.bastion.guard.injection.IndirectInjections;
import dev.bastion.guard.injection.InjectionModel;
import dev.bastion.guard.injection.InjectionRules;
import dev.bastion.guard.injection.InjectionScanner;
import dev.bastion.guard.injection.InjectionTrainer;
import dev.bastion.guard.injection.SentenceEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One training run of both injection models on a set of sources, as used by every fold of the leave-one-source-out
 * evaluation and by the final model: thresholds come from out-of-source scores of cross-fitted groups of the
 * training collections (or, with {@code sourceCalibration} off, from a 20% hash split of each source); a source
 * contributes at most {@code cap} training texts, each weighted 1/sqrt(its source's
 * count) so large collections do not drown small ones; thresholds are fixed before anything is scored, the direct
 * one on every benign family, the content one on the document families (e-mails, documents, code: what tool
 * results and retrieved content look like). Featurised texts are cached across folds (features do not depend on the fold).
 */
final class InjectionFit {

    /**
     * What to fit: feature set, optimiser settings, per-source cap, target false-positive rates, and how training
     * texts are weighted: each text of a source with n training texts weighs n^-{@code weightPower} (0.5: a source's
     * total weight grows as sqrt(n); 1: every source weighs the same; 0: every text weighs the same), and how many
     * phantom words the word features' norm counts (round nine; stored in the model file).
     */
    record Config(boolean charGrams, InjectionTrainer.Settings settings, int cap, double targetFpr,
            double contentTargetFpr, boolean sourceCalibration, double weightPower, int calibrationGroups,
            double pooledTargetFpr, boolean passages, double stageTargetFpr, double stagePooledTargetFpr,
            Grouping grouping, boolean countWeighted, int phantomWords) {
        Config {
            if (phantomWords < 0) {
                throw new IllegalArgumentException("phantom words must be >= 0");
            }
            if (grouping == null) {
                throw new IllegalArgumentException("a calibration grouping is required");
            }
            if (cap < 1 || !(targetFpr > 0 && targetFpr < 1) || !(contentTargetFpr > 0 && contentTargetFpr < 1)
                    || !(weightPower >= 0 && weightPower <= 1) || calibrationGroups < 2
                    || !(pooledTargetFpr > 0 && pooledTargetFpr <= 1) || !(stageTargetFpr > 0 && stageTargetFpr < 1)
                    || !(stagePooledTargetFpr > 0 && stagePooledTargetFpr <= 1)) {
                throw new IllegalArgumentException("cap >= 1, target FPRs in (0, 1), weight power in [0, 1] and at "
                        + "least two calibration groups are required");
            }
        }
    }

    /**
     * How the training collections are cut into calibration groups. {@code HASH} (rounds three to eight): by a hash of
     * the collection's name, which gave groups of 3 to 12 collections, one of them holding every e-mail and every code
     * collection and three of the five injection collections, so its calibration model had never seen anything like
     * them and scored them far higher than a fold's model scores a held-out source. {@code FAMILY} (round nine): the
     * collections sorted by family and name and dealt out in turn, so groups differ in size by at most one and the
     * collections of one family fall in different groups: like a leave-one-source-out fold, a calibration model misses
     * few collections of any family.
     */
    enum Grouping { HASH, FAMILY }

    /** At most this many benign texts a source are scored for a threshold (sources are shuffled when read). */
    static final int MAX_SCORED = 400;

    private final InjectionRules rules;
    private final Config config;
    private final Map<String, Features.Sparse> cache = new ConcurrentHashMap<>();
    /** Calibration models by the names they were fitted on: across folds the one of the left-out group is unchanged. */
    private final Map<String, Weights> calibrationModels = new ConcurrentHashMap<>();
    private final Map<String, Scores> calibrationScores = new ConcurrentHashMap<>();
    private final Map<String, List<DenseLogistic.Example>> stackRows = new ConcurrentHashMap<>();
    private final Optional<InjectionEmbeddingCache> embeddings;

    /**
     * Other threshold rules, reported beside the configured one by the evaluation (same folds, same held-out scores):
     * each is (per-family target, pooled target) over the same cross-fitted calibration scores (weighted as the
     * configuration says), declared before any held-out score is seen. Round nine: the budget itself (every family
     * <= 5%, pooled <= 2%), the shipped per-family rule without a pooled bound (3%), and round eight's declared rule
     * (4%, pooled 1.5%); the configured rule of round nine's run is every family <= 4%, pooled <= 1.8%
     * (docs/injection-model.md, round nine).
     */
    static final double[][] ALTERNATIVE_RULES = {{0.05, 0.02}, {0.03, 1}, {0.04, 0.015}};
    private final Map<InjectionModel, double[]> alternatives = java.util.Collections.synchronizedMap(
            new java.util.IdentityHashMap<>());

    /** The thresholds of {@link #ALTERNATIVE_RULES} for a model this fit trained (for its scanner's direct score). */
    double[] alternativeThresholds(InjectionModel m) {
        return alternatives.getOrDefault(m, new double[0]);
    }

    private static double[] alternatives(Map<String, List<InjectionTrainer.Weighted>> scores) {
        double[] t = new double[ALTERNATIVE_RULES.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = InjectionTrainer.weightedThreshold(scores, ALTERNATIVE_RULES[i][0], ALTERNATIVE_RULES[i][1]);
        }
        return t;
    }

    /** The weight each of {@code scored} calibration scores of {@code s} stands for (see {@link Config}). */
    private double weight(Source s, int scored) {
        return config.countWeighted() && scored > 0 ? (double) s.texts().size() / scored : 1;
    }

    InjectionFit(InjectionRules rules, Config config) {
        this(rules, config, Optional.empty());
    }

    /**
     * With {@code embeddings}, the direct model gains an embedding stage: a logistic head over the sentence embedding
     * of each training text, stacked with the lexical model by a second regression fitted on cross-fitted scores
     * (see {@link #train}). Every text must have been embedded into the cache first.
     */
    InjectionFit(InjectionRules rules, Config config, Optional<InjectionEmbeddingCache> embeddings) {
        this.rules = rules;
        this.config = config;
        this.embeddings = embeddings;
    }

    /** The encoder the models of this fit are to be scored with (the embedding cache), if any. */
    Optional<SentenceEncoder> encoder() {
        return embeddings.map(InjectionEmbeddingCache::encoder);
    }

    Config config() {
        return config;
    }

    static boolean calibration(String text) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Math.floorMod(h[0], 5) == 0;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Features.Sparse features(String text) {
        return cache.computeIfAbsent(text, t -> InjectionTrainer.features(t, rules, config.charGrams(), config.phantomWords()));
    }

    /**
     * Trains on every source not in {@code leaveOut} and returns the model with its thresholds. With source
     * calibration, the thresholds come from benign texts scored by a model that never saw their source: the training
     * collections are cut into {@code calibrationGroups} groups by a hash of their names, and a model fitted on all the
     * other groups scores each group's benign texts; a held-out collection is then judged at a threshold set on
     * out-of-source scores, not on texts like the ones trained on (which score lower and give too low a threshold).
     * With more groups each calibration model is closer to the fold's own model (it saw (k-1)/k of its sources), so
     * its scores stand for the held-out ones better; two halves gave thresholds far stricter than needed.
     */
    InjectionModel train(List<Source> sources, Set<String> leaveOut, long seed, String description) {
        List<Source> used = sources.stream().filter(s -> !leaveOut.contains(s.name()) && s.role() != Role.OTHER).toList();
        Weights all = fitWeights(used, seed, !config.sourceCalibration());
        Map<String, List<String>> calibration = new TreeMap<>();
        Map<String, List<Double>> directScores = new TreeMap<>();
        Map<String, List<InjectionTrainer.Weighted>> weightedDirect = new TreeMap<>();
        Map<String, List<Double>> contentScores = new TreeMap<>();
        Map<String, Integer> groups = groups(sources);
        if (config.sourceCalibration()) {
            // Cross-fitting by collection: group g is scored by a model fitted on every other group, so each
            // calibration score comes from a model that never saw that collection, and with k groups that model saw
            // (k-1)/k of the training sources: close to the fold's own model, whose held-out scores it stands for.
            int k = config.calibrationGroups();
            for (int group = 0; group < k; group++) {
                int g = group;
                List<Source> fitOn = used.stream().filter(s -> groups.get(s.name()) != g).toList();
                List<Source> scoreOn = used.stream().filter(s -> groups.get(s.name()) == g).toList();
                String key = fitOn.stream().map(Source::name).sorted().toList() + "/" + seed;
                Weights w = calibrationModels.computeIfAbsent(key, x -> fitWeights(fitOn, seed, false));
                for (Source s : scoreOn) {
                    Scores sc = calibrationScores.computeIfAbsent(key + "|" + s.name(), x -> score(w, s, false));
                    directScores.computeIfAbsent(s.family(), x -> new ArrayList<>()).addAll(sc.direct());
                    double weight = weight(s, sc.direct().size());
                    weightedDirect.computeIfAbsent(s.family(), x -> new ArrayList<>()).addAll(sc.direct().stream()
                            .map(x -> new InjectionTrainer.Weighted(x, weight)).toList());
                    if (s.role() == Role.DOCUMENT) {
                        contentScores.computeIfAbsent(s.family(), x -> new ArrayList<>()).addAll(sc.content());
                    }
                }
            }
        } else {
            for (Source s : used) {
                Scores sc = score(all, s, true);
                directScores.computeIfAbsent(s.family(), k -> new ArrayList<>()).addAll(sc.direct());
                weightedDirect.computeIfAbsent(s.family(), k -> new ArrayList<>()).addAll(sc.direct().stream()
                        .map(x -> new InjectionTrainer.Weighted(x, 1)).toList());
                if (s.role() == Role.DOCUMENT) {
                    contentScores.computeIfAbsent(s.family(), k -> new ArrayList<>()).addAll(sc.content());
                }
            }
        }
        double directThreshold = InjectionTrainer.weightedThreshold(weightedDirect, config.targetFpr(),
                config.pooledTargetFpr());
        List<InjectionTrainer.Weighted> pooled = weightedDirect.values().stream().flatMap(List::stream).toList();
        System.err.printf(java.util.Locale.ROOT, "calibration (%s out): direct threshold %.4f, predicted pooled FPR "
                + "%.4f%n", leaveOut, directThreshold, InjectionTrainer.weightedShareAtOrAbove(pooled, directThreshold));
        double contentThreshold = InjectionTrainer.threshold(contentScores, config.contentTargetFpr(),
                config.pooledTargetFpr());
        if (embeddings.isEmpty() || !config.sourceCalibration()) {
            InjectionModel m = InjectionTrainer.model(rules, config.charGrams(), config.phantomWords(), all.direct, all.content,
                    directThreshold, contentThreshold, description);
            alternatives.put(m, alternatives(weightedDirect));
            return m;
        }
        // The embedding stage. Stacker: a regression on (lexical logit, head logit) of every training collection's
        // texts, each scored by the calibration model that never saw its collection, so the stacker learns how far
        // each model is to be trusted on collections it did not see. Its threshold: the same rule as the lexical one,
        // on the benign calibration texts scored by each group's stacked model (cascade and decoded views included,
        // exactly as the scanner scores them).
        int k = config.calibrationGroups();
        List<DenseLogistic.Example> rows = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int group = 0; group < k; group++) {
            int g = group;
            List<Source> fitOn = used.stream().filter(s -> groups.get(s.name()) != g).toList();
            String key = fitOn.stream().map(Source::name).sorted().toList() + "/" + seed;
            keys.add(key);
            Weights w = calibrationModels.get(key);
            for (Source s : used) {
                if (groups.get(s.name()) == g && s.role() != Role.INDIRECT) {
                    rows.addAll(stackRows.computeIfAbsent(key + "|" + s.name(), x -> stackRows(w, s)));
                }
            }
        }
        float[] stacker = DenseLogistic.fit(rows, new InjectionTrainer.Settings(STACK_EPOCHS, 0, 0.01, seed));
        System.err.printf(java.util.Locale.ROOT, "stacker: %.4f * lexical + %.4f * embedding + %.4f (%d rows)%n",
                stacker[0], stacker[1], stacker[2], rows.size());
        // Counted as the lexical threshold's scores are (round twelve): with --calibration-pool counts each scored text
        // of a source stands for (texts of the source) / (texts scored); with sampled, every weight is 1 and the rule
        // is round four's exactly.
        Map<String, List<InjectionTrainer.Weighted>> fullScores = new TreeMap<>();
        for (int group = 0; group < k; group++) {
            Weights w = calibrationModels.get(keys.get(group));
            InjectionModel m = InjectionTrainer.model(rules, config.charGrams(), config.phantomWords(), w.direct, w.content,
                    InjectionTrainer.stacked(w.direct, w.head, stacker), 0.5, 0.5, 0.5, "{}");
            InjectionScanner scanner = new InjectionScanner(m, rules, encoder(), 0.5, 0.5);
            for (Source s : used) {
                if (groups.get(s.name()) == group && !s.attack()) {
                    List<Double> scored = new ArrayList<>();
                    for (String t : s.texts()) {
                        if (scored.size() >= MAX_SCORED) {
                            break;
                        }
                        scored.add(scanner.score(t));
                    }
                    double weight = weight(s, scored.size());
                    fullScores.computeIfAbsent(s.family(), x -> new ArrayList<>()).addAll(scored.stream()
                            .map(x -> new InjectionTrainer.Weighted(x, weight)).toList());
                }
            }
        }
        double fullThreshold = InjectionTrainer.weightedThreshold(fullScores, config.stageTargetFpr(),
                config.stagePooledTargetFpr());
        List<InjectionTrainer.Weighted> fullPooled = fullScores.values().stream().flatMap(List::stream).toList();
        System.err.printf(java.util.Locale.ROOT, "calibration (%s out): stage threshold %.4f, predicted pooled FPR "
                + "%.4f%n", leaveOut, fullThreshold, InjectionTrainer.weightedShareAtOrAbove(fullPooled, fullThreshold));
        InjectionModel m = InjectionTrainer.model(rules, config.charGrams(), config.phantomWords(), all.direct, all.content,
                InjectionTrainer.stacked(all.direct, all.head, stacker), directThreshold, contentThreshold,
                fullThreshold, description);
        alternatives.put(m, alternatives(fullScores));
        return m;
    }

    static final int STACK_EPOCHS = 10;
    static final int HEAD_EPOCHS = 10;

    /** (lexical logit, head logit) of up to {@value #MAX_SCORED} texts of {@code s}, weighted 1/sqrt(count). */
    private List<DenseLogistic.Example> stackRows(Weights w, Source s) {
        List<float[]> xs = new ArrayList<>();
        for (String t : s.texts()) {
            if (xs.size() >= MAX_SCORED) {
                break;
            }
            double p = InjectionTrainer.score(w.direct, features(t));
            double zLex = Math.log(Math.max(1e-9, p) / Math.max(1e-9, 1 - p));
            double zEmb = DenseLogistic.logit(w.head, embedding(t));
            xs.add(new float[] {(float) zLex, (float) zEmb});
        }
        double weight = 1 / Math.sqrt(xs.size());
        return xs.stream().map(x -> new DenseLogistic.Example(x, s.attack(), weight)).toList();
    }

    private float[] embedding(String text) {
        return embeddings.orElseThrow().of(text).orElseThrow(() -> new IllegalStateException("text not embedded"));
    }

    /** The calibration group of a source: a hash of its collection, so the parts of one collection stay together. */
    static int group(Source s, int groups) {
        return Math.floorMod(s.collection().hashCode(), groups);
    }

    /**
     * The calibration group of every source of the manifest (the whole list, so a source's group is the same in every
     * fold): by {@link #group} under {@link Grouping#HASH}; under {@link Grouping#FAMILY} the collections, sorted by
     * the family of their first source and then by name, are dealt out to the groups in turn. The parts of one
     * collection always share a group.
     */
    Map<String, Integer> groups(List<Source> sources) {
        int k = config.calibrationGroups();
        Map<String, Integer> out = new java.util.HashMap<>();
        if (config.grouping() == Grouping.HASH) {
            sources.forEach(s -> out.put(s.name(), group(s, k)));
            return out;
        }
        Map<String, String> familyOf = new java.util.LinkedHashMap<>();
        for (Source s : sources) {
            if (s.role() != Role.OTHER) {
                familyOf.putIfAbsent(s.collection(), s.family());
            }
        }
        List<String> order = familyOf.keySet().stream().sorted(java.util.Comparator.comparing((String c) ->
                familyOf.get(c)).thenComparing(c -> c)).toList();
        Map<String, Integer> byCollection = new java.util.HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            byCollection.put(order.get(i), i % k);
        }
        sources.forEach(s -> out.put(s.name(), byCollection.getOrDefault(s.collection(), 0)));
        return out;
    }

    /** Fitted weights; {@code head} is empty without embeddings. */
    private record Weights(float[] direct, float[] content, float[] head) {
    }

    private record Scores(List<Double> direct, List<Double> content) {
    }

    /** Scores the benign texts of {@code s} (only its calibration part when {@code calibrationOnly}); none if attack. */
    private Scores score(Weights w, Source s, boolean calibrationOnly) {
        List<Double> direct = new ArrayList<>();
        List<Double> content = new ArrayList<>();
        if (!s.attack()) {
            InjectionModel draft = InjectionTrainer.model(rules, config.charGrams(), config.phantomWords(), w.direct, w.content, 0.5, 0.5, "{}");
            InjectionScanner scanner = new InjectionScanner(draft, rules, Optional.empty(), 0.5, 0.5);
            for (String t : s.texts()) {
                if ((!calibrationOnly || calibration(t)) && direct.size() < MAX_SCORED) {
                    direct.add(scanner.score(t));
                    content.add(scanner.scoreContent(t));
                }
            }
        }
        return new Scores(direct, content);
    }

    /**
     * The content model also judges passages ({@link ContentWindows}) on their own, so it learns them: the passages of
     * a clean document are benign, the passages the hidden instruction added are attacks. At most
     * {@value #PASSAGES_PER_DOCUMENT} clean passages a document, each weighing a share of the document's weight.
     */
    private void passages(String clean, String injected, double w, List<InjectionTrainer.Example> content) {
        List<String> before = ContentWindows.of(clean);
        java.util.Set<String> known = new java.util.HashSet<>(before);
        int n = Math.min(PASSAGES_PER_DOCUMENT, before.size());
        for (int j = 0; j < n; j++) {
            content.add(new InjectionTrainer.Example(features(before.get(j)), false, w / Math.max(2, n)));
        }
        for (String p : ContentWindows.of(injected)) {
            if (!known.contains(p)) {
                content.add(new InjectionTrainer.Example(features(p), true, w));
            }
        }
    }

    static final int PASSAGES_PER_DOCUMENT = 8;

    /** Fits both models on {@code sources} (their training part only when {@code holdCalibration}). */
    private Weights fitWeights(List<Source> sources, long seed, boolean holdCalibration) {
        List<InjectionTrainer.Example> direct = new ArrayList<>();
        List<InjectionTrainer.Example> content = new ArrayList<>();
        List<DenseLogistic.Example> dense = new ArrayList<>();
        for (Source s : sources) {
            List<String> train = new ArrayList<>();
            for (String t : s.texts()) {
                if (!(holdCalibration && calibration(t)) && train.size() < config.cap()) {
                    train.add(t);
                }
            }
            double w = Math.pow(Math.max(1, train.size()), -config.weightPower());
            for (String t : train) {
                Features.Sparse f = features(t);
                direct.add(new InjectionTrainer.Example(f, s.attack(), w));
                content.add(new InjectionTrainer.Example(f, s.attack(), w));
                if (embeddings.isPresent()) {
                    dense.add(new DenseLogistic.Example(embedding(t), s.attack(), w));
                }
            }
            if (s.role() == Role.DOCUMENT) {
                // The same documents with a hidden instruction: attacks for both models, weighted up for content.
                List<String> injected = IndirectInjections.inject(train, IndirectInjections.Half.TRAIN,
                        seed ^ s.name().hashCode());
                for (int i = 0; i < injected.size(); i++) {
                    Features.Sparse f = features(injected.get(i));
                    direct.add(new InjectionTrainer.Example(f, true, w / 2));
                    content.add(new InjectionTrainer.Example(f, true, w * 2));
                    if (config.passages()) {
                        passages(train.get(i), injected.get(i), w, content);
                    }
                }
            }
        }
        // The head learns from the texts only: an injected document's first 256 characters are its clean start.
        float[] head = embeddings.isEmpty() ? new float[0] : DenseLogistic.fit(dense, new InjectionTrainer.Settings(
                HEAD_EPOCHS, 1e-5, 0.005, config.settings().seed()));
        return new Weights(InjectionTrainer.fit(direct, rules, config.settings()),
                InjectionTrainer.fit(content, rules, config.settings()), head);
    }
}
