package dev.bastion.guard.eval;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scores of a PII detector on annotated texts (presidio-research's sample format: a text and its gold spans):
 * token level under each of {@link #MODES} ({@link PiiTokenScore}), and exact spans under the strict names (a
 * span counts only with the same type, start and end). Not thread-safe; one instance per evaluation.
 */
public final class PiiEvaluation {
    /**
     * The three stated modes: strict (every gold type counts under its own name; only GPE/LOCATION and
     * URL/DOMAIN_NAME are the same name), strict with presidio-research's skip words, and presidio-research's own
     * entity mapping for the Presidio analyzer (street addresses and NRP as LOCATION; TITLE, AGE and ZIP_CODE
     * dropped) with skip words.
     */
    public static final List<PiiTokenScore.Mode> MODES = List.of(
            new PiiTokenScore.Mode("strict (all gold types, own names; GPE=LOCATION, URL=DOMAIN_NAME)",
                    PiiTokenScore.NAMES, false),
            new PiiTokenScore.Mode("strict + presidio-research skip words", PiiTokenScore.NAMES, true),
            new PiiTokenScore.Mode("presidio-research mapping (STREET_ADDRESS, NRP -> LOCATION; TITLE, AGE, ZIP_CODE "
                    + "-> O) + skip words", PiiTokenScore.PRESIDIO_MAPPING, true));

    private final List<PiiTokenScore> scores;
    /** type -> {exact matches, predicted only, gold only}. */
    private final Map<String, long[]> spans = new TreeMap<>();

    /** @param maxErrors token errors of the strict mode to keep (they quote the text: for local use only) */
    public PiiEvaluation(int maxErrors) {
        scores = List.of(new PiiTokenScore(MODES.get(0), maxErrors), new PiiTokenScore(MODES.get(1)),
                new PiiTokenScore(MODES.get(2)));
    }

    /** Scores one text. */
    public void add(String text, List<PiiTokenScore.Span> gold, List<PiiTokenScore.Span> predicted) {
        scores.forEach(s -> s.add(text, gold, predicted));
        List<String> g = gold.stream().map(PiiEvaluation::key).toList();
        List<String> p = predicted.stream().map(PiiEvaluation::key).toList();
        for (String x : g) {
            spans.computeIfAbsent(x.substring(0, x.indexOf(':')), k -> new long[3])[p.contains(x) ? 0 : 2]++;
        }
        for (String x : p) {
            if (!g.contains(x)) {
                spans.computeIfAbsent(x.substring(0, x.indexOf(':')), k -> new long[3])[1]++;
            }
        }
    }

    /** The token-level scores, one per mode in the order of {@link #MODES}. */
    public List<PiiTokenScore> tokenScores() {
        return scores;
    }

    /** Exact-span counts per type (strict names): {true positives, predicted, annotated}. */
    public Map<String, long[]> exactSpans() {
        Map<String, long[]> out = new TreeMap<>();
        spans.forEach((type, c) -> out.put(type, new long[] {c[0], c[0] + c[1], c[0] + c[2]}));
        return Collections.unmodifiableMap(out);
    }

    private static String key(PiiTokenScore.Span s) {
        return PiiTokenScore.NAMES.getOrDefault(s.type(), s.type()) + ":" + s.start() + ":" + s.end();
    }
}
