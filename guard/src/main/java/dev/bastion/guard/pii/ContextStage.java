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
 * unavailable (the request's thread was interrupted while it waited) the first stage's spans stand unchanged. Thread-safe if the encoder is.
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

    /** Which parts of a text the encoder reads. */
    public enum Gate {
        /** The whole text. */
        ALL,
        /**
         * In a text that capitalises names ({@link SpanRules#cased}), only the sentences that hold a candidate word,
         * each sentence run of them encoded as a text of its own: a capitalised word that is not in {@code
         * not-names.txt} (in balanced mode of more than one letter and, if all capitals, more than three); in
         * recall mode also a word of the name, place or company gazetteers in any case, or a
         * word with a digit. In balanced mode the span rules drop every span without such a word, so the sentences
         * left out could only have given spans that are dropped anyway (their vectors differ a little, having less
         * context). Text that does not capitalise names is read whole. Either way a run of sentences is cut into
         * regions of about one encoder window ({@link #REGION_TOKENS}), each encoded on its own.
         */
        CANDIDATES
    }

    public static final String RESOURCE = "pii-context-model.bin.gz";

    /** The combination chosen by the leave-one-source-out score (docs/pii-context-model.md). */
    public static final Combine DEFAULT_COMBINE = Combine.FILL;

    /** The gate chosen by the latency and leave-one-source-out runs (docs/pii-context-model.md). */
    public static final Gate DEFAULT_GATE = Gate.CANDIDATES;

    /** The shipped balanced-mode floor on a word's entity probability (docs/pii-context-model.md). */
    public static final double DEFAULT_BALANCED_FLOOR = 0.6;

    private final ContextModel model;
    private final TokenVectors vectors;
    private final Combine combine;
    private final Gate gate;
    private final double balancedFloor;

    /** The stage with the default gate and balanced-mode floor. */
    public ContextStage(ContextModel model, TokenVectors vectors, Combine combine) {
        this(model, vectors, combine, DEFAULT_GATE, DEFAULT_BALANCED_FLOOR);
    }

    /**
     * The stage reading what {@code gate} lets through; in balanced mode a word is inside an entity only when its
     * entity probability also reaches {@code balancedFloor} (0 to 1; 0 leaves the mode's threshold alone).
     */
    public ContextStage(ContextModel model, TokenVectors vectors, Combine combine, Gate gate, double balancedFloor) {
        this.model = Objects.requireNonNull(model, "model");
        this.vectors = Objects.requireNonNull(vectors, "vectors");
        this.combine = Objects.requireNonNull(combine, "combine");
        this.gate = Objects.requireNonNull(gate, "gate");
        if (!(balancedFloor >= 0 && balancedFloor <= 1)) {
            throw new IllegalArgumentException("balancedFloor must lie in [0, 1]: " + balancedFloor);
        }
        this.balancedFloor = balancedFloor;
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
        int[] regions = gate == Gate.ALL ? new int[] {0, tokens.text.length()} : regions(tokens, mode, cased);
        if (regions.length == 0) {
            return names; // no sentence could hold a span this mode keeps
        }
        boolean whole = regions.length == 2 && regions[0] == 0 && regions[1] == tokens.text.length();
        var words = whole ? vectors.of(tokens.text) : vectors.of(tokens.text, regions);
        if (words.isEmpty()) {
            return names;
        }
        if (mode == PiiMode.BALANCED) {
            threshold = Math.max(threshold, balancedFloor);
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

    /**
     * What {@link Gate#CANDIDATES} lets the encoder read of {@code text} in {@code mode}: flat [start, end) pairs in
     * order, {@code [0, text.length()]} for the whole text, empty for none.
     */
    public static int[] regions(String text, PiiMode mode) {
        Tokens t = Tokens.of(text);
        return regions(t, mode, SpanRules.cased(t));
    }

    private static final int NAME_BITS = Gazetteers.FIRST | Gazetteers.LAST | Gazetteers.CITY | Gazetteers.COUNTRY
            | Gazetteers.STATE | Gazetteers.COMPANY | Gazetteers.STREET;

    /**
     * Sentences in a run are read as one region up to {@value #REGION_TOKENS} tokens (about one encoder window), so
     * a region rarely needs the encoder's overlapping windows, which read some pieces twice.
     */
    static final int REGION_TOKENS = 90;

    static int[] regions(Tokens t, PiiMode mode, boolean cased) {
        Gazetteers g = mode == PiiMode.RECALL ? Gazetteers.get() : null;
        int[] out = new int[8];
        int n = 0;
        int from = 0;
        int regionFrom = 0; // the first token of the last region
        int lastIn = -2; // the last token of the last region
        boolean hit = !cased; // text that does not capitalise names is read whole, in sentence runs
        for (int i = 0; i < t.size; i++) {
            hit = hit || candidate(t, i, g);
            if (i + 1 < t.size && !NameFeatures.endsSentence(t, i)) {
                continue;
            }
            if (hit) {
                if (lastIn == from - 1 && i - regionFrom < REGION_TOKENS) {
                    out[n - 1] = t.end[i]; // the sentence before was read too: one region
                } else {
                    if (n + 2 > out.length) {
                        out = java.util.Arrays.copyOf(out, 2 * out.length);
                    }
                    out[n++] = t.start[from];
                    out[n++] = t.end[i];
                    regionFrom = from;
                }
                lastIn = i;
            }
            from = i + 1;
            hit = !cased;
        }
        if (n == 2 && out[0] == t.start[0] && out[1] == t.end[t.size - 1] || t.size == 0) {
            return new int[] {0, t.text.length()}; // every sentence: the whole text, as read without the gate
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** Whether token {@code i} could be part of a span the mode keeps ({@code g} only in recall mode). */
    private static boolean candidate(Tokens t, int i, Gazetteers g) {
        if (!t.isWord(i)) {
            return false;
        }
        if (t.capitalised(i) && !SpanRules.notName(t.lower[i])) {
            // balanced mode drops a span of one letter or of one upper-case word of up to three (A, X, CEO, II)
            return g != null || t.end[i] - t.start[i] > 3 || t.end[i] - t.start[i] > 1 && !upper(t, i);
        }
        if (g == null) {
            return false;
        }
        String w = t.lower[i];
        for (int k = 0; k < w.length(); k++) {
            if (Character.isDigit(w.charAt(k))) {
                return true;
            }
        }
        return (g.flags(w) & NAME_BITS) != 0;
    }

    private static boolean upper(Tokens t, int i) {
        for (int k = t.start[i]; k < t.end[i]; k++) {
            if (Character.isLowerCase(t.text.charAt(k))) {
                return false;
            }
        }
        return true;
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
