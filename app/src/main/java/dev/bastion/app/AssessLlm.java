package dev.bastion.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.inference.LocalModel;
import dev.bastion.inference.TokenStepper;
import dev.bastion.privacy.attacks.CanaryExposure;
import dev.bastion.privacy.attacks.Memorisation;
import dev.bastion.privacy.attacks.NextTokenModel;
import dev.bastion.privacy.attacks.Roc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bastion assess llm}: how much of the operator's own records a GGUF model has memorised (not whether it
 * saw a text in pretraining, which these scores barely tell). Per record: log-likelihood per token, zlib ratio,
 * Min-K% and Min-K%++, greedy extraction; per canary record, Secret Sharer exposure. The report names records by
 * their line index and never holds their text.
 */
@Command(name = "llm", description = "Memorisation of your records by a GGUF language model: log-likelihood, zlib "
        + "ratio, Min-K%, Min-K%++, greedy extraction, and canary exposure (Secret Sharer). Records are JSONL with "
        + "\"text\", optional \"canary\": true with \"prefix\", optional \"member\": true|false.")
final class AssessLlm extends AssessCommand.Reporting {
    @Option(names = "--model", required = true, paramLabel = "GGUF") Path model;
    @Option(names = "--records", required = true, paramLabel = "JSONL") Path records;
    @Option(names = "--k", defaultValue = "0.2", description = "Fraction of lowest-scoring tokens Min-K% and "
            + "Min-K%++ average (default 0.2).")
    double k;
    @Option(names = "--prefix-tokens", defaultValue = "32", description = "Tokens given to greedy extraction "
            + "(default 32; half the record when it is shorter than twice that).")
    int prefixTokens;
    @Option(names = "--candidates", defaultValue = "1000", description = "Secrets sampled per canary when its "
            + "space exceeds --exact-limit (default 1000).")
    int candidates;
    @Option(names = "--exact-limit", defaultValue = "20000", description = "Score every secret of a canary's "
            + "format when there are at most this many (default 20000).")
    long exactLimit;
    @Option(names = "--context", defaultValue = "512", description = "Tokens a record may have (default 512).")
    int context;

    /** One line of the records file; the text never leaves this command. */
    record Record(int index, String text, boolean canary, String prefix, Boolean member) {
    }

    @Override
    int run() throws IOException {
        long start = System.nanoTime();
        if (!(k > 0 && k <= 1) || prefixTokens < 1 || candidates < 1 || context < 2) {
            throw new IllegalArgumentException("--k must be in (0, 1], --prefix-tokens and --candidates at least 1, "
                    + "--context at least 2");
        }
        List<Record> rows = read(records);
        Assessment a = new Assessment("llm");
        a.data(records, rows.size(), null);
        a.options().put("k", k).put("prefix_tokens", prefixTokens).put("candidates", candidates)
                .put("exact_limit", exactLimit).put("context", context).put("seed", seed);
        try (LocalModel lm = LocalModel.load(model, new LocalModel.Options(context, 1, 0))) {
            var m = a.root().putObject("model");
            m.put("trainer", "gguf");
            m.put("model", lm.config().architecture());
            m.put("sha256", dev.bastion.models.signing.Manifest.sha256(model));
            NextTokenModel probe = adapt(lm.stepper(context));
            Map<String, double[]> scores = new LinkedHashMap<>();
            for (String s : List.of("log_likelihood", "zlib_ratio", "min_k", "min_k_plus_plus")) {
                scores.put(s, new double[rows.size()]);
            }
            int extracted = 0;
            double worstExposure = Double.NaN;
            SplittableRandom random = new SplittableRandom(seed);
            for (Record r : rows) {
                String slice = "record_" + r.index();
                Memorisation mem = Memorisation.probe(probe, fit(lm.rawPrompt(r.text()), r), r.text(), k,
                        prefixTokens);
                scores.get("log_likelihood")[r.index()] = mem.logLikelihoodPerToken();
                scores.get("zlib_ratio")[r.index()] = mem.zlibRatio();
                scores.get("min_k")[r.index()] = mem.minK();
                scores.get("min_k_plus_plus")[r.index()] = mem.minKPlusPlus();
                a.metric("log_likelihood", mem.logLikelihoodPerToken(), null, slice, null, null);
                a.metric("zlib_ratio", mem.zlibRatio(), null, slice, null, null);
                a.metric("min_k", mem.minK(), null, slice, k, null);
                a.metric("min_k_plus_plus", mem.minKPlusPlus(), null, slice, k, null);
                a.metric("extracted_tokens", mem.extractedTokens(), null, slice, null, null);
                a.metric("suffix_tokens", mem.suffixTokens(), null, slice, null, null);
                extracted += mem.extracted() ? 1 : 0;
                if (r.canary()) {
                    String secret = r.text().substring(r.prefix().length());
                    CanaryExposure e = CanaryExposure.measure(probe, text -> fit(lm.rawPrompt(text), r), r.prefix(),
                            secret, candidates, exactLimit, random);
                    String how = e.exact() ? "exact" : "sampled";
                    a.metric("exposure", e.exposure(), null, slice, null, how);
                    a.metric("exposure_lower_bound", e.lowerBound(), null, slice, null, how);
                    a.metric("exposure_maximum", e.maximum(), null, slice, null, how);
                    a.metric("candidates", e.candidates(), null, slice, null, how);
                    worstExposure = Double.isNaN(worstExposure) ? e.exposure() : Math.max(worstExposure,
                            e.exposure());
                }
            }
            a.metric("extracted_fraction", (double) extracted / rows.size(), null, "all", null, null);
            StringBuilder summary = new StringBuilder(String.format(Locale.ROOT, "%d records, %d extracted whole",
                    rows.size(), extracted));
            if (!Double.isNaN(worstExposure)) {
                summary.append(String.format(Locale.ROOT, ", highest canary exposure %.2f bits", worstExposure));
            }
            boolean[] member = new boolean[rows.size()];
            int labelled = 0;
            int members = 0;
            for (int i = 0; i < rows.size(); i++) {
                Boolean b = rows.get(i).member();
                labelled += b == null ? 0 : 1;
                member[i] = Boolean.TRUE.equals(b);
                members += member[i] ? 1 : 0;
            }
            if (labelled == rows.size() && members > 0 && members < rows.size()) {
                for (Map.Entry<String, double[]> e : scores.entrySet()) {
                    Roc roc = Roc.of(e.getValue(), member);
                    a.metric("auc", roc.auc(), null, "all", null, e.getKey());
                    a.metric("tpr", roc.tprAt(0.01), roc.tprIntervalAt(0.01), "all", 0.01, e.getKey());
                    a.curve("roc", e.getKey(), "all", roc.fpr(), roc.tpr(), 400);
                    summary.append(String.format(Locale.ROOT, ", %s AUC %.3f", e.getKey(), roc.auc()));
                }
            }
            summary.append(String.format(Locale.ROOT, "; %.1f s", (System.nanoTime() - start) / 1e9));
            return finish(a, "LLM memorisation: " + model.getFileName(), summary.toString());
        }
    }

    private int[] fit(int[] tokens, Record r) {
        if (tokens.length > context) {
            throw new IllegalArgumentException("--records line " + (r.index() + 1) + " has " + tokens.length
                    + " tokens, more than --context " + context);
        }
        return tokens;
    }

    static NextTokenModel adapt(TokenStepper s) {
        return new NextTokenModel() {
            @Override
            public int vocabularySize() {
                return s.vocabularySize();
            }

            @Override
            public int capacity() {
                return s.capacity();
            }

            @Override
            public int length() {
                return s.length();
            }

            @Override
            public int[] tokens() {
                return s.tokens();
            }

            @Override
            public float[] push(int token) {
                return s.push(token);
            }

            @Override
            public void truncate(int length) {
                s.truncate(length);
            }
        };
    }

    /** Reads the records; an error names the line and the field, never the text. */
    static List<Record> read(Path file) throws IOException {
        List<Record> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = "--records line " + (i + 1);
            JsonNode n;
            try {
                n = Json.MAPPER.readTree(line);
            } catch (IOException e) {
                throw new IllegalArgumentException(where + " is not a JSON object");
            }
            if (!n.isObject() || !n.path("text").isTextual() || n.path("text").asText().isEmpty()) {
                throw new IllegalArgumentException(where + " has no non-empty \"text\" string");
            }
            String text = n.path("text").asText();
            boolean canary = n.path("canary").asBoolean(false);
            String prefix = n.path("prefix").asText("");
            if (!text.startsWith(prefix)) {
                throw new IllegalArgumentException(where + ": \"prefix\" is not the start of \"text\"");
            }
            if (canary && prefix.length() == text.length()) {
                throw new IllegalArgumentException(where + ": the canary has no secret after its \"prefix\"");
            }
            Boolean member = n.has("member") ? n.path("member").asBoolean() : null;
            out.add(new Record(out.size(), text, canary, prefix, member));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--records " + file + " has no record");
        }
        return out;
    }
}
