package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A person named as the owner of a relative or of a piece of contact data: "I'm Brynja's daughter", "Tovald's wife
 * called", "send it to Skaarvik's address". The other order of {@link RelationCues} ("my son Teodor"): a name in
 * the possessive right before a word for a relative or someone close, or before address, phone, e-mail, birthday
 * or passport, is a person's. Taken is the possessive word (capitalised letters, or in lower-case typing a known
 * first name) and one capitalised name word before it; pronouns, calendar words and words that are never a name are
 * not. PERSON at {@link #SCORE} in both modes. Immutable and thread-safe.
 */
final class PossessiveRelations {
    private PossessiveRelations() {
    }

    static final double SCORE = 0.6;
    static final String RECOGNIZER = "possessive-relation";
    static final Set<String> OWNED = Set.of("address", "phone", "email", "e-mail", "birthday", "passport",
            "mobile", "cellphone");
    private static final Set<String> NOT_NAMES = Set.of("today", "yesterday", "tomorrow", "tonight", "monday",
            "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
            "april", "may", "june", "july", "august", "september", "october", "november", "december", "god", "everyone",
            "everybody", "someone", "somebody", "nobody", "anyone", "anybody", "one", "world", "nation", "mother",
            "father", "mom", "mum", "dad", "who", "it", "that", "this", "he", "she", "let", "what", "there", "here");

    /** The owners named in {@code t}, as PERSON candidates. */
    static List<Recognizer.Candidate> find(Tokens t) {
        List<Recognizer.Candidate> out = new ArrayList<>(0);
        for (int i = 0; i + 1 < t.size; i++) {
            String w = t.lower[i];
            int stem = stemLength(w);
            if (stem < 2 || t.lineBefore[i + 1] || !(RelationCues.RELATIONS.contains(t.lower[i + 1])
                    || OWNED.contains(t.lower[i + 1]))) {
                continue;
            }
            String name = w.substring(0, stem);
            if (NOT_NAMES.contains(name) || SpanRules.notName(name) || SpanRules.FUNCTION_WORDS.contains(name)
                    || RelationCues.POSSESSIVES.contains(name) || !letters(name)) {
                continue;
            }
            boolean capitalised = t.capitalised(i);
            if (!capitalised && !(t.startsLowerCase(i) && (Gazetteers.get().flags(name) & Gazetteers.FIRST) != 0)) {
                continue;
            }
            int a = i;
            if (capitalised && i >= 1 && !t.lineBefore[i] && t.start[i] - t.end[i - 1] == 1 && t.capitalised(i - 1)
                    && t.nameShaped(i - 1) && !NOT_NAMES.contains(t.lower[i - 1]) && !SpanRules.notName(t.lower[i - 1])
                    && !SpanRules.FUNCTION_WORDS.contains(t.lower[i - 1]) && !t.lower[i - 1].equals("i")) {
                a = i - 1;
            }
            out.add(new Recognizer.Candidate("PERSON", t.start[a], t.start[i] + stem, SCORE, RECOGNIZER));
        }
        return out;
    }

    /** The length of {@code w} before a final 's or ’s, or -1. */
    private static int stemLength(String w) {
        int n = w.length();
        if (n > 2 && w.charAt(n - 1) == 's' && (w.charAt(n - 2) == '\'' || w.charAt(n - 2) == '\u2019')) {
            return n - 2;
        }
        return -1;
    }

    private static boolean letters(String s) {
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (!Character.isLetter(c) && !(c == '-' && k > 0 && k + 1 < s.length())) {
                return false;
            }
        }
        return true;
    }
}
