package dev.bastion.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.guard.eval.PiiEvaluation;
import dev.bastion.guard.eval.PiiTokenScore;
import dev.bastion.guard.pii.PiiMode;
import dev.bastion.guard.pii.PiiScanner;
import dev.bastion.guard.pii.Recognizer;
import dev.bastion.models.progress.Progress;
import dev.bastion.models.progress.ProgressBar;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bastion eval pii --data FILE}: precision, recall and F2 of the PII scanner on presidio-research's JSON
 * format (full_text plus spans with entity_type and positions), token-level as presidio-research scores, per type
 * and overall, under the three modes of {@link PiiEvaluation}; then exact spans, and sentences per second. The
 * scoring lives in guard's {@code eval} package; this command reads the data, runs the scanner and prints.
 */
@Command(name = "pii", description = "Precision, recall and F2 of the PII scanner on presidio-research JSON data.")
final class PiiEval implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "FILE")
    Path data;

    @Option(names = "--errors", defaultValue = "0", paramLabel = "N",
            description = "Also print the first N token errors of the strict mode (gold -> predicted, token, context).")
    int showErrors;

    @Option(names = "--error-mode", defaultValue = "1", paramLabel = "K", description = "Which token-level mode "
            + "--errors lists, 1 to 3 in the printed order (default 1, strict; 3 is presidio-research's mapping, the "
            + "headline mode, for error analysis by the type that counts).")
    int errorMode;

    @Option(names = "--bulk", paramLabel = "FILE", description = "Also time bulk scanning of this UTF-8 text file, in "
            + "segments of about 64 KB cut at line ends, and report MB/s (of UTF-16 characters, 1 char = 1 byte for "
            + "ASCII text).")
    Path bulk;

    @Option(names = "--benign", arity = "1..*", paramLabel = "FILE", description = "Also report the share of "
            + "characters flagged (any type) on these benign prompt sets, per mode: CSV, JSON, JSONL or text, read as "
            + "bastion eval injection reads them (FILE#COLUMN=VALUE keeps matching rows, e.g. xstest_prompts.csv#label=safe).")
    List<String> benign;

    @Option(names = "--benign-errors", defaultValue = "0", paramLabel = "N", description = "Also print the N most "
            + "frequent flagged values on the benign sets (type, value, count), per mode.")
    int benignErrors;

    @Option(names = "--case", defaultValue = "as-is", paramLabel = "CASE", description = "Re-case every text "
            + "(samples and benign prompts) before scanning: as-is (default), upper or lower; each character is mapped "
            + "on its own, so gold offsets hold.")
    String recase;

    @Option(names = "--rounds", defaultValue = "20", paramLabel = "N",
            description = "Timed rounds after as many warm-up rounds (default 20); the median and best are reported.")
    int rounds;

    @Override
    public Integer call() throws IOException {
        if (errorMode < 1 || errorMode > PiiEvaluation.MODES.size()) {
            System.err.println("eval pii: --error-mode must be 1 to " + PiiEvaluation.MODES.size() + ", not "
                    + errorMode);
            return ExitCodes.USAGE;
        }
        Recasing recasing;
        try {
            recasing = Recasing.parse(recase);
        } catch (IllegalArgumentException e) {
            System.err.println("eval pii: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(data.toFile());
        } catch (IOException e) {
            System.err.println("eval pii: cannot read " + data + " as JSON: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (!root.isArray()) {
            System.err.println("eval pii: " + data + " is not a JSON array of samples");
            return ExitCodes.USAGE;
        }
        List<String> texts = new ArrayList<>();
        int changed = 0;
        for (JsonNode s : root) {
            String text = s.path("full_text").asText();
            changed += recasing.changedLength(text) ? 1 : 0;
            texts.add(recasing.apply(text));
        }
        List<PromptSets.Prompt> benignPrompts = new ArrayList<>();
        for (String spec : benign == null ? List.<String>of() : benign) {
            for (PromptSets.Prompt p : PromptSets.read(spec, null)) {
                changed += recasing.changedLength(p.text()) ? 1 : 0;
                benignPrompts.add(new PromptSets.Prompt(p.source(), recasing.apply(p.text())));
            }
        }
        if (recasing != Recasing.AS_IS) {
            System.out.println("case " + recasing.optionName() + ": " + changed + " texts whose full case mapping "
                    + "would change their length (mapped character by character, offsets kept)");
        }
        for (PiiMode mode : PiiMode.values()) {
            System.out.println("== pii mode " + mode.configName() + " (default threshold " + mode.threshold() + ")");
            PiiScanner scanner = PiiScanner.defaults(mode);
            score(root, texts, scanner, mode == PiiMode.BALANCED);
            if (!benignPrompts.isEmpty()) {
                BenignShare.print(scanner, benignPrompts, benignErrors);
            }
        }
        return ExitCodes.OK;
    }

    /** Token and span scores of {@code scanner} on the presidio-research samples; timed only when {@code timed}. */
    private void score(JsonNode root, List<String> texts, PiiScanner scanner, boolean timed) throws IOException {
        List<List<Recognizer.Candidate>> predictions = new ArrayList<>();
        Progress progress = ProgressBar.onTerminal("texts");
        progress.start(0, texts.size());
        for (String t : texts) {
            predictions.add(scanner.find(t));
            progress.advance(predictions.size());
        }
        progress.finish(predictions.size());
        double[] perSecond = timed ? time(scanner, texts, rounds) : null;
        PiiEvaluation evaluation = new PiiEvaluation(errorMode == 1 ? showErrors : 0);
        PiiTokenScore errorScore = new PiiTokenScore(PiiEvaluation.MODES.get(errorMode - 1),
                errorMode == 1 ? 0 : showErrors);
        int i = 0;
        for (JsonNode s : root) {
            String text = texts.get(i);
            List<PiiTokenScore.Span> gold = new ArrayList<>();
            for (JsonNode span : s.path("spans")) {
                gold.add(new PiiTokenScore.Span(span.path("entity_type").asText(), span.path("start_position").asInt(),
                        span.path("end_position").asInt()));
            }
            List<PiiTokenScore.Span> predicted = predictions.get(i++).stream()
                    .map(c -> new PiiTokenScore.Span(c.type(), c.start(), c.end())).toList();
            evaluation.add(text, gold, predicted);
            errorScore.add(text, gold, predicted);
        }
        if (timed) {
            System.out.printf(Locale.ROOT, "%d sentences: %.0f sentences/s median, %.0f best, of %d rounds after %d "
                    + "warm-up rounds%n", texts.size(), perSecond[0], perSecond[1], rounds, rounds);
        }
        if (timed && bulk != null) {
            List<String> segments = segments(java.nio.file.Files.readString(bulk));
            long chars = segments.stream().mapToLong(String::length).sum();
            double[] mbs = time(scanner, segments, Math.max(3, rounds / 4));
            System.out.printf(Locale.ROOT, "bulk %s: %.1f MB in %d segments: %.1f MB/s median, %.1f best%n", bulk,
                    chars / 1e6, segments.size(), mbs[0] * chars / segments.size() / 1e6,
                    mbs[1] * chars / segments.size() / 1e6);
        }
        for (PiiTokenScore sc : evaluation.tokenScores()) {
            System.out.println("token level, " + sc.mode().name() + ":");
            System.out.println("  type                          precision   recall       F1       F2  support");
            for (String type : sc.types()) {
                row(type, sc.counts(type, false));
            }
            row("ALL TYPES, typed (micro)", sc.counts(null, false));
            row("ALL TYPES, PII (any type)", sc.counts(null, true));
        }
        (errorMode == 1 ? evaluation.tokenScores().getFirst() : errorScore).errors()
                .forEach(e -> System.out.println("error: " + e));
        System.out.println("exact span (strict names):");
        evaluation.exactSpans().forEach(PiiEval::row);
    }

    /** Texts per second over {@code rounds} timed rounds after as many warm-up rounds: {median, best}. */
    private static double[] time(PiiScanner scanner, List<String> texts, int rounds) {
        double[] rates = new double[Math.max(1, rounds)];
        for (int round = -rates.length; round < rates.length; round++) {
            long start = System.nanoTime();
            for (String t : texts) {
                scanner.find(t);
            }
            if (round >= 0) {
                rates[round] = texts.size() / ((System.nanoTime() - start) / 1e9);
            }
        }
        java.util.Arrays.sort(rates);
        return new double[] {rates[rates.length / 2], rates[rates.length - 1]};
    }

    /** Cuts text into segments of about 64 KB at line ends. */
    static List<String> segments(String text) {
        List<String> out = new ArrayList<>();
        int from = 0;
        while (from < text.length()) {
            int to = Math.min(text.length(), from + 65_536);
            int nl = text.indexOf('\n', to);
            to = to == text.length() || nl < 0 ? text.length() : nl + 1;
            out.add(text.substring(from, to));
            from = to;
        }
        return out;
    }

    /** c = {tp, predicted, annotated}. */
    private static void row(String type, long[] c) {
        double p = c[1] == 0 ? 0 : (double) c[0] / c[1];
        double r = c[2] == 0 ? 0 : (double) c[0] / c[2];
        double f1 = p + r == 0 ? 0 : 2 * p * r / (p + r);
        double f2 = p + r == 0 ? 0 : 5 * p * r / (4 * p + r);
        System.out.printf(Locale.ROOT, "  %-28s %9.3f %8.3f %8.3f %8.3f %8d%n", type, p, r, f1, f2, c[2]);
    }
}
