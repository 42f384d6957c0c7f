package dev.bastion.app;

import com.fasterxml.jackson.databind.JsonNode;
import ai.onnxruntime.OrtSession;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.embeddings.MiniLmTokenVectors;
import dev.bastion.guard.eval.PiiEvaluation;
import dev.bastion.guard.eval.PiiTokenScore;
import dev.bastion.guard.pii.ContextModel;
import dev.bastion.guard.pii.ContextStage;
import dev.bastion.guard.pii.ContextTraining;
import dev.bastion.guard.pii.ContextTraining.Doc;
import dev.bastion.guard.pii.ContextTraining.Labelled;
import dev.bastion.guard.pii.PiiMode;
import dev.bastion.guard.pii.PiiScanner;
import dev.bastion.guard.pii.Recognizer;
import dev.bastion.guard.pii.TokenVectors;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bastion eval pii-context}: the contextual PII stage measured leave one source out. For every training
 * source (generated documents, GUM genres grouped by origin, WNUT-17 tweets) a model is trained on the other sources
 * and the one left out is scored, for the first stage alone and for each way of combining the stages, in both modes:
 * token precision, recall and F2 over PERSON, LOCATION, ORGANIZATION and STREET_ADDRESS (any of the four counts as a
 * hit, as presidio-research's PII figure; other types are ignored on both sides), F2 per type, and character
 * precision. Then a model trained on every source is scored on sources none of them contains: presidio-research
 * synth (all types, presidio-research mapping, as {@code bastion eval pii}) and the benign prompt sets (characters
 * flagged). {@code --out} writes that model. Word vectors are cached under {@code --cache}.
 */
@Command(name = "pii-context", description = "Leave-one-source-out evaluation (and training) of the contextual "
        + "PII stage over MiniLM token vectors.")
final class PiiContextEval implements Callable<Integer> {
    @Option(names = "--gum", required = true, paramLabel = "DIR", description = "GUM dep/ folder (*.conllu).")
    Path gum;

    @Option(names = "--wnut", required = true, paramLabel = "DIR", description = "WNUT-17 folder (wnut17train.conll, "
            + "emerging.dev.conll, emerging.test.annotated).")
    Path wnut;

    @Option(names = "--cache", required = true, paramLabel = "DIR", description = "Where word vectors are kept.")
    Path cache;

    @Option(names = "--generated", defaultValue = "3000", paramLabel = "N", description = "Generated documents.")
    int generated;

    @Option(names = "--hidden", defaultValue = "0", paramLabel = "N", description = "Hidden units (0: logistic "
            + "regression).")
    int hidden;

    @Option(names = "--epochs", defaultValue = "3", paramLabel = "N")
    int epochs;

    @Option(names = "--rate", defaultValue = "0.0005", paramLabel = "R")
    double rate;

    @Option(names = "--l2", defaultValue = "0.0001", paramLabel = "L")
    double l2;

    @Option(names = "--no-first-stage", description = "Leave the first stage's spans out of the features.")
    boolean noFirstStage;

    @Option(names = "--skip-loso", description = "Only train on every source (for --out, --presidio, --benign).")
    boolean skipLoso;

    @Option(names = "--presidio", paramLabel = "FILE", description = "presidio-research synth JSON, scored as unseen.")
    Path presidio;

    @Option(names = "--benign", arity = "1..*", paramLabel = "FILE", description = "Benign prompt sets, as for "
            + "bastion eval pii --benign.")
    List<String> benign;

    @Option(names = "--latency", paramLabel = "ROUNDS", description = "Only time the shipped model with the real "
            + "encoder on the --benign and --presidio texts joined into 1 KB documents, this many rounds; no training.")
    int latency;

    @Option(names = "--latency-levels", description = "With --latency: also time the encoder alone at ONNX Runtime's "
            + "graph optimisation levels ALL_OPT, BASIC_OPT and NO_OPT.")
    boolean levels;

    @Option(names = "--configs", split = ",", paramLabel = "NAME", description = "Combinations to score (default: "
            + "all): first-stage, REPLACE, ADD, VETO, VETO_ADD, FILL, VETO_FILL.")
    List<String> configs;

    @Option(names = "--model", paramLabel = "FILE", description = "Score the unseen sources with this model instead "
            + "of training one on every source.")
    Path model;

    @Option(names = "--benign-errors", defaultValue = "0", paramLabel = "N", description = "Also print the N most "
            + "frequent flagged values on the benign sets.")
    int benignErrors;

    @Option(names = "--gate", paramLabel = "GATE", description = "What the encoder reads: ALL (the whole text) or "
            + "CANDIDATES (sentences with a candidate word; default).")
    ContextStage.Gate gate = ContextStage.DEFAULT_GATE;

    @Option(names = "--balanced-floor", split = ",", paramLabel = "P", description = "Balanced mode: a word is "
            + "inside an entity only when its entity probability also reaches P (default: the shipped floor); several "
            + "values are scored side by side (config@P).")
    List<Double> balancedFloors = List.of(ContextStage.DEFAULT_BALANCED_FLOOR);

    @Option(names = "--out", paramLabel = "FILE", description = "Write the model trained on every source here.")
    Path out;

    /** GUM genres grouped by where their text comes from; only genres whose text licence allows commercial use. */
    static final Map<String, Set<String>> GUM_SOURCES = new LinkedHashMap<>(Map.of(
            "gum-wiki (bio, voyage)", Set.of("bio", "voyage"),
            "gum-wikinews (news, interview)", Set.of("news", "interview"),
            "gum-academic (academic, court)", Set.of("academic", "court")));

    private final Map<String, TokenVectors.Words> vectors = new HashMap<>();

    @Override
    public Integer call() throws IOException {
        if (latency > 0) {
            return latency();
        }
        Map<String, List<Labelled>> sources = new LinkedHashMap<>();
        sources.put("generated", ContextTraining.generated(generated, 7));
        for (var e : GUM_SOURCES.entrySet()) {
            sources.put(e.getKey(), PiiContextData.gum(gum, e.getValue()));
        }
        sources.put("wnut17", PiiContextData.wnut(List.of(wnut.resolve("wnut17train.conll"),
                wnut.resolve("emerging.dev.conll"), wnut.resolve("emerging.test.annotated"))));
        ContextTraining.Settings settings = new ContextTraining.Settings(hidden, epochs, rate, l2, 1, !noFirstStage);
        System.out.println("settings: " + settings + "; gate " + gate + ", balanced floors " + balancedFloors);
        Map<String, List<Doc>> docs = new LinkedHashMap<>();
        try (MiniLmTokenVectors encoder = new MiniLmTokenVectors(1, 1)) {
            for (var e : sources.entrySet()) {
                docs.put(e.getKey(), docs(e.getKey(), e.getValue(), encoder));
                long spans = e.getValue().stream().mapToLong(l -> l.gold().size()).sum();
                long words = docs.get(e.getKey()).stream().mapToLong(d -> d.words().size()).sum();
                System.out.printf(Locale.ROOT, "source %-32s texts %6d words %7d entity spans %6d%n", e.getKey(),
                        e.getValue().size(), words, spans);
            }
            if (!skipLoso) {
                gated(sources.values().stream().flatMap(List::stream).map(Labelled::text).toList(), "gated", encoder);
                loso(docs, settings);
            }
            if (out != null || presidio != null || benign != null) {
                List<Doc> all = docs.values().stream().flatMap(List::stream).toList();
                ContextModel model;
                if (this.model != null) {
                    try (var in = Files.newInputStream(this.model)) {
                        model = ContextModel.read(in);
                    }
                } else {
                    model = ContextTraining.train(all, settings, recipe(sources, settings));
                }
                if (out != null) {
                    try (OutputStream o = Files.newOutputStream(out)) {
                        model.write(o);
                    }
                    System.out.println("wrote " + out + " (" + Files.size(out) + " bytes)");
                }
                unseen(model, encoder);
            }
        }
        return 0;
    }

    private int latency() throws IOException {
        List<String> texts = new ArrayList<>();
        if (presidio != null) {
            Json.MAPPER.readTree(presidio.toFile()).forEach(s -> texts.add(s.path("full_text").asText()));
        }
        for (String spec : benign == null ? List.<String>of() : benign) {
            PromptSets.read(spec, null).forEach(p -> texts.add(p.text()));
        }
        List<String> docs = PiiContextLatency.documents(texts, 1024);
        try (MiniLmTokenVectors encoder = new MiniLmTokenVectors(1, 1)) {
            PiiContextLatency.profile(encoder, docs, 1);
            if (levels) {
                try (MiniLmTokenVectors basic = new MiniLmTokenVectors(1, 1, OrtSession.SessionOptions.OptLevel.BASIC_OPT);
                        MiniLmTokenVectors none = new MiniLmTokenVectors(1, 1, OrtSession.SessionOptions.OptLevel.NO_OPT)) {
                    var tasks = PiiContextLatency.tasks();
                    tasks.put("encoder alone, whole text, ALL_OPT", encoder::of);
                    tasks.put("encoder alone, whole text, BASIC_OPT", basic::of);
                    tasks.put("encoder alone, whole text, NO_OPT", none::of);
                    PiiContextLatency.compare(tasks, docs, 1);
                }
            }
            TokenVectors oneByOne = encoder::of; // the interface's default: each region a run of its own
            ContextModel model = ContextStage.shippedModel();
            for (PiiMode mode : PiiMode.values()) {
                PiiScanner base = PiiScanner.defaults(mode);
                var scanners = PiiContextLatency.tasks();
                scanners.put(mode.configName() + ", first stage", base::find);
                scanners.put(mode.configName() + ", contextual, gate ALL", base.withContext(new ContextStage(model,
                        encoder, ContextStage.DEFAULT_COMBINE, ContextStage.Gate.ALL, balancedFloors.get(0)))::find);
                scanners.put(mode.configName() + ", contextual, gate CANDIDATES", base.withContext(new ContextStage(
                        model, encoder, ContextStage.DEFAULT_COMBINE, ContextStage.Gate.CANDIDATES,
                        balancedFloors.get(0)))::find);
                scanners.put(mode.configName() + ", contextual, gate CANDIDATES, unbatched", base.withContext(
                        new ContextStage(model, oneByOne, ContextStage.DEFAULT_COMBINE, ContextStage.Gate.CANDIDATES,
                        balancedFloors.get(0)))::find);
                PiiContextLatency.compare(scanners, docs, latency);
            }
        }
        return 0;
    }

    private List<Doc> docs(String name, List<Labelled> texts, TokenVectors encoder) throws IOException {
        String file = name.replaceAll("[^a-z0-9]+", "-") + (name.equals("generated") ? "-" + generated : "") + ".bin";
        List<TokenVectors.Words> w = PiiContextCache.load(cache.resolve(file),
                texts.stream().map(Labelled::text).toList(), encoder, name);
        List<Doc> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            Labelled l = texts.get(i);
            vectors.put(l.text(), w.get(i));
            out.add(new Doc(l.text(), w.get(i), l.gold(), ContextTraining.firstStageNames(l.text())));
        }
        return out;
    }

    /**
     * Encodes (or reads from the cache) the regions {@link ContextStage.Gate#CANDIDATES} reads of {@code texts} in
     * either mode, where they are not the whole text, so the cached encoder answers for them as the real one would.
     */
    private void gated(List<String> texts, String label, TokenVectors encoder) throws IOException {
        if (gate == ContextStage.Gate.ALL) {
            return;
        }
        java.util.LinkedHashSet<String> parts = new java.util.LinkedHashSet<>();
        long chars = 0;
        long read = 0;
        for (String text : texts) {
            chars += text.length();
            for (PiiMode mode : PiiMode.values()) {
                int[] r = ContextStage.regions(text, mode);
                boolean whole = r.length == 2 && r[0] == 0 && r[1] == text.length();
                for (int k = 0; k < r.length && !whole; k += 2) {
                    parts.add(text.substring(r[k], r[k + 1]));
                }
                if (mode == PiiMode.BALANCED) {
                    for (int k = 0; k < r.length; k += 2) {
                        read += r[k + 1] - r[k];
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s: the gate reads %.1f%% of %d characters in balanced mode; %d regions to "
                + "encode%n", label, 100.0 * read / Math.max(1, chars), chars, parts.size());
        List<String> list = List.copyOf(parts);
        List<TokenVectors.Words> w = PiiContextCache.load(cache.resolve(label + "-" + PiiContextCache.sha256(list)
                .substring(0, 12) + ".bin"), list, encoder, label);
        for (int i = 0; i < list.size(); i++) {
            vectors.putIfAbsent(list.get(i), w.get(i));
        }
    }

    private String recipe(Map<String, List<Labelled>> sources, ContextTraining.Settings s) {
        StringBuilder b = new StringBuilder("bastion eval pii-context --generated " + generated + " --hidden " + hidden
                + " --epochs " + epochs + " --rate " + rate + " --l2 " + l2 + (noFirstStage ? " --no-first-stage" : "")
                + "; sources:");
        for (var e : sources.entrySet()) {
            b.append(' ').append(e.getKey()).append(" sha256 ")
                    .append(PiiContextCache.sha256(e.getValue().stream().map(Labelled::text).toList())).append(';');
        }
        b.append(" GUM (amir-zeldes/gum, CC BY 4.0 annotations; texts CC BY / CC BY-SA), WNUT-17 "
                + "(leondz/emerging_entities_17, CC BY 4.0), generated (name-templates.txt and gazetteers); ")
                .append(s);
        return b.toString();
    }

    static final List<String> CONFIGS = List.of("first stage", "REPLACE", "ADD", "VETO", "VETO_ADD", "FILL",
            "VETO_FILL");

    private void loso(Map<String, List<Doc>> docs, ContextTraining.Settings settings) {
        Map<String, PiiTokenScore> pooled = new LinkedHashMap<>();
        Map<String, long[]> pooledChars = new LinkedHashMap<>();
        System.out.println("leave one source out: train on the other sources, score the one left out; token level over "
                + "PERSON, LOCATION, ORGANIZATION, STREET_ADDRESS (any of them counts), char precision over the same");
        System.out.println("held-out source                  mode     config        P      R     F2  charP |"
                + " PERSON LOCATN ORGANI STREET (F2 per type)");
        for (String held : docs.keySet()) {
            List<Doc> train = docs.entrySet().stream().filter(e -> !e.getKey().equals(held))
                    .flatMap(e -> e.getValue().stream()).toList();
            ContextModel model = ContextTraining.train(train, settings, "loso fold without " + held);
            for (PiiMode mode : PiiMode.values()) {
                for (String config : configs(mode)) {
                    PiiScanner scanner = scanner(mode, config, model);
                    PiiTokenScore score = new PiiTokenScore(four());
                    long[] chars = new long[2];
                    for (Doc d : docs.get(held)) {
                        add(score, chars, d.text(), d.gold(), scanner.find(d.text()));
                    }
                    String key = mode.configName() + "\t" + config;
                    PiiTokenScore p = pooled.computeIfAbsent(key, k -> new PiiTokenScore(four()));
                    p.addAll(score);
                    long[] pc = pooledChars.computeIfAbsent(key, k -> new long[2]);
                    pc[0] += chars[0];
                    pc[1] += chars[1];
                    row(held, mode.configName(), config, score, chars);
                }
            }
        }
        for (var e : pooled.entrySet()) {
            String[] k = e.getKey().split("\t");
            row("POOLED (all folds)", k[0], k[1], e.getValue(), pooledChars.get(e.getKey()));
        }
    }

    /** The configurations scored in {@code mode}: in balanced mode each combination at each floor (config@P). */
    private List<String> configs(PiiMode mode) {
        List<String> plain = configs == null ? CONFIGS : configs.stream()
                .map(c -> c.equals("first-stage") ? "first stage" : c).toList();
        if (mode != PiiMode.BALANCED || balancedFloors.size() < 2) {
            return plain;
        }
        List<String> out = new ArrayList<>();
        for (String c : plain) {
            if (c.equals("first stage")) {
                out.add(c);
            } else {
                balancedFloors.forEach(f -> out.add(c + "@" + f));
            }
        }
        return out;
    }

    private PiiScanner scanner(PiiMode mode, String config, ContextModel model) {
        PiiScanner base = PiiScanner.defaults(mode);
        if (config.equals("first stage")) {
            return base;
        }
        TokenVectors cached = text -> {
            TokenVectors.Words w = vectors.get(text);
            if (w == null) {
                // a silent miss would score the first stage alone and pass for the stage's result
                throw new IllegalStateException("no cached word vectors for a text of " + text.length() + " chars");
            }
            return Optional.of(w);
        };
        String[] parts = config.split("@");
        double floor = parts.length > 1 ? Double.parseDouble(parts[1]) : balancedFloors.get(0);
        return base.withContext(new ContextStage(model, cached, ContextStage.Combine.valueOf(parts[0]), gate, floor));
    }

    /**
     * Scores only the four types: every other type is O in gold and predictions. Built when an evaluation runs, not
     * when the class loads: the command tree loads this class on every start, and the recognisers take a second.
     */
    private static PiiTokenScore.Mode four() {
        Map<String, String> m = new HashMap<>();
        for (String t : PiiScanner.types()) {
            if (!ContextModel.TYPES.contains(t)) {
                m.put(t, "O");
            }
        }
        for (String t : List.of("DENY_LIST", "TITLE", "NRP", "ZIP_CODE")) {
            m.put(t, "O");
        }
        return new PiiTokenScore.Mode("four types", m, false);
    }

    private static void add(PiiTokenScore score, long[] chars, String text, List<ContextTraining.Span> gold,
            List<Recognizer.Candidate> found) {
        List<PiiTokenScore.Span> g = gold.stream().filter(s -> ContextModel.TYPES.contains(s.type()))
                .map(s -> new PiiTokenScore.Span(s.type(), s.start(), s.end())).toList();
        List<PiiTokenScore.Span> p = found.stream().filter(c -> ContextModel.TYPES.contains(c.type()))
                .map(c -> new PiiTokenScore.Span(c.type(), c.start(), c.end())).toList();
        score.add(text, g, p);
        boolean[] inGold = new boolean[text.length()];
        g.forEach(s -> java.util.Arrays.fill(inGold, s.start(), Math.min(text.length(), s.end()), true));
        boolean[] flagged = new boolean[text.length()];
        p.forEach(s -> java.util.Arrays.fill(flagged, s.start(), s.end(), true));
        for (int k = 0; k < text.length(); k++) {
            if (flagged[k] && !Character.isWhitespace(text.charAt(k))) {
                chars[0]++;
                chars[1] += inGold[k] ? 1 : 0;
            }
        }
    }

    private static void row(String source, String mode, String config, PiiTokenScore s, long[] chars) {
        long[] c = s.counts(null, true);
        StringBuilder types = new StringBuilder();
        for (String t : ContextModel.TYPES) {
            types.append(String.format(Locale.ROOT, " %6.3f", f2(s.counts(t, false))));
        }
        System.out.printf(Locale.ROOT, "%-32s %-8s %-9s %6.3f %6.3f %6.3f %6.3f |%s  (gold tokens %d)%n", source,
                mode, config, c[1] == 0 ? 0 : (double) c[0] / c[1], c[2] == 0 ? 0 : (double) c[0] / c[2], f2(c),
                chars[0] == 0 ? 0 : (double) chars[1] / chars[0], types, c[2]);
    }

    static double f2(long[] c) {
        double p = c[1] == 0 ? 0 : (double) c[0] / c[1];
        double r = c[2] == 0 ? 0 : (double) c[0] / c[2];
        return p + r == 0 ? 0 : 5 * p * r / (4 * p + r);
    }

    /** presidio synth (all types, presidio-research mapping) and the benign sets, with and without the stage. */
    private void unseen(ContextModel model, TokenVectors encoder) throws IOException {
        List<String> texts = new ArrayList<>();
        JsonNode root = null;
        if (presidio != null) {
            root = Json.MAPPER.readTree(presidio.toFile());
            root.forEach(s -> texts.add(s.path("full_text").asText()));
        }
        List<PromptSets.Prompt> prompts = new ArrayList<>();
        for (String spec : benign == null ? List.<String>of() : benign) {
            prompts.addAll(PromptSets.read(spec, null));
        }
        List<String> all = new ArrayList<>(texts);
        prompts.forEach(p -> all.add(p.text()));
        List<TokenVectors.Words> w = PiiContextCache.load(cache.resolve("unseen-" + PiiContextCache.sha256(all)
                .substring(0, 12) + ".bin"), all, encoder, "unseen");
        for (int i = 0; i < all.size(); i++) {
            vectors.put(all.get(i), w.get(i));
        }
        gated(all, "unseen-gated", encoder);
        for (PiiMode mode : PiiMode.values()) {
            for (String config : configs(mode)) {
                PiiScanner scanner = scanner(mode, config, model);
                if (root != null) {
                    PiiTokenScore sc = new PiiTokenScore(PiiEvaluation.MODES.get(2));
                    int i = 0;
                    for (JsonNode s : root) {
                        List<PiiTokenScore.Span> gold = new ArrayList<>();
                        for (JsonNode span : s.path("spans")) {
                            gold.add(new PiiTokenScore.Span(span.path("entity_type").asText(),
                                    span.path("start_position").asInt(), span.path("end_position").asInt()));
                        }
                        String text = texts.get(i++);
                        sc.add(text, gold, scanner.find(text).stream()
                                .map(c -> new PiiTokenScore.Span(c.type(), c.start(), c.end())).toList());
                    }
                    long[] c = sc.counts(null, true);
                    System.out.printf(Locale.ROOT, "presidio synth (unseen, presidio-research mapping, PII any type) "
                            + "%-8s %-11s P %.3f R %.3f F2 %.3f%n", mode.configName(), config,
                            (double) c[0] / Math.max(1, c[1]), (double) c[0] / Math.max(1, c[2]), f2(c));
                    for (String t : List.of("PERSON", "LOCATION", "ORGANIZATION")) {
                        long[] ct = sc.counts(t, false);
                        System.out.printf(Locale.ROOT, "    %-14s P %.3f R %.3f F2 %.3f%n", t,
                                (double) ct[0] / Math.max(1, ct[1]), (double) ct[0] / Math.max(1, ct[2]), f2(ct));
                    }
                }
                if (!prompts.isEmpty()) {
                    System.out.println("benign prompts, " + mode.configName() + ", " + config + ":");
                    BenignShare.print(scanner, prompts, benignErrors);
                }
            }
        }
    }
}
