package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.List;

/**
 * Nationality, religious and political group words written with a capital ("a Norwegian film", "great Danish
 * food", "the Finnish border guard"), from the gazetteers' NRP list ({@code nrp.txt}). The name model finds such a
 * word where the sentence is about people and misses it before a thing it describes; presidio-research labels both
 * NRP. A group word alone identifies no one and is no Safe Harbor identifier, so it is reported only by the recall
 * mode, which reports everything a de-identification may want: NRP at {@link #SCORE}, under the balanced mode's
 * threshold and over the recall mode's, and under every other span, which wins where they overlap. Upper-case
 * lines are left alone (notes in capitals are full of abbreviations). Immutable and thread-safe.
 */
final class Demonyms {
    private Demonyms() {
    }

    static final double SCORE = 0.3;
    static final String RECOGNIZER = "nrp-word";

    /** The capitalised group words in {@code t}, as NRP candidates. */
    static List<Recognizer.Candidate> find(Tokens t) {
        List<Recognizer.Candidate> out = new ArrayList<>(0);
        Gazetteers g = Gazetteers.get();
        for (int i = 0; i < t.size; i++) {
            if (t.capitalised(i) && t.end[i] - t.start[i] > 3 && (g.flags(t.lower[i]) & Gazetteers.NRP) != 0
                    && Character.isLowerCase(t.text.charAt(t.end[i] - 1))) {
                out.add(new Recognizer.Candidate("NRP", t.start[i], t.end[i], SCORE, RECOGNIZER));
            }
        }
        return out;
    }
}
