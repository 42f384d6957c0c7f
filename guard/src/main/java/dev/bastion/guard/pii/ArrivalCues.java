package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The place a person arrives or returns from, named after "from" a few words after the verb: "she arrived at Hasle
 * this morning from Tunisia", "we landed yesterday from Iceland", "he returned home last week from Chile". The
 * words between (where to, when) keep {@link PlaceCues}' fixed phrases from seeing it. Taken: a verb of arrival or
 * return ({@link #VERBS}), then "from" within {@link #REACH} tokens on the same line and in the same clause (no
 * sentence mark or comma between), then the place words {@link PlaceCues} takes after its cues. Reported as
 * LOCATION at {@link PlaceCues#SCORE} with the recogniser {@link PlaceCues#PERSONAL}: a country after it is
 * reported in the balanced mode too, as a place tied to a person's travel. Price: a parcel that "arrived this
 * morning from Germany" gives its country as well. Linear in the tokens. Immutable and thread-safe.
 */
final class ArrivalCues {
    private ArrivalCues() {
    }

    static final Set<String> VERBS = Set.of("arrived", "arrives", "arriving", "landed", "landing", "returned",
            "returning", "returns");
    /** At most this many tokens from the verb to "from". */
    static final int REACH = 6;
    private static final Set<String> CLAUSE_ENDS = Set.of(".", "!", "?", ";", ",", ":");

    /** The places after an arrival verb and "from" in {@code t}, as LOCATION candidates. */
    static List<Recognizer.Candidate> find(Tokens t, boolean cased) {
        List<Recognizer.Candidate> out = new ArrayList<>(0);
        for (int i = 0; i < t.size; i++) {
            if (!VERBS.contains(t.lower[i])) {
                continue;
            }
            for (int k = i + 1; k < Math.min(t.size - 1, i + REACH + 1); k++) {
                if (t.lineBefore[k] || CLAUSE_ENDS.contains(t.lower[k])) {
                    break;
                }
                if (t.lower[k].equals("from")) {
                    int last = PlaceCues.placeAfter(t, k + 1, cased);
                    if (last >= 0) {
                        out.add(new Recognizer.Candidate("LOCATION", t.start[k + 1], t.end[last], PlaceCues.SCORE,
                                PlaceCues.PERSONAL));
                        i = last;
                    }
                    break;
                }
            }
        }
        return out;
    }
}
