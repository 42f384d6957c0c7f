package dev.bastion.guard.injection;

import dev.bastion.guard.Finding;
import dev.bastion.guard.Scanner;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Prompt-injection and jailbreak detection: each text is normalised, scored by the trained classifier (lexical
 * features, rule hits and, when an encoder is given, the sentence embedding of its first 256 characters), and each
 * decoded view (base64, hex, rot13, leetspeak) is scored by the lexical model; the highest score counts. Text in
 * {@code tool} messages (content the model reads, not what the user typed) is judged against the stricter indirect
 * threshold and reported as {@code INDIRECT_PROMPT_INJECTION}. A finding covers the rule match that triggered it
 * when there is one, else the whole text, and carries the score. Thread-safe.
 */
public final class InjectionScanner implements Scanner {
    public static final String ID = "injection";
    public static final String DIRECT = "PROMPT_INJECTION";
    public static final String INDIRECT = "INDIRECT_PROMPT_INJECTION";

    static final double SURE_BENIGN = 0.02;
    static final double SURE_ATTACK = 0.999;

    private final InjectionModel model;
    private final InjectionRules rules;
    private final Optional<SentenceEncoder> encoder;
    private final double threshold;
    private final double indirectThreshold;

    public InjectionScanner(InjectionModel model, InjectionRules rules, Optional<SentenceEncoder> encoder,
            double threshold, double indirectThreshold) {
        if (!(threshold > 0 && threshold < 1) || !(indirectThreshold > 0 && indirectThreshold < 1)) {
            throw new IllegalArgumentException("injection thresholds must be in (0, 1)");
        }
        this.model = model;
        this.rules = rules;
        this.encoder = encoder;
        this.threshold = threshold;
        this.indirectThreshold = indirectThreshold;
    }

    /** The built-in model and rules at the model's own thresholds. */
    public static InjectionScanner builtIn(Optional<SentenceEncoder> encoder) {
        InjectionModel m = InjectionModel.builtIn();
        return new InjectionScanner(m, InjectionRules.builtIn(), encoder, m.threshold(encoder.isPresent()),
                m.indirectThreshold(encoder.isPresent()));
    }

    @Override
    public String id() {
        return ID;
    }

    /**
     * The attack probability of one text. A cascade keeps it fast: the lexical model scores first, and only a text
     * it is unsure about (between {@value #SURE_BENIGN} and {@value #SURE_ATTACK}) is embedded and scored by the
     * full model.
     */
    public double score(String text) {
        TextNormalizer.Normalized n = TextNormalizer.normalize(text);
        Features.Sparse f = Features.of(n.text(), n.hadHiddenCharacters(), rules, InjectionModel.MAX_FEATURE_CHARS);
        double best = model.score(f, Optional.empty());
        if (encoder.isPresent() && best > SURE_BENIGN && best < SURE_ATTACK) {
            float[] e = encoder.get().encode(text.length() > InjectionModel.EMBEDDED_CHARS
                    ? text.substring(0, InjectionModel.EMBEDDED_CHARS) : text);
            if (e != null) {
                best = model.score(f, Optional.of(e));
            }
        }
        for (String view : n.views()) {
            best = Math.max(best, model.score(Features.of(view, n.hadHiddenCharacters(), rules,
                    InjectionModel.MAX_FEATURE_CHARS), Optional.empty()));
        }
        return best;
    }

    @Override
    public List<Finding> scan(List<String> segments) {
        return scan(segments, segments.stream().map(s -> "user").toList());
    }

    @Override
    public List<Finding> scan(List<String> segments, List<String> roles) {
        List<Finding> out = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            String text = segments.get(i);
            if (text.isBlank()) {
                continue;
            }
            boolean indirect = i < roles.size() && ("tool".equals(roles.get(i)) || "function".equals(roles.get(i)));
            double s = score(text);
            if (s >= (indirect ? indirectThreshold : threshold)) {
                int start = 0;
                int end = text.length();
                String normalized = TextNormalizer.normalize(text).text();
                if (normalized.length() == text.length()) {
                    for (int r = 0; r < rules.rules().size(); r++) {
                        Optional<InjectionRules.Hit> h = rules.match(r, normalized);
                        if (h.isPresent()) {
                            start = h.get().start();
                            end = h.get().end();
                            break;
                        }
                    }
                }
                out.add(new Finding(indirect ? INDIRECT : DIRECT, i, start, end, Math.min(1, Math.max(0, s)), ID));
            }
        }
        return out;
    }
}
