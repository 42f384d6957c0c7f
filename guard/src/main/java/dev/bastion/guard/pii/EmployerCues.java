package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Employers named after a phrase of employment: "I work for Brennholt", "she spent a year at Kvarnby-Lind", "he
 * used to work at Okafor Ridge Analytics", "employed by Tessaline". An invented or small firm the gazetteers do not
 * list is still an organisation when someone works for it, and an employer is one of the facts that single a
 * person out. The cue is one of a closed list of phrases; the organisation is the one to three words after it on
 * the same line, each starting with a capital letter (in text with no capital at all, no common, function or
 * verb word), letters and inner hyphens only, none a function, calendar or
 * never-a-name word. Reported as ORGANIZATION at {@link #SCORE}, below the name model's spans, which win where
 * they overlap; the span rules then apply (so a public figure's or a region's name is treated as any other span).
 * Immutable and thread-safe.
 */
final class EmployerCues {
    private EmployerCues() {
    }

    static final double SCORE = 0.6;
    static final String RECOGNIZER = "employer-cue";

    static final List<String[]> CUES = List.of(
            PlaceCues.words("work for"), PlaceCues.words("works for"), PlaceCues.words("worked for"),
            PlaceCues.words("working for"), PlaceCues.words("work at"), PlaceCues.words("works at"),
            PlaceCues.words("worked at"), PlaceCues.words("working at"), PlaceCues.words("employed by"),
            PlaceCues.words("employed at"), PlaceCues.words("a year at"), PlaceCues.words("years at"),
            PlaceCues.words("job at"), PlaceCues.words("internship at"));
    private static final Map<String, List<String[]>> BY_FIRST = PlaceCues.byFirst(CUES);
    /** Capitalised words that follow such phrases without being an employer ("work for Monday", "work at Home"). */
    private static final Set<String> NOT_EMPLOYERS = Set.of("the", "a", "an", "my", "our", "your", "his", "her",
            "their", "this", "that", "it", "i", "we", "you", "he", "she", "they", "me", "us", "them", "home",
            "night", "nights", "least", "first", "last", "once", "monday", "tuesday", "wednesday", "thursday",
            "friday", "saturday", "sunday", "christmas", "easter", "school", "university", "college", "hospital",
            "free", "all", "some", "any", "each", "every", "one", "two", "hand", "work", "length");

    /** The employers after a cue in {@code t}, as ORGANIZATION candidates. */
    static List<Recognizer.Candidate> find(Tokens t) {
        List<Recognizer.Candidate> out = new ArrayList<>(0);
        boolean small = SingleCaseCues.lowerCaseOnly(t);
        for (int i = 0; i < t.size; i++) {
            int a = PlaceCues.cueEnd(t, i, BY_FIRST);
            if (a < 0 || a >= t.size || t.lineBefore[a] || !word(t, a, small)) {
                continue;
            }
            int b = a;
            while (b + 1 < t.size && b - a < 2 && !t.lineBefore[b + 1] && t.start[b + 1] - t.end[b] == 1
                    && word(t, b + 1, small)) {
                b++;
            }
            out.add(new Recognizer.Candidate("ORGANIZATION", t.start[a], t.end[b], SCORE, RECOGNIZER));
            i = b;
        }
        return out;
    }

    /**
     * A word of an employer's name: capitalised, or in text with no capital at all ({@code small}) a lower-case
     * word that is no common, function or verb word ("i work for brennholt logistics as a driver").
     */
    private static boolean word(Tokens t, int i, boolean small) {
        if (!(t.capitalised(i) || small && t.startsLowerCase(i) && SingleCaseCues.uncommon(t.lower[i])
                && !SingleCaseCues.inflected(t.lower[i]))
                || t.end[i] - t.start[i] < 2) {
            return false;
        }
        for (int k = t.start[i]; k < t.end[i]; k++) {
            char c = t.text.charAt(k);
            if (!Character.isLetter(c) && !(c == '-' && k > t.start[i] && k + 1 < t.end[i])) {
                return false;
            }
        }
        return !NOT_EMPLOYERS.contains(t.lower[i]) && !SpanRules.notName(t.lower[i]);
    }
}
