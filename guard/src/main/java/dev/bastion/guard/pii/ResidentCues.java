package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A person named as the one who lives somewhere: "Brynjulv Skaar lives at 12 Kaiveien", "Tova lives on Elm
 * Street", "Henrik resides in Hamar". The subject of a verb of residence followed by at, on or in is a resident,
 * and where someone lives is what makes the name identifying, so the one to three capitalised words of letters that
 * open the sentence or line right before such a verb are PERSON at {@link #SCORE} in both modes. Pronouns and
 * words such as "Nobody" or "Everyone", function words and words that are never a name ({@code not-names.txt})
 * are not names. Immutable and thread-safe.
 */
final class ResidentCues {
    private ResidentCues() {
    }

    static final double SCORE = 0.6;
    static final String RECOGNIZER = "resident-cue";
    static final Set<String> VERBS = Set.of("lives", "lived", "resides", "resided", "stays", "stayed");
    private static final Set<String> PREPOSITIONS = Set.of("at", "on", "in");
    private static final Set<String> NOT_NAMES = Set.of("nobody", "everyone", "everybody", "someone", "somebody",
            "anyone", "anybody", "who", "which", "that", "he", "she", "it", "they", "we", "i", "you", "one", "family",
            "evil", "love", "hope", "god", "death", "life");

    /** The residents named before a verb of residence in {@code t}, as PERSON candidates. */
    static List<Recognizer.Candidate> find(Tokens t) {
        List<Recognizer.Candidate> out = new ArrayList<>(0);
        for (int v = 1; v + 1 < t.size; v++) {
            if (!VERBS.contains(t.lower[v]) || !PREPOSITIONS.contains(t.lower[v + 1]) || t.lineBefore[v]
                    || t.lineBefore[v + 1]) {
                continue;
            }
            int b = v - 1;
            int n = 0; // counted up from 0, not a-- down to a >= 0: C2 trapped on that loop's limit
            while (n < Math.min(3, b + 1) && word(t, b - n) && (n == 0 || !t.lineBefore[b - n + 1])) {
                n++;
            }
            int a = b - n + 1;
            if (a > b || !opens(t, a)) {
                continue;
            }
            out.add(new Recognizer.Candidate("PERSON", t.start[a], t.end[b], SCORE, RECOGNIZER));
        }
        return out;
    }

    private static boolean word(Tokens t, int i) {
        return t.nameWord(i) && !NOT_NAMES.contains(t.lower[i]);
    }

    /** Token {@code i} opens the text, a line or a sentence. */
    private static boolean opens(Tokens t, int i) {
        if (i == 0 || t.lineBefore[i]) {
            return true;
        }
        String p = t.lower[i - 1];
        return p.equals(".") || p.equals("!") || p.equals("?") || p.equals("\"") || p.equals(":");
    }
}
