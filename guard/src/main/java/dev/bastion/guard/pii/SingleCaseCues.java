package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * People named in text written in one case, all in capitals (nursing notes, forms, shouted prompts) or with no
 * capital at all (chat prompts, logs and notes typed in lower case), where the case of a word tells nothing about
 * whether it is a name: the evidence is a cue before the name or the structure around it, and a gazetteer first or
 * last name matched where that cue or structure stands. Three shapes, each a PERSON at {@link #SCORE}:
 * <ul>
 * <li>a cue word or phrase, then a known first name: a relative or carer without a possessive ("FOUND BY NEIGHBOR
 * ROSALIND", "husband gregory at bedside"), the patient ("PT HAROLD VANTERPOOL, 88YO"), a contact ("SPOKE WITH
 * WINIFRED", "this is winifred palmquist calling", "SEEN BY ...") or a name label ("SUBSCRIBER NAME: OSWALD
 * FENWICK"); a second word joins when it is a known last name or an unknown word that is no common or clinical
 * word;</li>
 * <li>a known first name and a surname that a stated age follows: "DELPHINE ACKERLY IS A 77-YEAR-OLD WOMAN",
 * "delphine ackerly, 77 yo";</li>
 * <li>a known last name, a comma, a known first name, as forms and headers list a patient: "PEMBERTON,
 * AUGUSTINE";</li>
 * <li>a whole name, a known first name and a surname, after a weaker cue (a role or a preposition: "directed by",
 * "tennis player") or at a sentence start ({@link #weakCued}).</li>
 * </ul>
 * The words of the names these cues find are names again where they come back in the text ({@link #repeats}).
 * The first name must not be a common English, calendar, clinical or never-a-name word ("PT WILL GO", "son may
 * visit"). Runs only on texts in one case ({@link #applies}): in cased text the capital letter and the name model
 * already carry this evidence. Immutable and thread-safe.
 */
final class SingleCaseCues {
    private SingleCaseCues() {
    }

    static final double SCORE = 0.85;
    static final String RECOGNIZER = "single-case-cue";

    /** Words before a name that say a person follows, on their own (no possessive needed in a note). */
    private static final Set<String> CUE_WORDS = union(RelationCues.RELATIONS, Set.of("pt", "patient", "caregiver",
            "nok", "hcp", "proxy", "sitter", "guardian", "visitor", "resident", "client", "insured", "subscriber",
            "member", "applicant", "claimant", "employee"));
    /** Phrases before a name ("spoke with", "this is", "name :"), matched token by token. */
    private static final Map<String, List<String[]>> PHRASES = PlaceCues.byFirst(List.of(
            PlaceCues.words("spoke with"), PlaceCues.words("spoke to"), PlaceCues.words("talked with"),
            PlaceCues.words("talked to"), PlaceCues.words("seen by"), PlaceCues.words("visited by"),
            PlaceCues.words("accompanied by"), PlaceCues.words("brought in by"), PlaceCues.words("found by"),
            PlaceCues.words("this is"), PlaceCues.words("name :"), PlaceCues.words("name is"),
            PlaceCues.words("pt name :"), PlaceCues.words("patient name :")));
    /**
     * Words before a name that say a person may follow, weaker than {@link #CUE_WORDS}: a preposition or a role
     * ("directed by", "the assistant to", "tennis player", "commenter", "says"). After one of them a whole name
     * is wanted: a known first name that is no common word, then a surname ({@link #weakCued}).
     */
    private static final Set<String> WEAK_WORDS = Set.of("by", "to", "with", "under", "says", "said",
            "starring", "features", "featuring", "player", "commenter", "producer", "songwriter", "writer", "author",
            "director", "singer", "actor", "actress", "assistant", "user", "manager", "founder", "ceo", "editor",
            "reporter", "coach", "teacher", "professor", "student", "lawyer", "dear", "hi", "hello", "thanks");

    /**
     * First names that are first of all words in a note or a sentence: "PT WILL GO HOME", "SON MAY VISIT", "WIFE
     * SUE-ING"; months and days are among NameRules' common words.
     */
    private static final Set<String> WORD_NAMES = Set.of("will", "may", "can", "bill", "pat", "sue", "rose", "hope",
            "faith", "joy", "grace", "art", "don", "dawn", "sunny", "ray", "rich", "rusty", "sandy", "summer",
            "june", "april", "august", "jan", "min", "max", "page", "chase", "pierce", "said", "jean", "paris",
            "lane", "sky", "star", "sable", "iv", "ed", "al", "le", "la", "de", "van", "von", "mac", "di", "do",
            "so", "no", "ok", "ha", "ho", "be", "in", "on", "an", "is", "am", "per", "ct", "bp", "hr", "er", "or");
    /** Words that make a number an age right after it ("77-YEAR-OLD", "88YO", "81 Y.O."). */
    private static final List<String> AGE_WORDS = List.of("year-old", "years-old", "years", "year", "yrs", "yr",
            "y.o", "y/o", "yo");

    /**
     * Whether the cues apply: {@code t} is in one case, capital letters and no lower-case letter at all, or words
     * of letters and no capital letter at all.
     */
    static boolean applies(Tokens t) {
        boolean upper = false;
        boolean lower = false;
        for (int k = 0; k < t.chars.length && !(upper && lower); k++) {
            char c = t.chars[k];
            upper |= Chars.upper(c);
            lower |= Chars.lower(c);
        }
        if (upper != lower) { // "McDONALD": a word that starts with a capital may still hold lower-case letters
            for (int i = 0; i < t.size; i++) {
                if (t.end[i] - t.start[i] > 1 && (upper ? t.capitalised(i) : t.startsLowerCase(i))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether {@code t} holds lower-case letters and no capital letter at all: text typed in lower case. */
    static boolean lowerCaseOnly(Tokens t) {
        boolean lower = false;
        for (int k = 0; k < t.chars.length; k++) {
            char c = t.chars[k];
            if (Chars.upper(c)) {
                return false;
            }
            lower |= Chars.lower(c);
        }
        return lower;
    }

    static final String REPEAT = "single-case-repeat";
    /** The recognisers whose PERSON spans in text in one case stand on a cue, so their words may repeat. */
    private static final Set<String> CUED = Set.of(RECOGNIZER, "name-title", NamingCues.RECOGNIZER);

    /**
     * The other occurrences, in text in one case, of the words of PERSON spans a cue found ("directed by maciej
     * borkowski and starring borkowski", "early yefremova"): {@link NameRepeats} takes repeats of the model's
     * capitalised names only, and here neither the model nor the capital letter speaks for the word. A word counts
     * when it has four or more letters and is no common, function, verb or never-a-name word; an occurrence counts
     * when no finding at {@code threshold} covers it. Reported as PERSON at {@link #SCORE}, a possessive "'s" left
     * out.
     */
    static List<Recognizer.Candidate> repeats(Tokens t, List<Recognizer.Candidate> all, double threshold) {
        Set<String> words = new java.util.HashSet<>();
        boolean[] covered = new boolean[t.chars.length];
        for (Recognizer.Candidate c : all) {
            if (c.score() < threshold) {
                continue;
            }
            java.util.Arrays.fill(covered, c.start(), c.end(), true);
            if (c.type().equals("PERSON") && CUED.contains(c.recognizer())) {
                for (int i = SpanRules.firstToken(t, c.start()); i < t.size && t.start[i] < c.end(); i++) {
                    String w = base(t.lower[i]);
                    if (w.length() >= 4 && t.nameShaped(i) && uncommon(w)) {
                        words.add(w);
                    }
                }
            }
        }
        List<Recognizer.Candidate> out = new ArrayList<>(0);
        for (int i = 0; i < t.size && !words.isEmpty(); i++) {
            if (!covered[t.start[i]] && words.contains(base(t.lower[i])) && t.nameShaped(i)) {
                int end = t.end[i] - (t.lower[i].length() - base(t.lower[i]).length());
                out.add(new Recognizer.Candidate("PERSON", t.start[i], end, SCORE, REPEAT));
            }
        }
        return out;
    }

    private static String base(String w) {
        return w.endsWith("'s") || w.endsWith("\u2019s") ? w.substring(0, w.length() - 2) : w;
    }

    /**
     * Whether the lower-case word {@code w} may be part of a name in text with no capital: no common, function,
     * verb or never-a-name word.
     */
    static boolean uncommon(String w) {
        return !NameRules.common(w) && !NameRules.verb(w) && !SpanRules.FUNCTION_WORDS.contains(w)
                && !SpanRules.notName(w);
    }

    /** A past tense or gerund ("joined", "working"), which the small vocabulary of common words does not hold. */
    static boolean inflected(String w) {
        return w.endsWith("ed") || w.endsWith("ing");
    }

    /** The names the cues and shapes above find in {@code t}, as PERSON candidates. */
    static List<Recognizer.Candidate> find(Tokens t) {
        List<Recognizer.Candidate> out = new ArrayList<>(0);
        for (int i = 0; i < t.size; i++) {
            int a = cueEnd(t, i);
            if (a > 0 && a < t.size && !t.lineBefore[a] && firstName(t, a, true)) {
                int b = a;
                if (joins(t, b) && surname(t, b + 1)) {
                    b++;
                }
                out.add(new Recognizer.Candidate("PERSON", t.start[a], t.end[b], SCORE, RECOGNIZER));
                i = b;
                continue;
            }
            int whole = weakCued(t, i);
            if (whole > i) {
                out.add(new Recognizer.Candidate("PERSON", t.start[i], t.end[whole], SCORE, RECOGNIZER));
                i = whole;
                continue;
            }
            int label = labelled(t, i);
            if (label > i) {
                out.add(new Recognizer.Candidate("PERSON", t.start[i + 2], t.end[label], SCORE, RECOGNIZER));
                i = label;
                continue;
            }
            if (i + 2 < t.size && (t.lower[i + 2].equals(",") || t.lower[i + 2].equals("is")) && agedAfter(t, i + 2)
                    && firstName(t, i, false) && joins(t, i) && surname(t, i + 1)) {
                out.add(new Recognizer.Candidate("PERSON", t.start[i], t.end[i + 1], SCORE, RECOGNIZER));
                i++;
                continue;
            }
            if (i + 1 < t.size && t.lower[i + 1].equals(",") && listedLastFirst(t, i)) {
                // two spans: the comma between them is no part of the name
                out.add(new Recognizer.Candidate("PERSON", t.start[i], t.end[i], SCORE, RECOGNIZER));
                out.add(new Recognizer.Candidate("PERSON", t.start[i + 2], t.end[i + 2], SCORE, RECOGNIZER));
                i += 2;
            }
        }
        return out;
    }

    /**
     * The last token of a whole name that starts at {@code i} after a weak cue word or at the start of a sentence
     * or line ("directed by wacława adamska", "player erin nyberg", "tomomi nishiyama lives at ..."), or {@code i}
     * when there is none: a known first name that is no common, calendar, clinical or never-a-name word nor a
     * known town, state or country, a middle initial or not, then a surname ({@link #surname}), all one space
     * apart on one line.
     */
    private static int weakCued(Tokens t, int i) {
        if (!t.nameShaped(i) || !(i == 0 || t.lineBefore[i] || WEAK_WORDS.contains(t.lower[i - 1])
                || sentenceEnd(t.lower[i - 1])) || !firstName(t, i, false)
                || (Gazetteers.get().flags(t.lower[i]) & PLACES) != 0) {
            return i; // a first name that is also a town (AUSTIN, MADISON) is the town as often
        }
        int k = i;
        if (joins(t, k) && t.end[k + 1] - t.start[k + 1] == 1 && Chars.letter(t.chars[t.start[k + 1]])) {
            k++; // "szabina j gelencsér", "velimir r. janković"
            if (k + 1 < t.size && t.lower[k + 1].equals(".") && t.end[k] == t.start[k + 1]) {
                k++;
            }
        }
        return joins(t, k) && surname(t, k + 1) ? k + 1 : i;
    }

    private static final int PLACES = Gazetteers.CITY | Gazetteers.COUNTRY | Gazetteers.STATE;

    private static boolean sentenceEnd(String w) {
        return w.equals(".") || w.equals("!") || w.equals("?") || w.equals(":") || w.equals(">") || w.equals(";")
                || w.equals("\"") || w.equals("(");
    }

    /**
     * The last word of the value of a "NAME:" label at {@code i} ("NAME: TOSHIMI ARATA PHONE: ..."), or {@code i}
     * when there is none: one to three words on the label's line, one space apart, none a common, clinical,
     * function or never-a-name word, ending before a word that is itself a label (followed by a colon or #). In a
     * key: value form the value of NAME is a name, known to the gazetteers or not.
     */
    private static int labelled(Tokens t, int i) {
        if (i + 2 >= t.size || !t.lower[i].equals("name") || !t.lower[i + 1].equals(":") || t.lineBefore[i + 2]) {
            return i;
        }
        int b = i + 1;
        for (int k = i + 2; k < t.size && k < i + 5 && !t.lineBefore[k] && valueWord(t, k)
                && (k == i + 2 || t.start[k] - t.end[k - 1] == 1); k++) {
            if (k + 1 < t.size && !t.lineBefore[k + 1] && (t.lower[k + 1].equals(":") || t.lower[k + 1].equals("#"))) {
                break; // the next label ("PHONE:", "POLICY #")
            }
            b = k;
        }
        if (b + 1 < t.size && t.lower[b + 1].equals(",")) {
            return i; // "NAME: HALL, THOMAS": a last name and a first name, for listedLastFirst
        }
        return b > i + 1 ? b : i;
    }

    private static boolean valueWord(Tokens t, int k) {
        String w = t.lower[k];
        return t.nameShaped(k) && !SpanRules.FUNCTION_WORDS.contains(w) && !SpanRules.notName(w)
                && (!NameRules.common(w) || (Gazetteers.get().flags(w) & Gazetteers.LAST) != 0);
    }

    /** The token after a cue word or phrase that starts at {@code i}, or -1. */
    private static int cueEnd(Tokens t, int i) {
        int end = PlaceCues.cueEnd(t, i, PHRASES);
        if (end > 0) {
            return end;
        }
        if (!CUE_WORDS.contains(t.lower[i])) {
            return -1;
        }
        int next = i + 1;
        if (next < t.size && t.lower[next].equals(".") && t.end[i] == t.start[next]) {
            next++; // "PT. HAROLD"
        }
        return next < t.size && t.start[next] - t.end[next - 1] == 1 ? next : -1;
    }

    /**
     * A known first name that is no common English, calendar, clinical or never-a-name word; right after a cue
     * ({@code cued}) a first name that is also a common word stands (NEIGHBOR MARK), unless it is one of the
     * first names that are first of all words ({@link #WORD_NAMES}: PT WILL, SON MAY).
     */
    private static boolean firstName(Tokens t, int i, boolean cued) {
        String w = t.lower[i];
        return t.nameShaped(i) && (Gazetteers.get().flags(w) & Gazetteers.FIRST) != 0
                && (cued ? !SpanRules.notName(w) && !SpanRules.FUNCTION_WORDS.contains(w) && !NameRules.verb(w)
                        && !WORD_NAMES.contains(w) && !calendar(w) : ordinaryFree(w));
    }

    private static final Set<String> CALENDAR = Set.of("monday", "tuesday", "wednesday", "thursday", "friday",
            "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august",
            "september", "october", "november", "december", "christmas", "easter");

    private static boolean calendar(String w) {
        return CALENDAR.contains(w);
    }

    /**
     * A surname after a first name: a known last name (common words included: WHITE, KING), or an unknown word of
     * four or more letters that is no common, clinical or never-a-name word, no verb, and no known place.
     */
    private static boolean surname(Tokens t, int i) {
        if (i >= t.size || !t.nameShaped(i) || SpanRules.FUNCTION_WORDS.contains(t.lower[i])
                || SpanRules.notName(t.lower[i]) || NameRules.verb(t.lower[i]) || WORD_NAMES.contains(t.lower[i])) {
            return false;
        }
        int flags = Gazetteers.get().flags(t.lower[i]);
        if ((flags & Gazetteers.LAST) != 0) {
            return true;
        }
        int places = Gazetteers.CITY | Gazetteers.COUNTRY | Gazetteers.STATE | Gazetteers.STREET | Gazetteers.TITLE;
        String w = t.lower[i];
        return w.length() >= 4 && (flags & places) == 0 && !NameRules.common(w) && !w.endsWith("ed")
                && !w.endsWith("ing");
    }

    private static boolean ordinaryFree(String w) {
        return !NameRules.common(w) && !SpanRules.notName(w) && !SpanRules.FUNCTION_WORDS.contains(w)
                && !NameRules.verb(w) && !WORD_NAMES.contains(w);
    }

    /** Whether token {@code i + 1} follows token {@code i} after one space on the same line. */
    private static boolean joins(Tokens t, int i) {
        return i + 1 < t.size && !t.lineBefore[i + 1] && t.start[i + 1] - t.end[i] == 1;
    }

    /**
     * A stated age from token {@code i}: "IS A 77-YEAR-OLD", "IS AN 81 YO", ", 77 YO", ", 88YO". The number and
     * the age word may be one token or several.
     */
    private static boolean agedAfter(Tokens t, int i) {
        int k = i;
        if (k < t.size && t.lower[k].equals(",")) {
            k++;
        } else if (k + 1 < t.size && t.lower[k].equals("is") && (t.lower[k + 1].equals("a") || t.lower[k + 1].equals("an"))) {
            k += 2;
        } else {
            return false;
        }
        if (k >= t.size || t.lineBefore[k] || !Chars.digit(t.chars[t.start[k]])) {
            return false;
        }
        int p = t.start[k];
        while (p < t.chars.length && Chars.digit(t.chars[p])) {
            p++;
        }
        if (p < t.chars.length && (t.chars[p] == '-' || t.chars[p] == ' ')) {
            p++;
        }
        String rest = t.text.substring(p, Math.min(t.chars.length, p + 10)).toLowerCase(java.util.Locale.ROOT);
        for (String w : AGE_WORDS) {
            if (rest.startsWith(w) && (rest.length() == w.length() || !Chars.letter(rest.charAt(w.length())))) {
                return true;
            }
        }
        return false;
    }

    /** "PEMBERTON, AUGUSTINE": a known last name, a comma, a known first name, neither a place, on one line. */
    private static boolean listedLastFirst(Tokens t, int i) {
        if (i + 2 >= t.size || !t.lower[i + 1].equals(",") || t.end[i] != t.start[i + 1]
                || t.start[i + 2] - t.end[i + 1] != 1 || t.lineBefore[i + 2] || !t.nameShaped(i)) {
            return false;
        }
        int places = Gazetteers.CITY | Gazetteers.COUNTRY | Gazetteers.STATE;
        Gazetteers g = Gazetteers.get();
        int last = g.flags(t.lower[i]);
        // the last name may also be a town (NELSON, WILSON); the first name after the comma may not (DALLAS, TEXAS)
        return (last & Gazetteers.LAST) != 0 && ordinaryFree(t.lower[i])
                && firstName(t, i + 2, false) && (g.flags(t.lower[i + 2]) & places) == 0
                && (i + 3 >= t.size || !t.lower[i + 3].equals(","));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> s = new java.util.HashSet<>(a);
        s.addAll(b);
        return Set.copyOf(s);
    }
}
