package dev.bastion.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.embeddings.LocalEmbeddings;
import dev.bastion.guard.injection.GeneratedPrompts;
import dev.bastion.guard.injection.InjectionModel;
import dev.bastion.guard.injection.InjectionRules;
import dev.bastion.guard.injection.InjectionScanner;
import dev.bastion.guard.injection.InjectionTrainer;
import dev.bastion.guard.injection.SentenceEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bastion train injection} and {@code bastion eval injection}. Every prompt is assigned to a split by a hash
 * of its text: 60% train, 20% calibration (the thresholds), 20% test, so evaluation can keep to prompts the model
 * never saw ({@code --split test}) whatever files are passed.
 */
final class InjectionCommands {
    private InjectionCommands() {
    }

    enum Split { TRAIN, CALIBRATION, TEST, ALL }

    static Split splitOf(String text) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.strip().getBytes(StandardCharsets.UTF_8));
            int bucket = Math.floorMod(h[0], 10);
            return bucket < 6 ? Split.TRAIN : bucket < 8 ? Split.CALIBRATION : Split.TEST;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Optional<SentenceEncoder> encoder(boolean enabled) {
        if (!enabled) {
            return Optional.empty();
        }
        LocalEmbeddings e = new LocalEmbeddings(1);
        e.warmUp();
        return Optional.of(text -> e.embed(List.of(text)).map(r -> r.vectors().getFirst()).orElse(null));
    }

    @Command(name = "injection", description = "Train the prompt-injection classifier on attack and benign prompt sets "
            + "(CSV, JSON, JSONL, text; PATH#COLUMN=VALUE keeps matching rows).")
    static final class Train implements Callable<Integer> {
        @Option(names = "--attacks", required = true, arity = "1..*", paramLabel = "PATH")
        List<String> attacks;

        @Option(names = "--benign", required = true, arity = "1..*", paramLabel = "PATH")
        List<String> benign;

        @Option(names = "--field", description = "Text field of CSV/JSON rows (default: prompt, text, goal, ...).")
        String field;

        @Option(names = "--generated-benign", defaultValue = "600", description = "Template-generated benign prompts "
                + "added (default ${DEFAULT-VALUE}).")
        int generated;

        @Option(names = "--target-fpr", defaultValue = "0.01", description = "False-positive rate the direct threshold "
                + "is set for on the calibration split (default ${DEFAULT-VALUE}).")
        double targetFpr;

        @Option(names = "--no-embeddings", description = "Lexical features only.")
        boolean noEmbeddings;

        @Option(names = "--seed", defaultValue = "42")
        long seed;

        @Option(names = "--out", required = true, paramLabel = "FILE")
        Path out;

        @Override
        public Integer call() throws IOException {
            InjectionRules rules = InjectionRules.builtIn();
            Optional<SentenceEncoder> enc = encoder(!noEmbeddings);
            List<InjectionTrainer.Example> train = new ArrayList<>();
            List<InjectionTrainer.Example> calibration = new ArrayList<>();
            ObjectNode desc = Json.MAPPER.createObjectNode();
            desc.put("format", "bastion-injection-model/1");
            desc.put("seed", seed);
            desc.put("split", "sha256(text)[0] mod 10: 0-5 train, 6-7 calibration, 8-9 test");
            desc.put("embeddings", enc.isPresent() ? "all-MiniLM-L6-v2 (first 256 characters)" : "none");
            ArrayNode files = desc.putArray("data");
            int[] counts = new int[4];
            for (boolean attack : new boolean[] {true, false}) {
                for (String spec : attack ? attacks : benign) {
                    List<PromptSets.Prompt> prompts = PromptSets.read(spec, field);
                    ObjectNode f = files.addObject();
                    f.put("file", spec.replaceAll(".*/", ""));
                    f.put("sha256", dev.bastion.models.signing.Manifest.sha256(Path.of(spec.contains("#") ? spec.substring(0, spec.lastIndexOf('#')) : spec)));
                    f.put("label", attack ? "attack" : "benign");
                    f.put("prompts", prompts.size());
                    for (PromptSets.Prompt p : prompts) {
                        add(p.text(), attack, rules, enc, train, calibration, counts);
                    }
                }
            }
            for (String p : GeneratedPrompts.benign(generated, seed)) {
                add(p, false, rules, enc, train, calibration, counts);
            }
            desc.put("generated_benign", generated);
            desc.put("train_examples", counts[0]);
            desc.put("calibration_examples", counts[1]);
            InjectionModel model = InjectionTrainer.train(train, calibration, rules, targetFpr, seed, desc.toString());
            try (OutputStream o = Files.newOutputStream(out)) {
                model.write(o);
            }
            System.out.printf(Locale.ROOT, "trained on %d prompts (%d for calibration); thresholds direct %.4f, "
                    + "indirect %.4f (lexical only: %.4f, %.4f); wrote %s%n", counts[0], counts[1], model.threshold(true),
                    model.indirectThreshold(true), model.threshold(false), model.indirectThreshold(false), out);
            return 0;
        }

        private static void add(String text, boolean attack, InjectionRules rules, Optional<SentenceEncoder> enc,
                List<InjectionTrainer.Example> train, List<InjectionTrainer.Example> calibration, int[] counts) {
            Split s = splitOf(text);
            if (s == Split.TEST) {
                return;
            }
            InjectionTrainer.Example ex = InjectionTrainer.example(text, attack, rules, enc);
            (s == Split.TRAIN ? train : calibration).add(ex);
            counts[s == Split.TRAIN ? 0 : 1]++;
        }
    }

    @Command(name = "injection", description = "Measure the injection detector: AUROC, TPR at 1% and 0.1% FPR, "
            + "per-source TPR, latency.")
    static final class Eval implements Callable<Integer> {
        @Option(names = "--attacks", required = true, arity = "1..*", paramLabel = "PATH")
        List<String> attacks;

        @Option(names = "--benign", required = true, arity = "1..*", paramLabel = "PATH")
        List<String> benign;

        @Option(names = "--field")
        String field;

        @Option(names = "--model", paramLabel = "FILE", description = "A model from `bastion train injection` "
                + "(default: the built-in one).")
        Path modelFile;

        @Option(names = "--split", defaultValue = "all", description = "all, or test: only prompts the built-in "
                + "training never saw (hash split).")
        String split;

        @Option(names = "--no-embeddings", description = "Score with the lexical model only.")
        boolean noEmbeddings;

        @Override
        public Integer call() throws IOException {
            InjectionModel model;
            if (modelFile != null) {
                try (InputStream in = Files.newInputStream(modelFile)) {
                    model = InjectionModel.read(in);
                }
            } else {
                model = InjectionModel.builtIn();
            }
            boolean embeddings = !noEmbeddings;
            double threshold = model.threshold(embeddings);
            InjectionScanner scanner = new InjectionScanner(model, InjectionRules.builtIn(), encoder(embeddings),
                    threshold, model.indirectThreshold(embeddings));
            boolean testOnly = split.equalsIgnoreCase("test");
            // Warm up (JIT, ONNX session) before timing anything.
            for (int i = 0; i < 200; i++) {
                scanner.score("warm-up prompt number " + i + " ignore previous instructions? "
                        + "x".repeat(i * 5));
            }
            List<double[]> scored = new ArrayList<>(); // {score, attack?1:0}
            Map<String, int[]> perSource = new TreeMap<>();
            List<Double> millisPerKb = new ArrayList<>();
            List<Double> millis = new ArrayList<>();
            for (boolean attack : new boolean[] {true, false}) {
                for (String spec : attack ? attacks : benign) {
                    for (PromptSets.Prompt p : PromptSets.read(spec, field)) {
                        if (testOnly && splitOf(p.text()) != Split.TEST) {
                            continue;
                        }
                        long t0 = System.nanoTime();
                        double s = scanner.score(p.text());
                        double ms = (System.nanoTime() - t0) / 1e6;
                        millis.add(ms);
                        millisPerKb.add(ms / Math.max(1.0, p.text().getBytes(StandardCharsets.UTF_8).length / 1024.0));
                        scored.add(new double[] {s, attack ? 1 : 0});
                        int[] c = perSource.computeIfAbsent((attack ? "attack  " : "benign  ") + p.source(), k -> new int[2]);
                        c[0]++;
                        if (s >= threshold) {
                            c[1]++;
                        }
                    }
                }
            }
            List<Double> pos = scored.stream().filter(x -> x[1] == 1).map(x -> x[0]).sorted().toList();
            List<Double> neg = scored.stream().filter(x -> x[1] == 0).map(x -> x[0]).sorted().toList();
            if (pos.isEmpty() || neg.isEmpty()) {
                throw new IllegalArgumentException("need at least one attack and one benign prompt");
            }
            System.out.printf(Locale.ROOT, "prompts: %d attacks, %d benign%s%n", pos.size(), neg.size(),
                    testOnly ? " (test split only)" : "");
            System.out.printf(Locale.ROOT, "AUROC %.4f%n", auroc(pos, neg));
            System.out.printf(Locale.ROOT, "TPR at FPR <= 1%%: %.4f%n", tprAt(pos, neg, 0.01));
            System.out.printf(Locale.ROOT, "TPR at FPR <= 0.1%%: %.4f%n", tprAt(pos, neg, 0.001));
            long fp = neg.stream().filter(s -> s >= threshold).count();
            long tp = pos.stream().filter(s -> s >= threshold).count();
            System.out.printf(Locale.ROOT, "at the model threshold %.4f: TPR %.4f, FPR %.4f%n", threshold,
                    (double) tp / pos.size(), (double) fp / neg.size());
            System.out.println("per source (share flagged at the model threshold):");
            perSource.forEach((k, c) -> System.out.printf(Locale.ROOT, "  %-70s %5d  %.4f%n", k, c[0], (double) c[1] / c[0]));
            System.out.printf(Locale.ROOT, "latency per prompt: p50 %.2f ms, p99 %.2f ms; per KB: p50 %.2f ms, p99 %.2f ms%n",
                    pct(millis, 0.5), pct(millis, 0.99), pct(millisPerKb, 0.5), pct(millisPerKb, 0.99));
            return 0;
        }

        static double auroc(List<Double> pos, List<Double> neg) {
            double wins = 0;
            for (double p : pos) {
                int below = lowerBound(neg, p);
                int upTo = upperBound(neg, p);
                wins += below + 0.5 * (upTo - below);
            }
            return wins / ((double) pos.size() * neg.size());
        }

        /** The TPR at the lowest threshold whose FPR on these benign prompts is at most {@code fpr}. */
        static double tprAt(List<Double> pos, List<Double> neg, double fpr) {
            int allowed = (int) Math.floor(fpr * neg.size());
            double t = neg.get(neg.size() - 1 - allowed);
            long above = pos.stream().filter(s -> s > t).count();
            return (double) above / pos.size();
        }

        private static int lowerBound(List<Double> sorted, double v) {
            int lo = 0;
            int hi = sorted.size();
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (sorted.get(mid) < v) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        private static int upperBound(List<Double> sorted, double v) {
            int lo = 0;
            int hi = sorted.size();
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (sorted.get(mid) <= v) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        private static double pct(List<Double> xs, double q) {
            List<Double> s = xs.stream().sorted().toList();
            return s.get(Math.min(s.size() - 1, (int) Math.ceil(q * s.size()) - 1));
        }
    }
}
