package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A person named right after a possessive and a word for a relative or someone close: "remove my son Teodor from
 * the policy", "her husband Ilkka Rantanen called", "our neighbour Brynja", "my colleague Oda Lien". Such a phrase
 * says that the words after it are the name of a private person in the writer's circle (a family member, a friend,
 * a colleague), which the name model misses when the name is one it never saw ("my kid Tadzio"). Taken are one to
 * three words on the same line right after the relation word: capitalised words of letters, or, in lower-case
 * typing, a known first name and up to two more lower-case words; never a function word, a calendar word or a
 * word that is never a name ({@code not-names.txt}). Roles that also name firms ("our client", "my bank", "my
 * doctor") are not cues. PERSON at {@link #SCORE} in both modes. Immutable and thread-safe.
 */
final class RelationCues {
    private RelationCues() {
    }

    static final double SCORE = 0.85;
    static final String RECOGNIZER = "relation-cue";

    static final Set<String> POSSESSIVES = Set.of("my", "our", "his", "her", "their", "your");
    static final Set<String> RELATIONS = Set.of("son", "daughter", "kid", "child", "wife", "husband",
            "partner", "spouse", "fiance", "fiancé", "fiancee", "fiancée", "boyfriend", "girlfriend", "friend",
            "brother", "sister", "mother", "father", "mom", "mum", "dad", "grandson", "granddaughter", "grandmother",
            "grandfather", "grandma", "grandpa", "granny", "uncle", "aunt", "auntie", "nephew", "niece", "cousin",
            "stepson", "stepdaughter", "stepmother", "stepfather", "colleague", "coworker", "co-worker", "classmate",
            "roommate", "flatmate", "housemate", "neighbour", "neighbor", "boss", "mentor", "tutor");
    /** Capitalised words that follow such phrases without being a name ("my son Is", "my wife Monday"). */
    private static final Set<String> NOT_NAMES = Set.of("monday", "tuesday", "wednesday", "thursday", "friday",
            "saturday", "sunday", "january", "february", "march", "april", "june", "july", "august", "september",
            "october", "november", "december", "christmas", "easter", "is", "was", "and", "or", "but", "who", "has",
            "had", "says", "said", "i", "we", "you", "he", "she", "they", "it", "the", "a", "an", "sr", "jr");

    /** The names after a possessive and a relation word in {@code t}, as PERSON candidates. */
    static List<Recognizer.Candidate> find(Tokens t) {
        List<Recognizer.Candidate> out = new ArrayList<>(0);
        for (int i = 0; i + 2 < t.size; i++) {
            if (!POSSESSIVES.contains(t.lower[i]) || !RELATIONS.contains(t.lower[i + 1]) || t.lineBefore[i + 1]) {
                continue;
            }
            int a = i + 2;
            if (t.lineBefore[a] || t.start[a] - t.end[a - 1] != 1 || !nameWord(t, a)) {
                continue;
            }
            boolean capitalised = t.capitalised(a);
            if (!capitalised && !(t.startsLowerCase(a) && (Gazetteers.get().flags(t.lower[a]) & Gazetteers.FIRST) != 0)) {
                continue;
            }
            int b = a;
            while (b + 1 < t.size && b - a < 2 && !t.lineBefore[b + 1] && t.start[b + 1] - t.end[b] == 1
                    && nameWord(t, b + 1) && (capitalised ? t.capitalised(b + 1) : t.startsLowerCase(b + 1))) {
                b++;
            }
            out.add(new Recognizer.Candidate("PERSON", t.start[a], t.end[b], SCORE, RECOGNIZER));
            i = b;
        }
        return out;
    }

    /** A word of letters that is not a function, calendar or never-a-name word. */
    private static boolean nameWord(Tokens t, int i) {
        return t.nameShaped(i) && !NOT_NAMES.contains(t.lower[i]) && !SpanRules.notName(t.lower[i])
                && !SpanRules.FUNCTION_WORDS.contains(t.lower[i]);
    }
}
