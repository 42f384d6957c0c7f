package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Organisations named by what the sentence says about them, where the name alone gives no clue (an invented
 * one-word firm such as "Norvantis" reads like a surname or a place):
 * <ul>
 * <li>its founding: "Norvantis was founded in 2009", "The Harbourline Trust was established by two nurses";
 * <li>what it is: "Norvantis is a software company based in Oslo", "Kestrel is an independent Danish bank",
 * "Brontal is a 501(c)3 that ...";
 * <li>its office or web site: "the Kestrel office is at 12 Main Street", "according to the Brontal website";
 * <li>an address given as its: "The address of Brontal is 14 Elm Road".
 * </ul>
 * The name is one to three capitalised words of letters (inner hyphens allowed), none a function word, pronoun or
 * word that is never a name; for the first two forms it opens a sentence or line (after an optional "The"). Reported
 * as ORGANIZATION at {@link #SCORE}, below the name model's spans, which win where they overlap. Immutable and
 * thread-safe.
 */
final class OrganisationCues {
    private OrganisationCues() {
    }

    static final double SCORE = 0.6;
    static final String RECOGNIZER = "organisation-cue";
    /** Nouns that say a subject is an organisation ("is a ... company"). */
    static final Set<String> KINDS = Set.of("company", "firm", "agency", "bank", "startup", "start-up", "nonprofit",
            "non-profit", "charity", "corporation", "consultancy", "manufacturer", "retailer", "organisation",
            "organization", "cooperative", "co-operative", "conglomerate", "publisher", "brokerage", "insurer",
            "airline", "supplier", "distributor", "wholesaler", "franchise", "ngo", "subsidiary", "multinational");
    /** The words each of the forms turns on: is, was, were; office, website, headquarters; address. */
    static final Set<String> TRIGGERS = Set.of("is", "was", "were", "office", "offices", "website", "headquarters",
            "address");
    private static final Set<String> FOUNDED = Set.of("founded", "established", "incorporated", "formed");
    private static final Set<String> NOT_NAMES = Set.of("i", "we", "you", "he", "she", "they", "it", "this", "that",
            "there", "here", "what", "which", "who", "everything", "nothing", "something", "everyone", "nobody",
            "someone", "mine", "yours", "ours", "theirs", "his", "her", "its", "my", "our", "your", "their", "each",
            "none", "all", "one", "today", "now", "then", "life", "love", "god", "home", "work");

    /** The organisations named by such sentences in {@code t}, as ORGANIZATION candidates. */
    static List<Recognizer.Candidate> find(Tokens t) {
        List<Recognizer.Candidate> out = new ArrayList<>(0);
        for (int i = 0; i < t.size; i++) {
            String w = t.lower[i];
            if (w.equals("is") || w.equals("was") || w.equals("were")) {
                int b = i - 1;
                int a = nameBefore(t, b);
                if (a >= 0 && opens(t, a) && (founded(t, i) || kind(t, i))) {
                    out.add(candidate(t, a, b));
                }
            } else if ((w.equals("office") || w.equals("offices") || w.equals("website") || w.equals("headquarters"))
                    && i >= 2 && t.startsLowerCase(i)) { // "the Oval Office" is a room, not a firm's office
                int a = nameBefore(t, i - 1);
                if (a >= 1 && t.lower[a - 1].equals("the") && !t.lineBefore[a]) {
                    out.add(candidate(t, a, i - 1));
                }
            } else if (w.equals("address") && i + 3 < t.size && t.lower[i + 1].equals("of") && !t.lineBefore[i + 2]) {
                int b = i + 2;
                while (b + 1 < t.size && b - (i + 2) < 2 && word(t, b + 1) && !t.lineBefore[b + 1]) {
                    b++;
                }
                if (word(t, i + 2) && b + 1 < t.size && t.lower[b + 1].equals("is")) {
                    out.add(candidate(t, i + 2, b));
                }
            }
        }
        return out;
    }

    /** The first of one to three name words ending at token {@code b}, or -1. */
    private static int nameBefore(Tokens t, int b) {
        if (b < 0 || !word(t, b)) {
            return -1;
        }
        int a = b;
        while (a - 1 >= 0 && b - a < 2 && word(t, a - 1) && !t.lineBefore[a]) {
            a--;
        }
        return a;
    }

    /** "was founded", "were established" after the name. */
    private static boolean founded(Tokens t, int i) {
        return !t.lower[i].equals("is") && i + 1 < t.size && FOUNDED.contains(t.lower[i + 1])
                && !t.lineBefore[i + 1];
    }

    /** "is a|an" then at most four words before a kind of organisation (or a 501(c)3) on the same line. */
    private static boolean kind(Tokens t, int i) {
        if (!t.lower[i].equals("is") || i + 2 >= t.size || !(t.lower[i + 1].equals("a") || t.lower[i + 1].equals("an"))) {
            return false;
        }
        for (int k = i + 2; k < t.size && k <= i + 6 && !t.lineBefore[k]; k++) {
            if (KINDS.contains(t.lower[k]) || t.lower[k].equals("501") && k + 1 < t.size && t.lower[k + 1].equals("(")) {
                return true;
            }
            if (!t.isWord(k) && !t.lower[k].equals("-")) {
                return false; // the description ends at punctuation
            }
        }
        return false;
    }

    /** Token {@code a} opens the text, a line or a sentence, or follows a "The" that does. */
    private static boolean opens(Tokens t, int a) {
        if (a >= 1 && t.lower[a - 1].equals("the")) {
            a--;
        }
        if (a == 0 || t.lineBefore[a]) {
            return true;
        }
        String p = t.lower[a - 1];
        return p.equals(".") || p.equals("!") || p.equals("?") || p.equals("\"") || p.equals(":") || p.equals(",");
    }

    private static boolean word(Tokens t, int i) {
        return t.nameWord(i) && !NOT_NAMES.contains(t.lower[i]);
    }

    private static Recognizer.Candidate candidate(Tokens t, int a, int b) {
        return new Recognizer.Candidate("ORGANIZATION", t.start[a], t.end[b], SCORE, RECOGNIZER);
    }
}
