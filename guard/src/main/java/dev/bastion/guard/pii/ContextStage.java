package dev.bastion.guard.pii;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The contextual stage of the {@code pii} scanner: a per-word classifier ({@link ContextModel}) over MiniLM token
 * vectors ({@link TokenVectors}) that decides PERSON, LOCATION, ORGANIZATION and STREET_ADDRESS from context rather
 * than from capitals and word lists, and is combined with the first stage's name spans as {@link Combine} says. A
 * word belongs to an entity when the model's probability that it is not O reaches the mode's threshold; its type is
 * the type with the most probability (B and I together); a new span starts where B outweighs I. A span's score is the
 * mean of its words' entity probabilities. Spans go through the same {@link SpanRules} as the first stage's, so
 * they never cross a line break (addresses aside) nor keep section words and request verbs. When the encoder is
 * busy the first stage's spans stand unchanged. Thread-safe if the encoder is.
 */
public final class ContextStage {
    /** How the contextual spans meet the first stage's spans of the same four types. */
    public enum Combine {
        /** The contextual stage alone decides the four types. */
        REPLACE,
        /** Both stages' spans; where they overlap the higher score wins. */
        ADD,
        /** A first-stage span of the four types stands only where the contextual stage also sees an entity. */
        VETO,
        /** {@link #VETO}, then the contextual spans are added. */
        VETO_ADD,
        /** The first stage's spans stand; contextual spans are added only where they overlap none of them. */
        FILL,
        /** {@link #VETO}, then contextual spans are added only where they overlap no remaining first-stage span. */
        VETO_FILL
    }

    public static final String RESOURCE = "pii-context-model.bin.gz";

    /** The combination chosen by the leave-one-source-out score (docs/pii-context-model.md). */
    public static final Combine DEFAULT_COMBINE = Combine.FILL;

    private final ContextModel model;
    private final TokenVectors vectors;
    private final Combine combine;

    public ContextStage(ContextModel model, TokenVectors vectors, Combine combine) {
        this.model = Objects.requireNonNull(model, "model");
        this.vectors = Objects.requireNonNull(vectors, "vectors");
        this.combine = Objects.requireNonNull(combine, "combine");
    }

    /** The model shipped in the guard jar ({@value #RESOURCE}; recipe in docs/pii-context-model.md). */
    public static ContextModel shippedModel() {
        try (InputStream in = ContextStage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the build");
            }
            return ContextModel.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Combine combine() {
        return combine;
    }

    /**
     * The first stage's refined spans {@code names}, combined with this stage's spans at {@code threshold}; words
     * touching a {@code claimed} character (a pattern match) are never part of a contextual span.
     */
    List<Recognizer.Candidate> apply(Tokens tokens, List<Recognizer.Candidate> names, boolean[] claimed, PiiMode mode,
            boolean cased, double threshold) {
        var words = vectors.of(tokens.text);
        if (words.isEmpty()) {
            return names;
        }
        List<Recognizer.Candidate> mine = new ArrayList<>();
        for (Recognizer.Candidate c : spans(tokens.text, words.get(), names, claimed, threshold)) {
            SpanRules.refine(tokens, c, mode, cased, mine);
        }
        List<Recognizer.Candidate> out = new ArrayList<>();
        for (Recognizer.Candidate n : names) {
            boolean ours = ContextModel.TYPES.contains(n.type());
            boolean kept = switch (combine) {
                case REPLACE -> !ours;
                case ADD, FILL -> true;
                case VETO, VETO_ADD, VETO_FILL -> !ours || overlaps(n, mine);
            };
            if (kept) {
                out.add(n);
            }
        }
        switch (combine) {
            case REPLACE, ADD, VETO_ADD -> out.addAll(mine);
            case FILL, VETO_FILL -> {
                List<Recognizer.Candidate> first = List.copyOf(out);
                mine.stream().filter(m -> !overlaps(m, first)).forEach(out::add);
            }
            case VETO -> { }
        }
        return out;
    }

    /** This stage's raw spans (before span rules). */
    List<Recognizer.Candidate> spans(String text, TokenVectors.Words w, List<Recognizer.Candidate> names,
            boolean[] claimed, double threshold) {
        float[][] rows = ContextFeatures.rows(text, w, model.firstStage ? names : List.of());
        List<Recognizer.Candidate> out = new ArrayList<>();
        int open = -1;
        int openType = -1;
        double sum = 0;
        for (int i = 0; i <= rows.length; i++) {
            int type = -1;
            double ent = 0;
            boolean begins = false;
            if (i < rows.length && !touches(claimed, w.start()[i], w.end()[i])) {
                float[] p = model.probabilities(rows[i]);
                ent = 1 - p[0];
                double best = -1;
                for (int t = 0; t < ContextModel.TYPES.size(); t++) {
                    double pt = p[1 + 2 * t] + p[2 + 2 * t];
                    if (pt > best) {
                        best = pt;
                        type = t;
                    }
                }
                begins = p[1 + 2 * type] > p[2 + 2 * type];
                type = ent >= threshold ? type : -1;
            }
            if (open >= 0 && (type != openType || begins)) {
                out.add(new Recognizer.Candidate(ContextModel.TYPES.get(openType), w.start()[open], w.end()[i - 1],
                        Math.min(1, sum / (i - open)), "context-model"));
                open = -1;
            }
            if (type >= 0 && open < 0) {
                open = i;
                openType = type;
                sum = 0;
            }
            sum += ent;
        }
        return out;
    }

    private static boolean overlaps(Recognizer.Candidate c, List<Recognizer.Candidate> others) {
        return others.stream().anyMatch(m -> m.start() < c.end() && c.start() < m.end());
    }

    private static boolean touches(boolean[] claimed, int from, int to) {
        for (int k = from; k < to && k < claimed.length; k++) {
            if (claimed[k]) {
                return true;
            }
        }
        return false;
    }
}
