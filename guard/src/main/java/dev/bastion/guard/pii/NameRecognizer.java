package dev.bastion.guard.pii;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * People, places, street addresses, organisations, titles, NRP and postcodes found by the trained name model
 * ({@link NameModel}, shipped as {@code name-model.bin.gz}; how it is made: docs/pii-name-model.md). Every span is
 * reported with its type, UTF-16 start and end, score 0.85 and recogniser id {@code name-model}; the parts of a
 * postal address after a comma or line break are joined into one STREET_ADDRESS. Immutable and thread-safe.
 */
final class NameRecognizer {
    private NameRecognizer() {
    }

    private static final NameModel MODEL = loadModel();

    private static NameModel loadModel() {
        try (InputStream in = NameRecognizer.class.getResourceAsStream("name-model.bin.gz")) {
            if (in == null) {
                throw new IllegalStateException("name-model.bin.gz is missing from the build");
            }
            return NameModel.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The recipe the shipped model was trained with (command, seed, sizes, SHA-256 of its inputs). */
    static String modelRecipe() {
        return MODEL.recipe;
    }

    /** Entities found by the trained model (people, places, organisations, addresses, titles, NRP, postcodes). */
    static List<Recognizer.Candidate> find(String text) {
        return find(Tokens.of(text), new boolean[text.length()]);
    }

    /** As {@link #find(String)}, leaving out tokens that touch a character marked in {@code claimed}. */
    static List<Recognizer.Candidate> find(Tokens t, boolean[] claimed) {
        return find(t, claimed, true);
    }

    /**
     * As {@link #find(Tokens, boolean[])}; in a text that does not use capitals ({@code cased} false, see
     * {@link SpanRules#cased}: typed all in lower case, or written all in capitals) the model has no capital letter
     * to tell where a name ends, so the verbs it ran on into are cut from the end of each PERSON span.
     */
    static List<Recognizer.Candidate> find(Tokens t, boolean[] claimed, boolean cased) {
        List<Recognizer.Candidate> out = spans(t, MODEL.tag(t, outside(t, claimed)));
        if (cased) {
            return out;
        }
        List<Recognizer.Candidate> kept = new ArrayList<>(out.size());
        for (Recognizer.Candidate c : out) {
            kept.add(c.type().equals("PERSON") ? trimmed(t, c) : c);
        }
        return kept;
    }

    /**
     * A PERSON span the model found in a text without capitals, without the verbs at its end ("harry said", "lucia
     * fernholt will"); common words stay, since they end surnames (brown, king).
     */
    private static Recognizer.Candidate trimmed(Tokens t, Recognizer.Candidate c) {
        int a = SpanRules.firstToken(t, c.start());
        int b = a;
        while (b + 1 < t.size && t.start[b + 1] < c.end()) {
            b++;
        }
        while (b > a && (NameRules.verb(t.lower[b]) || t.lower[b].equals("will"))) {
            b--;
        }
        return t.end[b] == c.end() ? c
                : new Recognizer.Candidate(c.type(), c.start(), t.end[b], c.score(), c.recognizer());
    }

    private static List<Recognizer.Candidate> spans(Tokens t, int[] tags) {
        List<Recognizer.Candidate> out = new ArrayList<>();
        for (NameModel.Span s : NameModel.spans(tags)) {
            String type = NameModel.TYPES.get(s.type());
            int start = t.start[s.first()];
            int end = t.end[s.last()];
            Recognizer.Candidate last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.type().equals("STREET_ADDRESS")
                    && (ADDRESS_PARTS.contains(type) || digitsOnly(t.text, start, end)) && joins(t.text, last.end(), start)) {
                // a postal address is one STREET_ADDRESS: its city, postcode and region after a comma or line break
                out.set(out.size() - 1, new Recognizer.Candidate("STREET_ADDRESS", last.start(), end, 0.85, "name-model"));
                continue;
            }
            out.add(new Recognizer.Candidate(type, start, end, 0.85, "name-model"));
        }
        return out;
    }

    /**
     * Per token, whether it touches a claimed character. A method of its own: as a loop inside {@link #find} its
     * back edges (one per character) made the JIT compile all of find on stack replacement, twice, before the
     * ordinary compilation of find that replaced those.
     */
    private static boolean[] outside(Tokens t, boolean[] claimed) {
        boolean[] outside = new boolean[t.size];
        for (int i = 0; i < t.size; i++) {
            for (int k = t.start[i]; k < t.end[i] && !outside[i]; k++) {
                outside[i] = claimed[k];
            }
        }
        return outside;
    }

    private static final Set<String> ADDRESS_PARTS = Set.of("STREET_ADDRESS", "LOCATION", "ZIP_CODE");

    /** A part made of digits alone (a house, unit or postcode number the model typed otherwise) joins an address. */
    private static boolean digitsOnly(String text, int from, int to) {
        for (int k = from; k < to; k++) {
            if (!Character.isDigit(text.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Only commas, full stops, {@code >} separators and whitespace (at most 12 characters, two line breaks) between
     * two parts.
     */
    private static boolean joins(String text, int from, int to) {
        if (to - from > 12) {
            return false;
        }
        int lines = 0;
        for (int k = from; k < to; k++) {
            char c = text.charAt(k);
            lines += c == '\n' ? 1 : 0;
            if (c != ',' && c != '.' && c != '>' && !Character.isWhitespace(c)) {
                return false;
            }
        }
        return lines <= 2;
    }


}
