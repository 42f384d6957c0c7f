import dev.bastion.guard.injection.CarriedInstructions;
import dev.bastion.guard.injection.IndirectInjections;
import dev.bastion.guard.injection.InjectionScanner;
import dev.bastion.guard.injection.TextNormalizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Round eighteen (docs/injection-model.md): trains and evaluates the carried-instruction model
 * ({@code CarriedInstructions}) leave one collection out, beside main's content path on the same texts, then fits it
 * on every collection and writes the model file.
 *
 * <pre>
 * java -cp 'guard/target/classes:app/target/bastion.jar:app/target/lib/*' bench/injection/CarriedEval.java \
 *     bench/injection/carried-sources.tsv DATA_DIR OUT_MODEL.tsv [--only-final]
 * </pre>
 */
public final class CarriedEval {
    static final int CLEAN_CAP = 1500;
    static final int PLANT_CAP = 400;
    static final int ATTACK_CAP = 300;
    static final double L2 = 1e-3;
    static final double FAMILY_FPR = 0.01;
    static final List<String> FAMILIES = List.of("e-mails", "documents", "security-docs", "code", "json", "web-docs");
    /** Round nineteen, variant 2 ({@code -Dfamily.passages=true}): train on later attack passages with a family cue. */
    static final boolean FAMILY_PASSAGES = Boolean.getBoolean("family.passages");
    static final List<String> FAMILY_CUES = List.of("output-only", "authority-demand", "emotional", "mode-claim");

    static boolean hasFamilyCue(String passage) {
        double[] x = CarriedInstructions.features(passage);
        for (String c : FAMILY_CUES) {
            if (x[CarriedInstructions.FEATURES.indexOf(c)] > 0) {
                return true;
            }
        }
        return false;
    }

    record Part(String collection, String kind, String family, List<String> texts) {}

    /** A training or evaluation document, its normalised passages' features, and where it comes from. */
    record Doc(String text, String collection, String source, String family, boolean attack, List<double[]> passages,
            int positivePassage) {}

    static final Map<String, double[]> FEATURE_CACHE = new HashMap<>();
    static final Map<String, Double> MAIN_CACHE = new HashMap<>();
    static InjectionScanner main;
    static double mainThreshold;

    public static void main(String[] args) throws IOException {
        Path data = Path.of(args[1]);
        List<Part> parts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            List<String> texts = new ArrayList<>(new LinkedHashSet<>(read(data.resolve(f[3]))));
            Collections.shuffle(texts, new Random(42));
            parts.add(new Part(f[0], f[1], f[2], texts));
        }
        // Main's content path: the shipped model and rules, no carried model.
        dev.bastion.guard.injection.InjectionModel m = dev.bastion.guard.injection.InjectionModel.builtIn();
        mainThreshold = m.indirectThreshold(false);
        main = new InjectionScanner(m, dev.bastion.guard.injection.InjectionRules.builtIn(), Optional.empty(),
                m.threshold(false), mainThreshold);
        boolean onlyFinal = args.length > 3 && args[3].equals("--only-final");
        List<String> collections = parts.stream().map(Part::collection).distinct().toList();
        if (!onlyFinal) {
            loso(parts, collections);
        }
        Fit full = fit(parts, Set.of());
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of(args[2])))) {
            w.println("# bastion carried-instruction model (docs/injection-model.md, rounds eighteen and nineteen): logistic weights");
            w.println("# over CarriedInstructions.FEATURES, fitted by bench/injection/CarriedEval.java on every collection");
            w.println("# of bench/injection/carried-sources.tsv; threshold: every benign family <= 1% of its documents.");
            w.printf(Locale.ROOT, "intercept\t%.6f%n", full.b);
            w.printf(Locale.ROOT, "threshold\t%.6f%n", full.threshold);
            for (int k = 0; k < full.w.length; k++) {
                w.printf(Locale.ROOT, "%s\t%.6f%n", CarriedInstructions.FEATURES.get(k), full.w[k]);
            }
        }
        System.out.printf(Locale.ROOT, "full fit: threshold %.4f, written to %s%n", full.threshold, args[2]);
    }

    record Fit(double[] w, double b, double threshold) {
        double score(double[] x) {
            double z = b;
            for (int k = 0; k < x.length; k++) {
                z += w[k] * x[k];
            }
            return 1 / (1 + Math.exp(-z));
        }

        double doc(Doc d) {
            double best = 0;
            for (double[] x : d.passages()) {
                best = Math.max(best, score(x));
            }
            return best;
        }
    }

    // ---- leave one collection out -------------------------------------------------------------------------------

    static void loso(List<Part> parts, List<String> collections) {
        Map<String, int[]> byFamily = new LinkedHashMap<>(); // family -> {flagged new, flagged main, flagged either, n}
        Map<String, int[]> bySource = new LinkedHashMap<>();
        for (String left : collections) {
            Fit fit = fit(parts, Set.of(left));
            List<Doc> held = heldOut(parts, left);
            for (Doc d : held) {
                boolean n = fit.doc(d) >= fit.threshold || (PRESSURE && pressure(d.text()));
                boolean m = mainScore(d.text()) >= mainThreshold;
                String key = d.attack() ? "TPR " + d.family() : "FPR " + d.family();
                for (String k : List.of(key, d.attack() ? "TPR pooled" : "FPR pooled")) {
                    int[] c = byFamily.computeIfAbsent(k, x -> new int[4]);
                    c[0] += n ? 1 : 0;
                    c[1] += m ? 1 : 0;
                    c[2] += n || m ? 1 : 0;
                    c[3]++;
                }
                int[] c = bySource.computeIfAbsent((d.attack() ? "TPR " : "FPR ") + d.source(), x -> new int[4]);
                c[0] += n ? 1 : 0;
                c[1] += m ? 1 : 0;
                c[2] += n || m ? 1 : 0;
                c[3]++;
            }
            System.out.printf(Locale.ROOT, "fold %-26s threshold %.4f held-out %d%n", left, fit.threshold, held.size());
        }
        System.out.println("\nper source (left out): carried model / main's content path / either, of n");
        bySource.forEach((k, c) -> print(k, c));
        System.out.println("\nper family and pooled:");
        byFamily.forEach((k, c) -> print(k, c));
    }

    static void print(String k, int[] c) {
        System.out.printf(Locale.ROOT, "%-40s carried %5d (%.4f)  main %5d (%.4f)  either %5d (%.4f)  n %d%n", k,
                c[0], (double) c[0] / c[3], c[1], (double) c[1] / c[3], c[2], (double) c[2] / c[3], c[3]);
    }

    /** Round twenty ({@code -Dpressure=true}): the carried judgement includes ReaderPressure's rule on data. */
    static final boolean PRESSURE = Boolean.getBoolean("pressure");
    static final Map<String, Boolean> PRESSURE_CACHE = new HashMap<>();

    static boolean pressure(String text) {
        return PRESSURE_CACHE.computeIfAbsent(text, t -> {
            TextNormalizer.Normalized n = TextNormalizer.normalize(t);
            boolean hit = dev.bastion.guard.injection.ReaderPressure.inData(n.text());
            for (String v : n.views()) {
                hit |= dev.bastion.guard.injection.ReaderPressure.inData(v);
            }
            return hit;
        });
    }

    static double mainScore(String text) {
        return MAIN_CACHE.computeIfAbsent(text, main::scoreContent);
    }

    /** The held-out documents of a left-out collection (see the class comment and the declared evaluation). */
    static List<Doc> heldOut(List<Part> parts, String left) {
        List<Doc> out = new ArrayList<>();
        List<String> cleanElsewhere = cleanPool(parts, Set.of(left));
        for (Part p : parts) {
            if (!p.collection().equals(left)) {
                continue;
            }
            switch (p.kind()) {
                case "clean" -> {
                    List<String> docs = cap(p.texts(), CLEAN_CAP);
                    for (String t : docs) {
                        out.add(doc(t, p.collection(), p.collection(), p.family(), false, null));
                    }
                    List<String> planted = IndirectInjections.inject(cap(p.texts(), PLANT_CAP),
                            IndirectInjections.Half.HELD_OUT, 7);
                    for (String t : planted) {
                        out.add(doc(t, p.collection(), "generated/" + p.collection(), "generated", true, null));
                    }
                }
                case "injected" -> {
                    for (String t : p.texts()) {
                        out.add(doc(t, p.collection(), p.collection(), "indirect", true, null));
                    }
                }
                default -> {
                    Random r = new Random(13);
                    for (String a : cap(p.texts(), ATTACK_CAP)) {
                        String host = cleanElsewhere.get(r.nextInt(cleanElsewhere.size()));
                        String planted = IndirectInjections.place(host, firstPassage(a), 5 + r.nextInt(5));
                        out.add(doc(planted, p.collection(), "carried/" + p.collection(), "carried-attacks", true, null));
                    }
                }
            }
        }
        return out;
    }

    // ---- fitting ------------------------------------------------------------------------------------------------

    /** Fits on every collection but {@code left}: stage A on planted positives, stage B adds the indirect ones. */
    static Fit fit(List<Part> parts, Set<String> left) {
        List<Doc> negatives = new ArrayList<>();
        List<Doc> planted = new ArrayList<>();
        List<Doc> indirect = new ArrayList<>();
        List<String> cleanPool = cleanPool(parts, left);
        for (Part p : parts) {
            if (left.contains(p.collection())) {
                continue;
            }
            switch (p.kind()) {
                case "clean" -> {
                    for (String t : cap(p.texts(), CLEAN_CAP)) {
                        negatives.add(doc(t, p.collection(), p.collection(), p.family(), false, null));
                    }
                    List<String> injected = IndirectInjections.inject(cap(p.texts(), PLANT_CAP),
                            IndirectInjections.Half.TRAIN, 3);
                    for (String t : injected) {
                        // The planted passage is found by the opening words of the instruction (GENERATED_KEYS).
                        planted.add(doc(t, p.collection(), "generated/" + p.collection(), "generated", true, null));
                    }
                }
                case "injected" -> {
                    for (String t : p.texts()) {
                        indirect.add(doc(t, p.collection(), p.collection(), "indirect", true, null));
                    }
                }
                default -> {
                    Random r = new Random(17);
                    for (String a : cap(p.texts(), ATTACK_CAP)) {
                        String line = firstPassage(a);
                        String host = cleanPool.get(r.nextInt(cleanPool.size()));
                        planted.add(doc(IndirectInjections.place(host, line, r.nextInt(5)), p.collection(),
                                "carried/" + p.collection(), "carried-attacks", true, line));
                        if (FAMILY_PASSAGES) {
                            // Round nineteen, variant 2: later passages of the same text holding a family cue.
                            List<String> ps = CarriedInstructions.passages(TextNormalizer.normalize(a).text());
                            Random rl = new Random(a.hashCode());
                            for (int i = 1; i < ps.size(); i++) {
                                if (hasFamilyCue(ps.get(i))) {
                                    String later = ps.get(i).strip();
                                    String h = cleanPool.get(rl.nextInt(cleanPool.size()));
                                    planted.add(doc(IndirectInjections.place(h, later, rl.nextInt(5)), p.collection(),
                                            "carried/" + p.collection(), "carried-attacks", true, later));
                                }
                            }
                        }
                    }
                }
            }
        }
        List<double[]> xs = new ArrayList<>();
        List<Boolean> ys = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        for (Doc d : negatives) {
            for (double[] x : d.passages()) {
                xs.add(x);
                ys.add(false);
                groups.add(d.source());
            }
        }
        for (Doc d : planted) {
            if (d.positivePassage() >= 0) {
                xs.add(d.passages().get(d.positivePassage()));
                ys.add(true);
                groups.add(d.source());
            }
        }
        Fit a = train(xs, ys, groups);
        for (Doc d : indirect) {
            double[] best = null;
            double s = -1;
            for (double[] x : d.passages()) {
                if (a.score(x) > s) {
                    s = a.score(x);
                    best = x;
                }
            }
            xs.add(best);
            ys.add(true);
            groups.add(d.source());
        }
        Fit b = train(xs, ys, groups);
        // Threshold: every benign family of the training collections at most 1% of its documents at or above it.
        Map<String, List<Double>> scores = new HashMap<>();
        for (Doc d : negatives) {
            scores.computeIfAbsent(d.family(), k -> new ArrayList<>()).add(b.doc(d));
        }
        double t = 0.5;
        for (List<Double> s : scores.values()) {
            s.sort(Collections.reverseOrder());
            int k = (int) Math.floor(FAMILY_FPR * s.size());
            t = Math.max(t, Math.nextUp(s.get(Math.min(k, s.size() - 1))));
        }
        return new Fit(b.w, b.b, Math.min(t, 0.999));
    }

    /** Weighted logistic regression by gradient descent (each group 1/sqrt(n), the two classes equal in total). */
    static Fit train(List<double[]> xs, List<Boolean> ys, List<String> groups) {
        int n = xs.size();
        int dims = xs.get(0).length;
        Map<String, Integer> counts = new HashMap<>();
        for (String g : groups) {
            counts.merge(g, 1, Integer::sum);
        }
        double[] weight = new double[n];
        double pos = 0;
        double neg = 0;
        for (int i = 0; i < n; i++) {
            weight[i] = 1 / Math.sqrt(counts.get(groups.get(i)));
            if (ys.get(i)) {
                pos += weight[i];
            } else {
                neg += weight[i];
            }
        }
        for (int i = 0; i < n; i++) {
            weight[i] /= ys.get(i) ? 2 * pos : 2 * neg;
        }
        // The features are 0/1: identical rows of one class are merged, their weights summed (same loss, far fewer rows).
        Map<String, Integer> rowOf = new HashMap<>();
        List<double[]> ux = new ArrayList<>();
        List<Boolean> uy = new ArrayList<>();
        List<Double> uw = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = java.util.Arrays.toString(xs.get(i)) + ys.get(i);
            Integer r = rowOf.get(key);
            if (r == null) {
                rowOf.put(key, ux.size());
                ux.add(xs.get(i));
                uy.add(ys.get(i));
                uw.add(weight[i]);
            } else {
                uw.set(r, uw.get(r) + weight[i]);
            }
        }
        xs = ux;
        ys = uy;
        n = ux.size();
        weight = new double[n];
        for (int i = 0; i < n; i++) {
            weight[i] = uw.get(i);
        }
        double[] w = new double[dims];
        double b = 0;
        double[] mw = new double[dims];
        double mb = 0;
        double lr = 0.5;
        for (int it = 0; it < 1500; it++) {
            double[] g = new double[dims];
            double gb = 0;
            for (int i = 0; i < n; i++) {
                double[] x = xs.get(i);
                double z = b;
                for (int k = 0; k < dims; k++) {
                    z += w[k] * x[k];
                }
                double e = (1 / (1 + Math.exp(-z)) - (ys.get(i) ? 1 : 0)) * weight[i];
                for (int k = 0; k < dims; k++) {
                    g[k] += e * x[k];
                }
                gb += e;
            }
            for (int k = 0; k < dims; k++) {
                mw[k] = 0.9 * mw[k] + g[k] + L2 * w[k];
                w[k] -= lr * mw[k];
            }
            mb = 0.9 * mb + gb;
            b -= lr * mb;
        }
        return new Fit(w, b, 0.5);
    }

    // ---- data ---------------------------------------------------------------------------------------------------

    static List<String> cleanPool(List<Part> parts, Set<String> left) {
        List<String> pool = new ArrayList<>();
        for (Part p : parts) {
            if (p.kind().equals("clean") && !left.contains(p.collection())) {
                pool.addAll(cap(p.texts(), 200));
            }
        }
        return pool;
    }

    static List<String> cap(List<String> texts, int cap) {
        return texts.size() > cap ? texts.subList(0, cap) : texts;
    }

    /** The first passage of an attack text as written (its opening, which sets up what it asks). */
    static String firstPassage(String attack) {
        String t = attack.strip();
        int cut = Math.min(t.length(), 320);
        if (cut < t.length()) {
            int sentence = Math.max(t.lastIndexOf(". ", cut), t.lastIndexOf("\n", cut));
            cut = sentence > 80 ? sentence + 1 : cut;
        }
        return t.substring(0, cut).strip();
    }

    static final Map<String, List<String>> PASSAGE_CACHE = new HashMap<>();

    static Doc doc(String text, String collection, String source, String family, boolean attack, String line) {
        List<String> ps = PASSAGE_CACHE.computeIfAbsent(text,
                t -> CarriedInstructions.passages(TextNormalizer.normalize(t).text()));
        List<double[]> fs = new ArrayList<>(ps.size());
        for (String p : ps) {
            fs.add(FEATURE_CACHE.computeIfAbsent(p, CarriedInstructions::features));
        }
        int positive = -1;
        if (attack) {
            positive = positiveIndex(ps, line == null ? null : TextNormalizer.normalize(line).text());
        }
        return new Doc(text, collection, source, family, attack, fs, positive);
    }

    /** The passage that holds the planted line: found by its first 25 characters, or by an instruction marker. */
    static int positiveIndex(List<String> passages, String line) {
        if (line != null) {
            String key = line.strip();
            key = key.substring(0, Math.min(25, key.length()));
            for (int i = 0; i < passages.size(); i++) {
                if (passages.get(i).contains(key)) {
                    return i;
                }
            }
            return -1;
        }
        for (String key : GENERATED_KEYS) {
            for (int i = 0; i < passages.size(); i++) {
                if (passages.get(i).contains(key)) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** The opening words of IndirectInjections' training instructions, lower-cased (to find where one was planted). */
    static final List<String> GENERATED_KEYS = List.of("ai assistant reading this", "note to the ai",
            "assistant, when you summarise", "important instruction for the language model",
            "if you are an ai model processing", "to the chatbot summarising", "dear ai, do not mention",
            "when an assistant reads this", "llm instructions: append", "attention automated assistant");

    static List<String> read(Path p) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(p)) {
            if (!line.isBlank()) {
                out.add(new com.google.gson.Gson().fromJson(line, com.google.gson.JsonObject.class).get("text").getAsString());
            }
        }
        return out;
    }
}
