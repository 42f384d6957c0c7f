package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.List;

/**
 * The other items of a list of firms: "suppliers: Brellin, Tarsk Systems and Ovena", "Halvor Group, Quellbright
 * and Nordvik". When one item of a list joined by commas, "and", "or" or "&" ends in a company-form word
 * ({@link CompanyForms#FORMS}: Systems, Group, Corporation, ...), the capitalised items beside it are firms too: a
 * list names things of one kind, and the invented one-word firms beside the one with a form word are what the name
 * model misses. An item is one to three capitalised words of letters on the seed's line, none a function word or a
 * word that is never a name; the walk goes both ways and stops at anything else. Only in a text that capitalises
 * names (in all-lower-case or all-capitals text the capitals say nothing). Items are ORGANIZATION at {@link #SCORE},
 * under the model's spans, which win where they overlap. Linear in the tokens. Immutable and thread-safe.
 */
final class FirmLists {
    private FirmLists() {
    }

    static final double SCORE = 0.6;
    static final String RECOGNIZER = "firm-list";
    /** At most this many items each way: a list is short. */
    private static final int MAX_ITEMS = 6;

    /** The list items beside a firm with a company-form word in {@code t}, as ORGANIZATION candidates. */
    static List<Recognizer.Candidate> find(Tokens t, boolean cased) {
        List<Recognizer.Candidate> out = new ArrayList<>(0);
        if (!cased) {
            return out;
        }
        for (int j = 1; j < t.size; j++) {
            if (!CompanyForms.FORMS.contains(t.lower[j]) || !t.capitalised(j) || t.lineBefore[j]) {
                continue;
            }
            int a = j;
            while (a > 0 && j - a < 2 && !t.lineBefore[a] && item(t, a - 1)) {
                a--;
            }
            if (a == j) {
                continue; // a form word alone ("Group") names no firm
            }
            int k = j + 1;
            for (int n = 0; n < MAX_ITEMS; n++) { // to the right: (, | , and | and) item
                int first = NameLists.afterJoin(t, k);
                int last = first < 0 ? -1 : itemEnd(t, first);
                if (last < 0) {
                    break;
                }
                out.add(new Recognizer.Candidate("ORGANIZATION", t.start[first], t.end[last], SCORE, RECOGNIZER));
                k = last + 1;
            }
            for (int m = a - 1, n = 0; n < MAX_ITEMS && m >= 1 && !t.lineBefore[m + 1]; n++) { // to the left
                int i = m;
                if (NameLists.JOINS.contains(t.lower[i])) {
                    i--;
                }
                if (i < 1 || !t.lower[i].equals(",") && i == m) {
                    break; // no separator before the item
                }
                if (t.lower[i].equals(",")) {
                    i--;
                }
                if (i < 0 || t.lineBefore[i + 1] || !item(t, i)) {
                    break;
                }
                int first = i;
                while (first > 0 && i - first < 2 && !t.lineBefore[first] && item(t, first - 1)) {
                    first--;
                }
                out.add(new Recognizer.Candidate("ORGANIZATION", t.start[first], t.end[i], SCORE, RECOGNIZER));
                m = first - 1;
            }
            j = k - 1;
        }
        return out;
    }

    /** The last token of an item of one to three item words starting at {@code first}, or -1. */
    private static int itemEnd(Tokens t, int first) {
        if (!item(t, first)) {
            return -1;
        }
        int last = first;
        while (last + 1 < t.size && last - first < 2 && !t.lineBefore[last + 1] && item(t, last + 1)) {
            last++;
        }
        return last;
    }

    /** A capitalised word of letters, not a function word or a word that is never a name. */
    private static boolean item(Tokens t, int i) {
        return t.capitalised(i) && t.nameShaped(i) && !SpanRules.notName(t.lower[i])
                && !SpanRules.FUNCTION_WORDS.contains(t.lower[i]);
    }
}
