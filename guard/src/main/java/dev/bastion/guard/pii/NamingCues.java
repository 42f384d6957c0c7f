package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Names after a phrase that introduces a person's name: "my name is Sölvi Arnarsson", "her maiden name is
 * Brekke", "people call me Dragoslav", "she named him Teodor", "my grandfather was called Ilir Dervishi",
 * "What's your name? Oda Lien". The words after such a phrase are a name whatever the gazetteers hold, so the span
 * is reported as PERSON at {@link #SCORE} in both modes (the first version's broader cue rule, which also fires on
 * "I am", "Dear" and "To:", stays a recall-mode candidate). Taken are one to three words on the same line after the
 * cue: capitalised words of letters, or, in lower-case typing, a known first name followed by up to two more
 * lower-case words; never a word that is never a name ({@code not-names.txt}) or a function word. Immutable and
 * thread-safe.
 */
final class NamingCues {
    private NamingCues() {
    }

    static final double SCORE = 0.9;
    static final String RECOGNIZER = "naming-cue";

    static final List<String[]> CUES = List.of(
            PlaceCues.words("my name is"), PlaceCues.words("his name is"), PlaceCues.words("her name is"),
            PlaceCues.words("maiden name is"), PlaceCues.words("last name is"), PlaceCues.words("first name is"),
            PlaceCues.words("your name ?"), PlaceCues.words("last name ?"), PlaceCues.words("call me"),
            PlaceCues.words("calls me"), PlaceCues.words("named him"), PlaceCues.words("named her"));
    private static final Map<String, List<String[]>> BY_FIRST = PlaceCues.byFirst(CUES);
    /** Words that follow such phrases without being a name ("call me back", "my name is not important"). */
    private static final Set<String> NOT_NAMES = Set.of("the", "a", "an", "not", "on", "in", "at", "and", "or",
            "but", "back", "later", "tomorrow", "today", "now", "when", "if", "after", "before", "anytime", "any",
            "what", "how", "why", "who", "where", "please", "written", "spelled", "spelt", "misspelled", "also",
            "still", "just", "only", "actually", "really", "that", "this", "it", "is", "was", "by", "to", "for",
            "with", "i", "you", "he", "she", "we", "they", "my", "your", "his", "her", "our", "their");

    /** The names after a naming phrase in {@code t}, as PERSON candidates. */
    static List<Recognizer.Candidate> find(Tokens t) {
        List<Recognizer.Candidate> out = new ArrayList<>(0);
        for (int i = 0; i < t.size; i++) {
            int a = PlaceCues.cueEnd(t, i, BY_FIRST);
            if (a < 0 || a >= t.size || t.lineBefore[a]) {
                continue;
            }
            boolean capitalised = t.capitalised(a);
            if (!nameWord(t, a) || !capitalised && !(t.startsLowerCase(a)
                    && ((Gazetteers.get().flags(t.lower[a]) & Gazetteers.FIRST) != 0 || statesName(t, a)))) {
                continue;
            }
            int b = a;
            for (int words = 1; words < 3; words++) {
                int next = initial(t, b + 1); // "Ruth R Montez", "Ján M. Novák": the initial joins the name
                if (next < t.size && !t.lineBefore[next] && t.start[next] - t.end[next - 1] <= 1
                        && t.start[b + 1] - t.end[b] == 1 && nameWord(t, next)
                        && (capitalised ? t.capitalised(next) : t.startsLowerCase(next))) {
                    b = next;
                } else {
                    break;
                }
            }
            out.add(new Recognizer.Candidate("PERSON", t.start[a], t.end[b], SCORE, RECOGNIZER));
            i = b;
        }
        return out;
    }

    /**
     * Whether the cue that ends right before token {@code a} states a name outright ("my name is", "last name?"):
     * then in lower-case typing name words after it are the name, known to the gazetteers or not: one word after a
     * last, first or maiden name, two after a whole name ("my name is ottoline brackwater", not "my name is
     * qwertz"). "call me" and "named him" still want a known first name ("call me maybe").
     */
    private static boolean statesName(Tokens t, int a) {
        if (a < 2 || !t.lower[a - 2].equals("name") || !(t.lower[a - 1].equals("is") || t.lower[a - 1].equals("?"))
                || NameRules.common(t.lower[a])) {
            return false;
        }
        // a last, first or maiden name is one word; a whole name ("my name is ...") is two ("my name is qwertz" no)
        String which = a >= 3 ? t.lower[a - 3] : "";
        boolean oneWord = which.equals("last") || which.equals("first") || which.equals("maiden");
        return oneWord || a + 1 < t.size && !t.lineBefore[a + 1] && t.startsLowerCase(a + 1) && nameWord(t, a + 1)
                && !NameRules.common(t.lower[a + 1]) && !NameRules.verb(t.lower[a + 1]);
    }

    /**
     * The token after a middle initial that starts at {@code i} (one capital letter, a full stop after it or not,
     * then a space; in lower-case typing one lower-case letter and its full stop: "ján m. novák"), or {@code i}
     * itself when no initial starts there.
     */
    private static int initial(Tokens t, int i) {
        if (i + 1 >= t.size || t.end[i] - t.start[i] != 1 || !Chars.letter(t.text.charAt(t.start[i]))
                || t.lineBefore[i + 1]) {
            return i;
        }
        int next = i + 1;
        boolean stop = t.text.charAt(t.start[next]) == '.' && t.end[next] - t.start[next] == 1;
        if (!t.capitalised(i) && !stop) {
            return i; // "anna a student": a lower-case letter without its full stop is a word
        }
        if (stop) {
            next++;
        }
        return next < t.size && t.start[next] > t.end[next - 1] ? next : i;
    }

    /** A word of letters (apostrophes and hyphens inside allowed) that is not a function word or never a name. */
    private static boolean nameWord(Tokens t, int i) {
        return t.nameShaped(i) && !NOT_NAMES.contains(t.lower[i]) && !SpanRules.notName(t.lower[i]);
    }
}
