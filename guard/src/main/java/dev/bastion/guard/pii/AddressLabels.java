package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The name and firm lines of a mailing label, a letterhead or a signature, written just before a postal address:
 * "Tuva Kjellsen, Brattvegen 12, Hamar", "Idunn Rask > Fjordlys Media > 44 Kaiveien 3", "Norrvik Consulting 213
 * Kaiveien 3 Apt. 7". A name or firm nobody has seen before tells the name model little, but its place in the label
 * does: the words right before an address, on its line or on the line before, name who or what lives there. From
 * each STREET_ADDRESS span ({@link AddressChains}) the walk goes left over up to three parts, each one to four
 * words of letters (capitalised in a text that uses capitals), parts apart by a separator ({@code , > | / •}) or a
 * line break; it stops at anything else (a function word, a label such as "Address:", a word that is never a name,
 * a digit). A part the scanner already reports is left as it is; any other part is PERSON when it is two or three
 * words and its first is a known first name, ORGANIZATION otherwise, at {@link #SCORE} in both modes. Immutable and
 * thread-safe.
 */
final class AddressLabels {
    private AddressLabels() {
    }

    static final double SCORE = 0.6;
    static final String RECOGNIZER = "address-label";
    private static final int MAX_PARTS = 3;
    private static final int MAX_WORDS = 4;
    private static final Set<String> SEPARATORS = Set.of(",", ">", "|", "/", "\u2022", "\u00b7", "-", "\u2013");
    /** Words that label or introduce an address rather than name its resident. */
    private static final Set<String> LABELS = Set.of("address", "addr", "home", "work", "office", "billing",
            "shipping", "mailing", "postal", "delivery", "ship", "send", "deliver", "residence", "location", "street",
            "headquarters", "hq", "branch", "warehouse", "store", "shop", "site", "venue", "from", "to", "attn",
            "care", "c/o", "name", "company", "mobile", "phone", "tel", "fax", "email", "e-mail", "web", "website");

    /** Name and firm parts before the addresses among {@code names} in {@code t}, as candidates. */
    static List<Recognizer.Candidate> find(Tokens t, List<Recognizer.Candidate> names, List<Recognizer.Candidate> all,
            boolean cased, double min) {
        List<Recognizer.Candidate> out = new ArrayList<>(0);
        for (Recognizer.Candidate address : names) {
            if (!address.type().equals("STREET_ADDRESS") || address.score() < min) {
                continue;
            }
            int k = SpanRules.firstToken(t, address.start()) - 1;
            for (int parts = 0; parts < MAX_PARTS && k >= 0; parts++) {
                boolean lineBreak = k + 1 < t.size && t.lineBefore[k + 1];
                boolean separated = lineBreak;
                while (k >= 0 && SEPARATORS.contains(t.lower[k])) {
                    separated = true;
                    k--;
                }
                if (k < 0 || parts > 0 && !separated) {
                    break;
                }
                int last = k;
                int first = k + 1;
                while (first - 1 >= 0 && last - first + 1 < MAX_WORDS && word(t, first - 1, cased)
                        && (first - 1 == last || !t.lineBefore[first])) {
                    first--;
                }
                if (first > last || first > 0 && !t.lineBefore[first] && !SEPARATORS.contains(t.lower[first - 1])
                        && !t.lower[first - 1].equals(":")) {
                    break; // a part fills what lies between separators, a label's colon or line starts, nothing less
                }
                int covered = reportedEnd(all, t.start[first], t.end[last], min);
                int coveredFrom = reportedStart(all, t.start[first], t.end[last], min);
                if (covered >= 0 && coveredFrom > t.start[first]) { // "Fjordlyx Media": the words before the span
                    int end = first;
                    while (end + 1 <= last && t.end[end + 1] <= coveredFrom) {
                        end++;
                    }
                    if (t.end[end] <= coveredFrom) {
                        out.add(new Recognizer.Candidate("ORGANIZATION", t.start[first], t.end[end], SCORE, RECOGNIZER));
                    }
                }
                if (covered < 0) {
                    boolean person = last > first && last - first < 3
                            && (Gazetteers.get().flags(t.lower[first]) & Gazetteers.FIRST) != 0;
                    out.add(new Recognizer.Candidate(person ? "PERSON" : "ORGANIZATION", t.start[first], t.end[last],
                            SCORE, RECOGNIZER));
                } else if (covered < t.end[last]) { // "Idunn Rask Fjordlys": the firm after a name found
                    int rest = SpanRules.firstToken(t, covered);
                    if (rest <= last && t.start[rest] >= covered) {
                        out.add(new Recognizer.Candidate("ORGANIZATION", t.start[rest], t.end[last], SCORE, RECOGNIZER));
                    }
                }
                k = first - 1;
            }
        }
        return out;
    }

    /** A word of letters that may be part of a name or firm on a label. */
    private static boolean word(Tokens t, int i, boolean cased) {
        String w = t.lower[i];
        return t.nameShaped(i) && (!cased || t.capitalised(i)) && !LABELS.contains(w) && !SpanRules.notName(w)
                && !SpanRules.FUNCTION_WORDS.contains(w) && !SpanRules.ADDRESS_WORDS.contains(w);
    }

    /** The smallest start of the candidates at or over {@code min} that overlap [from, to), or -1 when none does. */
    private static int reportedStart(List<Recognizer.Candidate> all, int from, int to, double min) {
        int start = -1;
        for (Recognizer.Candidate c : all) {
            if (c.score() >= min && c.start() < to && from < c.end()) {
                start = start < 0 ? c.start() : Math.min(start, c.start());
            }
        }
        return start;
    }

    /** The largest end of the candidates at or over {@code min} that overlap [from, to), or -1 when none does. */
    private static int reportedEnd(List<Recognizer.Candidate> all, int from, int to, double min) {
        int end = -1;
        for (Recognizer.Candidate c : all) {
            if (c.score() >= min && c.start() < to && from < c.end()) {
                end = Math.max(end, c.end());
            }
        }
        return end;
    }
}
