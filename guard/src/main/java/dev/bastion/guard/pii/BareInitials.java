package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.List;

/**
 * A middle initial written without its full stop between two parts of one name: "Martim A Pereira", "Ruth K
 * Lindqvist", and in text typed in lower case "benjamin a seiler". The model and the span rules report the two
 * parts as two names and leave the initial between them, so a pseudonymiser gives "Iago A Iannello" and the
 * initial reaches the model beside two pseudonyms. When two PERSON spans, both kept at the threshold, are one
 * space either side of a single letter on the same line (a capital in a text that capitalises names), the whole
 * is one PERSON at {@link #SCORE}, above both parts. Both sides must already be names: "Plan A Review" or "gave
 * Anna a book" join nothing. Linear in the candidates (one hash lookup per join). Immutable and thread-safe.
 */
final class BareInitials {
    private BareInitials() {
    }

    static final double SCORE = 0.9;
    static final String RECOGNIZER = "bare-initial";

    /** The joined names of {@code found} (PERSON spans at {@code min}) in {@code t}. */
    static List<Recognizer.Candidate> find(Tokens t, List<Recognizer.Candidate> found, boolean cased, double min) {
        List<Recognizer.Candidate> out = new ArrayList<>(0);
        java.util.Map<Integer, Recognizer.Candidate> byStart = null; // PERSON spans by start, made when first needed
        for (Recognizer.Candidate left : found) {
            if (!left.type().equals("PERSON") || left.score() < min) {
                continue;
            }
            int k = SpanRules.firstToken(t, left.end()); // the token after the left part
            if (k + 1 >= t.size || t.end[k] - t.start[k] != 1 || t.start[k] != left.end() + 1
                    || t.lineBefore[k] || t.lineBefore[k + 1] || t.start[k + 1] != t.end[k] + 1) {
                continue;
            }
            char initial = t.text.charAt(t.start[k]);
            if (!Chars.letter(initial) || cased && !Chars.upper(initial)) {
                continue;
            }
            if (byStart == null) {
                byStart = new java.util.HashMap<>();
                for (Recognizer.Candidate c : found) {
                    if (c.type().equals("PERSON") && c.score() >= min) {
                        byStart.merge(c.start(), c, (x, y) -> x.end() >= y.end() ? x : y);
                    }
                }
            }
            Recognizer.Candidate right = byStart.get(t.start[k + 1]);
            if (right != null) {
                out.add(new Recognizer.Candidate("PERSON", left.start(), right.end(), SCORE, RECOGNIZER));
            }
        }
        return out;
    }
}
