package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A country or place the writer has visited, named before what the visit was like: "Estonia was so much fun to
 * visit!", "Lisbon was lovely to visit last spring". The past tense ties the place to the writer's own trip (a
 * place a sentence recommends, "Estonia is great to visit", stays as it was). Taken: one to three capitalised
 * place words at the start of a line or sentence, then "was" or "were", then at most three words, then "to
 * visit", all in one clause. Reported as LOCATION at {@link PlaceCues#SCORE} with the recogniser {@link
 * PlaceCues#PERSONAL}, so a country is reported in the balanced mode too. Linear in the tokens. Immutable and
 * thread-safe.
 */
final class VisitCues {
    private VisitCues() {
    }

    static final Set<String> WORDS = Set.of("visit");
    private static final Set<String> PAST = Set.of("was", "were");
    private static final Set<String> SENTENCE_ENDS = Set.of(".", "!", "?", ";", ":", "\"");

    /** The places visited in {@code t}, as LOCATION candidates. */
    static List<Recognizer.Candidate> find(Tokens t, boolean cased) {
        List<Recognizer.Candidate> out = new ArrayList<>(0);
        for (int v = 2; v < t.size; v++) {
            if (!t.lower[v].equals("visit") || !t.lower[v - 1].equals("to") || t.lineBefore[v]) {
                continue;
            }
            int past = -1;
            for (int k = v - 2; k >= Math.max(0, v - 5) && !t.lineBefore[k + 1]; k--) {
                if (PAST.contains(t.lower[k])) {
                    past = k;
                    break;
                }
                if (!t.isWord(k)) {
                    break;
                }
            }
            if (past < 1) {
                continue;
            }
            int first = past - 1;
            while (first > 0 && past - first < 3 && !t.lineBefore[first] && t.isWord(first - 1)
                    && t.capitalised(first - 1)) {
                first--;
            }
            boolean starts = first == 0 || t.lineBefore[first] || SENTENCE_ENDS.contains(t.lower[first - 1]);
            if (!starts || PlaceCues.placeAfter(t, first, cased) != past - 1) {
                continue;
            }
            out.add(new Recognizer.Candidate("LOCATION", t.start[first], t.end[past - 1], PlaceCues.SCORE,
                    PlaceCues.PERSONAL));
        }
        return out;
    }
}
