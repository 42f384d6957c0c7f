package dev.bastion.app;

import dev.bastion.app.InjectionSources.Role;
import dev.bastion.app.InjectionSources.Source;
import dev.bastion.guard.eval.RankingMetrics;
import dev.bastion.guard.injection.IndirectInjections;
import dev.bastion.guard.injection.InjectionModel;
import dev.bastion.guard.injection.InjectionRules;
import dev.bastion.guard.injection.InjectionScanner;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Leave-one-source-out evaluation. For every source (attack, benign, document or indirect): train both models on all
 * the other sources ({@link InjectionFit}, thresholds fixed on their calibration part), then score every text of the
 * source left out. Direct figures: share flagged per source and, pooled over all held-out scores, AUROC, TPR at the
 * fixed thresholds and FPR per benign family. Content figures: clean documents (FPR) and the same documents with a
 * held-out instruction in a held-out layout (TPR), plus indirect sources. Harmful requests ({@code other}) are only
 * reported. Prints as it goes.
 */
final class InjectionLoso {
    private final InjectionFit fit;
    private final List<Source> sources;
    private final long seed;

    private final boolean reverseFolds;
    private final int shard;
    private final int shards;

    InjectionLoso(InjectionFit fit, List<Source> sources, long seed) {
        this(fit, sources, seed, false);
    }

    /** With {@code reverseFolds}, the folds are scored from the last source to the first (training is unchanged). */
    InjectionLoso(InjectionFit fit, List<Source> sources, long seed, boolean reverseFolds) {
        this(fit, sources, seed, reverseFolds, 0, 1);
    }

    /**
     * Only the sources whose place among the scored sources of the manifest is {@code shard} modulo {@code shards}
     * are scored (their folds trained as always), so that several processes can share one evaluation; their
     * outputs are merged by {@code bench/injection/merge-folds.py}.
     */
    InjectionLoso(InjectionFit fit, List<Source> sources, long seed, boolean reverseFolds, int shard, int shards) {
        if (shards < 1 || shard < 0 || shard >= shards) {
            throw new IllegalArgumentException("--fold-shard K/N needs 0 <= K < N");
        }
        this.fit = fit;
        this.sources = sources;
        this.seed = seed;
        this.reverseFolds = reverseFolds;
        this.shard = shard;
        this.shards = shards;
    }

    private record Scored(double score, boolean flagged) {
    }

    void run(PrintStream out, boolean latency) {
        run(out, latency, Optional.empty());
    }

    /**
     * As {@link #run(PrintStream, boolean)}; when {@code scores} is given, also writes one line per held-out direct
     * score there ({@code source role family score flagged lexical-score lexical-flagged}, then one flag per
     * {@link InjectionFit#ALTERNATIVE_RULES} rule, then the first 160 characters of the text; tab-separated), for
     * analysis outside the tool.
     */
    void run(PrintStream out, boolean latency, Optional<PrintStream> scores) {
        InjectionRules rules = InjectionRules.builtIn();
        List<Double> pos = new ArrayList<>();
        List<Double> neg = new ArrayList<>();
        int tp = 0;
        Map<String, int[]> familyFp = new TreeMap<>();
        Map<String, List<Double>> attackScores = new TreeMap<>();
        int contentTp = 0;
        int contentPos = 0;
        Map<String, int[]> contentFp = new TreeMap<>();
        Map<Set<String>, InjectionModel> folds = new java.util.HashMap<>();
        // With an embedding stage, the same fold's lexical model alone, at its own threshold, for comparison.
        List<Double> lexPos = new ArrayList<>();
        List<Double> lexNeg = new ArrayList<>();
        int[] lexFlags = new int[2];
        int rulesN = InjectionFit.ALTERNATIVE_RULES.length;
        int[][] altFlags = new int[rulesN][2];
        List<Map<String, int[]>> altFamily = new ArrayList<>();
        for (int i = 0; i < rulesN; i++) {
            altFamily.add(new TreeMap<>());
        }
        out.println("leave-one-source-out: each source scored by models trained on every other source; thresholds "
                + "fixed before scoring, from the training sources only");
        out.printf(Locale.ROOT, "%-26s %-9s %-18s %6s %9s %8s   %s%n", "source", "role", "family", "texts",
                "threshold", "flagged", "content model (threshold; clean FPR / injected held-out TPR)");
        List<Source> scored = sources.stream().filter(x -> x.role() != Role.OTHER).toList();
        for (Source s : reverseFolds ? sources.reversed() : sources) {
            if (s.role() == Role.OTHER || scored.indexOf(s) % shards != shard) {
                continue;
            }
            // The whole collection the source belongs to is left out (its other parts share its wording).
            Set<String> leaveOut = sources.stream().filter(x -> x.collection().equals(s.collection()))
                    .map(Source::name).collect(java.util.stream.Collectors.toSet());
            InjectionModel m = folds.computeIfAbsent(leaveOut, k -> fit.train(sources, k, seed, "{}"));
            boolean emb = fit.encoder().isPresent();
            InjectionScanner scanner = new InjectionScanner(m, rules, fit.encoder(), m.threshold(emb),
                    m.indirectThreshold(emb));
            InjectionScanner lexical = new InjectionScanner(m, rules, Optional.empty(), m.threshold(false),
                    m.indirectThreshold(false));
            String contentCell = "";
            int flagged = 0;
            if (s.role() != Role.INDIRECT) {
                for (String t : s.texts()) {
                    double sc = scanner.score(t);
                    boolean f = sc >= m.threshold(emb);
                    flagged += f ? 1 : 0;
                    double lex = emb ? lexical.score(t) : sc;
                    double[] alt = fit.alternativeThresholds(m);
                    for (int i = 0; i < alt.length; i++) {
                        boolean af = sc >= alt[i];
                        altFlags[i][s.attack() ? 0 : 1] += af ? 1 : 0;
                        if (!s.attack()) {
                            int[] c = altFamily.get(i).computeIfAbsent(s.family(), x -> new int[2]);
                            c[0]++;
                            c[1] += af ? 1 : 0;
                        }
                    }
                    (s.attack() ? lexPos : lexNeg).add(lex);
                    lexFlags[s.attack() ? 0 : 1] += lex >= m.threshold(false) ? 1 : 0;
                    if (scores.isPresent()) {
                        StringBuilder altCells = new StringBuilder();
                        for (double a : alt) {
                            altCells.append(sc >= a ? "1\t" : "0\t");
                        }
                        scores.get().printf(Locale.ROOT, "%s\t%s\t%s\t%.6f\t%d\t%.6f\t%d\t%s%s%n", s.name(),
                                s.role().name().toLowerCase(Locale.ROOT), s.family(), sc, f ? 1 : 0, lex,
                                lex >= m.threshold(false) ? 1 : 0, altCells,
                                t.substring(0, Math.min(160, t.length())).replaceAll("\\s+", " "));
                    }
                    if (s.attack()) {
                        pos.add(sc);
                        attackScores.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(sc);
                        tp += f ? 1 : 0;
                    } else {
                        neg.add(sc);
                        int[] c = familyFp.computeIfAbsent(s.family(), k -> new int[2]);
                        c[0]++;
                        c[1] += f ? 1 : 0;
                    }
                }
            }
            if (s.role() == Role.DOCUMENT || s.role() == Role.BENIGN) {
                int fp = 0;
                for (String t : s.texts()) {
                    fp += scanner.scoreContent(t) >= m.indirectThreshold(false) ? 1 : 0;
                }
                int[] c = contentFp.computeIfAbsent(s.family(), k -> new int[2]);
                c[0] += s.texts().size();
                c[1] += fp;
                contentCell = String.format(Locale.ROOT, "%.4f; FPR %.4f", m.indirectThreshold(false),
                        (double) fp / s.texts().size());
            }
            if (s.role() == Role.DOCUMENT || s.role() == Role.INDIRECT) {
                List<String> injected = s.role() == Role.INDIRECT ? s.texts()
                        : IndirectInjections.inject(s.texts(), IndirectInjections.Half.HELD_OUT, seed + 1);
                int hit = 0;
                for (String t : injected) {
                    hit += scanner.scoreContent(t) >= m.indirectThreshold(false) ? 1 : 0;
                }
                contentTp += hit;
                contentPos += injected.size();
                contentCell += String.format(Locale.ROOT, "%s TPR %.4f (%d)", contentCell.isEmpty()
                        ? String.format(Locale.ROOT, "%.4f;", m.indirectThreshold(false)) : " /", (double) hit / injected.size(),
                        injected.size());
            }
            out.printf(Locale.ROOT, "%-26s %-9s %-18s %6d %9.4f %8s   %s%n", s.name(), s.role().name().toLowerCase(Locale.ROOT),
                    s.family(), s.texts().size(), m.threshold(emb), s.role() == Role.INDIRECT ? "-"
                    : String.format(Locale.ROOT, "%.4f", (double) flagged / s.texts().size()), contentCell);
            out.flush();
        }
        pos.sort(null);
        neg.sort(null);
        out.println();
        out.printf(Locale.ROOT, "pooled direct (held-out scores, %d attacks, %d benign): AUROC %.4f; at the fixed "
                + "thresholds TPR %.4f, FPR %.4f%n", pos.size(), neg.size(), RankingMetrics.auroc(pos, neg),
                (double) tp / pos.size(), familyFp.values().stream().mapToInt(c -> c[1]).sum() / (double) neg.size());
        familyFp.forEach((f, c) -> out.printf(Locale.ROOT, "  benign family %-18s FPR %.4f (%d of %d)%n", f,
                (double) c[1] / c[0], c[1], c[0]));
        attackScores.forEach((name, sc) -> out.printf(Locale.ROOT, "  attack source %-22s AUROC against all held-out "
                + "benign %.4f%n", name, RankingMetrics.auroc(sc.stream().sorted().toList(), neg)));
        out.printf(Locale.ROOT, "  (post hoc, not a fixed threshold: TPR at pooled FPR <= 2%% %.4f, <= 1%% %.4f)%n",
                RankingMetrics.tprAt(pos, neg, 0.02), RankingMetrics.tprAt(pos, neg, 0.01));
        for (int i = 0; i < rulesN; i++) {
            Map.Entry<String, int[]> worst = altFamily.get(i).entrySet().stream()
                    .max(java.util.Comparator.comparingDouble(e -> (double) e.getValue()[1] / e.getValue()[0]))
                    .orElseThrow();
            out.printf(Locale.ROOT, "  other threshold rule (declared before scoring): every family <= %.3f and pooled "
                    + "<= %.3f on the calibration scores: TPR %.4f, FPR %.4f; worst family %s %.4f%n",
                    InjectionFit.ALTERNATIVE_RULES[i][0], InjectionFit.ALTERNATIVE_RULES[i][1],
                    (double) altFlags[i][0] / pos.size(), (double) altFlags[i][1] / neg.size(), worst.getKey(),
                    (double) worst.getValue()[1] / worst.getValue()[0]);
        }
        if (withEmbeddings()) {
            lexPos.sort(null);
            lexNeg.sort(null);
            out.printf(Locale.ROOT, "pooled direct, lexical stage alone (same folds, its own thresholds): AUROC %.4f; "
                    + "TPR %.4f, FPR %.4f; post hoc TPR at pooled FPR <= 2%% %.4f%n", RankingMetrics.auroc(lexPos, lexNeg),
                    (double) lexFlags[0] / lexPos.size(), (double) lexFlags[1] / lexNeg.size(),
                    RankingMetrics.tprAt(lexPos, lexNeg, 0.02));
        }
        out.printf(Locale.ROOT, "pooled content (tool results and documents): injected held-out TPR %.4f (%d texts)%n",
                (double) contentTp / Math.max(1, contentPos), contentPos);
        contentFp.forEach((f, c) -> out.printf(Locale.ROOT, "  clean family %-19s FPR %.4f (%d of %d)%n", f,
                (double) c[1] / c[0], c[1], c[0]));
        InjectionModel all = fit.train(sources, Set.of(), seed, "{}");
        boolean emb = fit.encoder().isPresent();
        InjectionScanner scanner = new InjectionScanner(all, rules, fit.encoder(), all.threshold(emb),
                all.indirectThreshold(emb));
        for (Source s : sources) {
            if (s.role() == Role.OTHER) {
                long f = s.texts().stream().filter(t -> scanner.score(t) >= all.threshold(emb)).count();
                out.printf(Locale.ROOT, "not injections (%s, model trained on all sources, never on these): %s flagged "
                        + "%.4f of %d%n", s.family(), s.name(), (double) f / s.texts().size(), s.texts().size());
            }
        }
        if (latency) {
            latency(out, scanner, sources);
        }
    }

    private boolean withEmbeddings() {
        return fit.encoder().isPresent();
    }

    /** Times {@code scanner} on every text of {@code sources} after a warm-up: per text and per KB, p50 and p99. */
    static void latency(PrintStream out, InjectionScanner scanner, List<Source> sources) {
        latency(out, scanner, sources, "lexical");
    }

    /** As above; {@code stage} names what the direct score runs (lexical, or lexical with the embedding stage). */
    static void latency(PrintStream out, InjectionScanner scanner, List<Source> sources, String stage) {
        for (int i = 0; i < 300; i++) {
            scanner.score("warm-up prompt number " + i + " ignore previous instructions? " + "x".repeat(i * 5));
            scanner.scoreContent("warm-up document " + i + " " + "y ".repeat(i * 3));
        }
        // Wall time includes waiting for the core on a busy machine; thread CPU time is the cost of the scan itself.
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        List<Double> perKb = new ArrayList<>();
        List<Double> cpuPerKb = new ArrayList<>();
        List<Double> perKbContent = new ArrayList<>();
        List<Double> millis = new ArrayList<>();
        for (Source s : sources) {
            for (String t : s.texts()) {
                double kb = Math.max(1.0, t.getBytes(StandardCharsets.UTF_8).length / 1024.0);
                long c0 = cpu.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                scanner.score(t);
                double ms = (System.nanoTime() - t0) / 1e6;
                cpuPerKb.add((cpu.getCurrentThreadCpuTime() - c0) / 1e6 / kb);
                millis.add(ms);
                perKb.add(ms / kb);
                long t1 = System.nanoTime();
                scanner.scoreContent(t);
                perKbContent.add((System.nanoTime() - t1) / 1e6 / kb);
            }
        }
        out.printf(Locale.ROOT, "latency, direct (" + stage + "), %d texts, wall: per text p50 %.3f ms, p99 %.3f ms; per KB p50 "
                + "%.3f ms, p99 %.3f ms%n", millis.size(), RankingMetrics.pct(millis, 0.5),
                RankingMetrics.pct(millis, 0.99), RankingMetrics.pct(perKb, 0.5), RankingMetrics.pct(perKb, 0.99));
        out.printf(Locale.ROOT, "latency, direct (" + stage + "), thread CPU time: per KB p50 %.3f ms, p99 %.3f ms%n",
                RankingMetrics.pct(cpuPerKb, 0.5), RankingMetrics.pct(cpuPerKb, 0.99));
        out.printf(Locale.ROOT, "latency, content (both models), wall: per KB p50 %.3f ms, p99 %.3f ms%n",
                RankingMetrics.pct(perKbContent, 0.5), RankingMetrics.pct(perKbContent, 0.99));
    }
}
