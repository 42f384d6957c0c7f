package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A place given as the meeting of two streets: "at the corner of 35 Elm Street and Brattvegen Loop", "the
 * intersection of Kaiveien 12 and Harbour Road". The second street often has no house number, so no address
 * anchor of {@link AddressChains} finds it, and a meeting point of two named streets locates a home as well as a
 * house number does. After "corner of", "intersection of", "junction of" or "crossroads of", the first street runs
 * to "and" or "&" (at most seven tokens of name words, numbers, street words and full stops), the second street is
 * one to four name words ending in a street word (a full stop after it included); both on one line, and each holds
 * a street word or a number. The whole is a STREET_ADDRESS at {@link #SCORE} in both modes, which wins over the
 * address chain inside it by its length. Name words are capitalised in a text that uses capitals. Immutable and
 * thread-safe.
 */
final class Intersections {
    private Intersections() {
    }

    static final double SCORE = 0.85;
    static final String RECOGNIZER = "intersection";
    static final Set<String> CUES = Set.of("corner", "intersection", "junction", "crossroads");

    /** The street meetings in {@code t}, as STREET_ADDRESS candidates. */
    static List<Recognizer.Candidate> find(Tokens t, boolean cased) {
        List<Recognizer.Candidate> out = new ArrayList<>(0);
        for (int i = 0; i + 4 < t.size; i++) {
            if (!CUES.contains(t.lower[i]) || !t.lower[i + 1].equals("of")) {
                continue;
            }
            int a = i + 2;
            int join = a;
            boolean street = false;
            while (join < t.size && join - a < 7 && !t.lineBefore[join] && !joins(t, join) && part(t, join, cased)) {
                street |= streetWord(t, join) || digits(t, join);
                join++;
            }
            if (join == a || join >= t.size || !joins(t, join) || !street || t.lineBefore[join]) {
                continue;
            }
            int end = -1;
            for (int k = join + 1; k < t.size && k - join <= 4 && !t.lineBefore[k] && name(t, k, cased); k++) {
                if (streetWord(t, k) && k > join + 1) {
                    end = k;
                }
            }
            if (end < 0) {
                continue;
            }
            if (end + 1 < t.size && t.lower[end + 1].equals(".") && t.start[end + 1] == t.end[end]) {
                end++;
            }
            out.add(new Recognizer.Candidate("STREET_ADDRESS", t.start[a], t.end[end], SCORE, RECOGNIZER));
            i = end;
        }
        return out;
    }

    private static boolean joins(Tokens t, int k) {
        return t.lower[k].equals("and") || t.lower[k].equals("&");
    }

    /** A token of the first street: a name word, a number, a street word or a full stop after a word. */
    private static boolean part(Tokens t, int k, boolean cased) {
        return name(t, k, cased) || digits(t, k) || t.lower[k].equals(".") && k > 0 && t.start[k] == t.end[k - 1];
    }

    private static boolean name(Tokens t, int k, boolean cased) {
        String w = t.lower[k];
        return t.nameShaped(k) && (!cased || t.capitalised(k) || streetWord(t, k)) && !SpanRules.notName(w)
                && !SpanRules.FUNCTION_WORDS.contains(w)
                || SpanRules.ADDRESS_WORDS.contains(w) && t.isWord(k);
    }

    private static boolean streetWord(Tokens t, int k) {
        String w = t.lower[k];
        return SpanRules.ADDRESS_WORDS.contains(w) || SpanRules.glued(w)
                || (Gazetteers.get().flags(w) & Gazetteers.STREET) != 0;
    }

    private static boolean digits(Tokens t, int k) {
        return t.isWord(k) && Character.isDigit(t.text.charAt(t.start[k])) && t.end[k] - t.start[k] <= 6;
    }
}
