package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Places named after a verb of travel or residence: "she flew to Tromsø", "we moved here from Harburg", "I am in
 * Store Merløse this week", "my friend lives in Ettelgem", "he grew up in KILBRIDE". A town the gazetteers do not
 * list, and whose neighbours tell the name model little, is still a place when a person flies to it, lives in it
 * or moves from it, and towns are Safe Harbor identifiers (geographic units smaller than a state). The cue is one
 * of a closed list of phrases ({@link #CUES}, matched on lower-case tokens); the place is the one to three words
 * after it on the same line, each starting with a capital letter (or all capitals), letters only, none a word that
 * is never a name ({@code not-names.txt}) or a calendar or function word. Reported as LOCATION at {@link #SCORE},
 * below the name model's spans, which win where they overlap; the span rules then apply as to any other span (so
 * the balanced mode still leaves out countries and states). Immutable and thread-safe.
 */
final class PlaceCues {
    private PlaceCues() {
    }

    static final double SCORE = 0.6;
    static final String RECOGNIZER = "place-cue";

    /** Cue phrases, as lower-case tokens; the place follows the last token. */
    static final List<String[]> CUES = List.of(
            words("flew to"), words("fly to"), words("flying to"), words("flown to"),
            words("travelled to"), words("traveled to"), words("travelling to"), words("traveling to"),
            words("drove to"), words("moved to"), words("moving to"), words("returned to"), words("returning to"),
            words("headed to"), words("heading to"), words("based in"), words("located in"),
            words("moved here from"), words("moved from"), words("relocated to"), words("relocating to"),
            words("grew up in"), words("was born in"), words("were born in"),
            words("i am in"), words("i'm in"), words("i\u2019m in"), words("we are in"), words("we're in"),
            words("we\u2019re in"),
            words("live in"), words("lives in"), words("lived in"), words("living in"),
            words("arrived at"), words("arrived in"), words("landed in"), words("landed at"),
            words("originally from"), words("i'm from"), words("i\u2019m from"), words("i am from"),
            words("we're from"), words("we\u2019re from"), words("we are from"), words("emigrated from"),
            words("immigrated from"), words("immigrated to"), words("emigrated to"),
            words("coming to"), words("back from"), words("returned from"), words("returning from"),
            words("home city"), words("hometown"), words("home town"), words("native city"));
    /**
     * The cues that place a thing, not a person ("the firm is based in ...", "the museum is located in ..."):
     * a country after them stays out of the balanced mode, as any country does.
     */
    private static final Set<String> THING_CUES = Set.of("based", "located");
    /**
     * The recogniser name of a place after a cue that ties it to a person's travel, home or origin ("I will be
     * travelling to Canada", "she moved here from Estonia", "I'm originally from Norway"). Such a place is reported
     * in the balanced mode too when it is a country or state ({@link SpanRules}): it is where this person lives,
     * comes from or will be, personal data about them, not a country a question is about.
     */
    static final String PERSONAL = "place-of-person";
    /** Capitalised words that follow such cues without being a place ("moved to Monday", "I am in Grade 9"). */
    private static final Set<String> NOT_PLACES = Set.of("monday", "tuesday", "wednesday", "thursday", "friday",
            "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august",
            "september", "october", "november", "december", "the", "a", "an", "my", "our", "your", "his", "her",
            "their", "this", "that", "these", "those", "i", "we", "you", "he", "she", "they", "it", "grade", "class",
            "year", "room", "school", "college", "university", "hospital", "love", "town", "home", "bed", "charge",
            "christmas", "easter", "spring", "summer", "autumn", "fall", "winter", "english", "french", "german",
            "spanish", "chinese", "python", "java", "excel", "word", "chapter", "section", "part", "page", "version");

    /** The cues by their first word: one hash lookup per token for the common case of no cue. */
    private static final java.util.Map<String, List<String[]>> BY_FIRST = byFirst(CUES);

    static String[] words(String phrase) {
        return phrase.split(" ");
    }

    /** Cue phrases grouped by their first token. */
    static java.util.Map<String, List<String[]>> byFirst(List<String[]> phrases) {
        java.util.Map<String, List<String[]>> m = new java.util.HashMap<>();
        for (String[] cue : phrases) {
            m.computeIfAbsent(cue[0], k -> new ArrayList<>()).add(cue);
        }
        return java.util.Map.copyOf(m);
    }

    /** The places after a cue in {@code t}, as LOCATION candidates. */
    static List<Recognizer.Candidate> find(Tokens t) {
        return find(t, SpanRules.cased(t));
    }

    /**
     * The places after a cue in {@code t}, as LOCATION candidates; in a text that does not capitalise
     * ({@code cased} false: "we moved here from tunisia") a lower-case word the gazetteers list as a city, country
     * or state is a place too.
     */
    static List<Recognizer.Candidate> find(Tokens t, boolean cased) {
        List<Recognizer.Candidate> out = new ArrayList<>(0);
        for (int i = 0; i < t.size; i++) {
            int after = cueEnd(t, i, BY_FIRST);
            int last = after < 0 ? -1 : placeAfter(t, after, cased);
            if (last < 0) {
                continue;
            }
            String recognizer = THING_CUES.contains(t.lower[i]) ? RECOGNIZER : PERSONAL;
            out.add(new Recognizer.Candidate("LOCATION", t.start[after], t.end[last], SCORE, recognizer));
            i = last;
        }
        return out;
    }

    /**
     * The last token of the place of one to three place words that starts at token {@code after} on its line, or
     * -1 when no place starts there.
     */
    static int placeAfter(Tokens t, int after, boolean cased) {
        if (after >= t.size || t.lineBefore[after] || !placeWord(t, after, cased)) {
            return -1;
        }
        int last = after;
        while (last + 1 < t.size && last - after < 2 && !t.lineBefore[last + 1]
                && t.start[last + 1] - t.end[last] == 1 && placeWord(t, last + 1, cased)) {
            last++;
        }
        return last;
    }

    /** The token after a cue phrase of {@code byFirst} that starts at token {@code i}, or -1 when none does. */
    static int cueEnd(Tokens t, int i, java.util.Map<String, List<String[]>> byFirst) {
        List<String[]> cues = byFirst.get(t.lower[i]);
        for (String[] cue : cues == null ? List.<String[]>of() : cues) {
            if (i + cue.length > t.size) {
                continue;
            }
            boolean match = true;
            for (int k = 1; k < cue.length && match; k++) {
                match = t.lower[i + k].equals(cue[k]) && !t.lineBefore[i + k];
            }
            if (match) {
                return i + cue.length;
            }
        }
        return -1;
    }

    /**
     * A word of letters (hyphens inside allowed) starting with a capital, not a function or calendar word; in a
     * text that does not capitalise, also a lower-case word the gazetteers list as a city, country or state.
     */
    private static boolean placeWord(Tokens t, int i, boolean cased) {
        if (t.end[i] - t.start[i] < 2 || !t.capitalised(i) && (cased || !gazetteerPlace(t.lower[i]))) {
            return false;
        }
        for (int k = t.start[i]; k < t.end[i]; k++) {
            char c = t.text.charAt(k);
            if (!Character.isLetter(c) && !(c == '-' && k > t.start[i] && k + 1 < t.end[i])) {
                return false;
            }
        }
        return !NOT_PLACES.contains(t.lower[i]) && !SpanRules.notName(t.lower[i]);
    }

    private static boolean gazetteerPlace(String lower) {
        return (Gazetteers.get().flags(lower) & (Gazetteers.CITY | Gazetteers.COUNTRY | Gazetteers.STATE)) != 0;
    }
}
