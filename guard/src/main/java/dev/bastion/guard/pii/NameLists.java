package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The other items of a list of people: "our founders: Lindqvist, Michael and Okafor", "Kowalczyk and Brennan were
 * engineers", "guests: anna, tove, ruben and chad". When one item of a list joined by commas, "and", "or" or "&" is
 * a person the scanner reports, the items beside it are people too: a list names things of one kind. The name
 * model finds the known first name and misses the surnames beside it, so half of the list would reach a cloud
 * model. An item is one or two words of letters written as the seed is (capitalised, or lower case in a text
 * typed in lower case), not a function word or a word that is never a name ({@code not-names.txt}), on the seed's
 * line; the walk goes both ways and stops at anything else; in lower case an item on the right must end at a
 * join, a clause's punctuation or the line's end ("dr. king, fax to follow" lists no one). Only PERSON seeds
 * at or over the mode's threshold that hold a known first or last name (the gazetteers) count, written with a
 * capital in a text that uses capitals, and no natural feature ("the Alps and Rhine River", River being a first name), so a firm, a river or a
 * title the model typed as a person does not spread. Items are PERSON at {@link #SCORE},
 * under the model's spans, which win where they overlap. Immutable and thread-safe.
 */
final class NameLists {
    private NameLists() {
    }

    static final double SCORE = 0.6;
    static final String RECOGNIZER = "name-list";
    /** At most this many items each way: a list of names is short. */
    private static final int MAX_ITEMS = 8;
    /** The words that join the items of a list; {@link FirmLists} joins its lists with the same. */
    static final Set<String> JOINS = Set.of("and", "or", "&");

    /** The list items beside the {@code seeds} (PERSON spans kept at {@code min}) in {@code t}, as PERSON candidates. */
    static List<Recognizer.Candidate> find(Tokens t, List<Recognizer.Candidate> seeds, boolean cased, double min) {
        List<Recognizer.Candidate> out = new ArrayList<>(0);
        for (Recognizer.Candidate s : seeds) {
            if (!s.type().equals("PERSON") || s.score() < min) {
                continue;
            }
            int a = SpanRules.firstToken(t, s.start());
            int b = a;
            while (b + 1 < t.size && t.start[b + 1] < s.end()) {
                b++;
            }
            if (a >= t.size || b - a > 2 || !item(t, a) || !item(t, b) || !known(t, a, b)
                    || Regions.naturalFeature(t, a, b)) {
                continue; // the seed must be a list item itself: one to three words of letters, a known name in it
            }
            boolean capitalised = t.capitalised(a);
            if (cased && !capitalised) {
                continue; // a lower-case "name" in a text that capitalises names is no seed
            }
            // to the right: (, | , and | and) item, ...
            for (int k = b + 1, n = 0; n < MAX_ITEMS; n++) {
                int first = afterJoin(t, k);
                if (first < 0 || !itemOf(t, first, capitalised)) {
                    break;
                }
                int last = first;
                if (last + 1 < t.size && !t.lineBefore[last + 1] && itemOf(t, last + 1, capitalised)) {
                    last++;
                }
                if (!capitalised && !closes(t, last + 1)) {
                    last = first;
                    if (!closes(t, last + 1)) {
                        break; // "dr. king, fax to follow": in lower case an item ends where the list goes on or stops
                    }
                }
                out.add(new Recognizer.Candidate("PERSON", t.start[first], t.end[last], SCORE, RECOGNIZER));
                k = last + 1;
            }
            // to the left: item (, | and), ...
            for (int k = a - 1, n = 0; n < MAX_ITEMS && k >= 1 && !t.lineBefore[k + 1]; n++) {
                int j = k;
                if (JOINS.contains(t.lower[j])) {
                    j--;
                }
                if (j < 1 || !t.lower[j].equals(",") && j == k) {
                    break; // no separator before the item
                }
                if (t.lower[j].equals(",")) {
                    j--;
                }
                if (j < 0 || t.lineBefore[j + 1] || !itemOf(t, j, capitalised)) {
                    break;
                }
                int first = j;
                if (first - 1 >= 0 && !t.lineBefore[first] && itemOf(t, first - 1, capitalised)) {
                    first--;
                }
                out.add(new Recognizer.Candidate("PERSON", t.start[first], t.end[j], SCORE, RECOGNIZER));
                k = first - 1;
            }
        }
        return out;
    }

    /** The first token of the item after a list separator at {@code k} (", ", ", and ", " and "), or -1. */
    static int afterJoin(Tokens t, int k) {
        if (k >= t.size || t.lineBefore[k]) {
            return -1;
        }
        int j = k;
        if (t.lower[j].equals(",")) {
            j++;
        }
        if (j < t.size && JOINS.contains(t.lower[j]) && !t.lineBefore[j]) {
            j++;
        }
        return j == k || j >= t.size || t.lineBefore[j] ? -1 : j;
    }

    /** Punctuation that ends a clause, after which a lower-case list item may stand. */
    private static final Set<String> CLOSERS = Set.of(",", ".", "!", "?", ";", ":", ")");

    /**
     * Whether the list may end or go on at token {@code k}: the end of the text or line, a join, a closer, or a
     * column's gap of two or more spaces ("name: green, agnes        med rec #").
     */
    private static boolean closes(Tokens t, int k) {
        return k >= t.size || t.lineBefore[k] || JOINS.contains(t.lower[k]) || CLOSERS.contains(t.lower[k])
                || t.start[k] - t.end[k - 1] > 1;
    }

    /** Whether a word of tokens a..b is a known first or last name (the gazetteers). */
    private static boolean known(Tokens t, int a, int b) {
        for (int k = a; k < b + 1; k++) { // not k <= b: C2 trapped on that loop limit
            if ((Gazetteers.get().flags(t.lower[k]) & (Gazetteers.FIRST | Gazetteers.LAST)) != 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * A word of letters that may be a list item: not a function word or never a name, and not written in capitals
     * alone, since upper-case notes list findings ("NEURO: ALERT, FOLLOWS COMMANDS, MAE") where a known name (Mae)
     * is an abbreviation.
     */
    private static boolean item(Tokens t, int i) {
        return t.nameShaped(i) && !SpanRules.notName(t.lower[i]) && !SpanRules.FUNCTION_WORDS.contains(t.lower[i])
                && !NUMBERS.contains(t.lower[i]) && !upperCase(t, i);
    }

    /** Counts that follow a name in a list of things ("nina, four hungry children"). */
    private static final Set<String> NUMBERS = Set.of("one", "two", "three", "four", "five", "six", "seven", "eight",
            "nine", "ten", "eleven", "twelve", "twenty", "hundred", "thousand", "several", "many", "few", "some",
            "all", "both", "no");

    private static boolean upperCase(Tokens t, int i) {
        for (int k = t.start[i]; k < t.end[i]; k++) {
            if (Character.isLowerCase(t.text.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    private static boolean itemOf(Tokens t, int i, boolean capitalised) {
        return item(t, i) && (capitalised ? t.capitalised(i) : t.startsLowerCase(i));
    }
}
