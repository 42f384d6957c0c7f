package dev.bastion.guard.pii;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Boundaries and plausibility of the spans the name model and the gazetteer rules propose, from the line structure
 * and the words around them rather than from capitalisation alone. A span never crosses a line break unless it is
 * a street address (whose parts may sit on several lines; even then it stops before a heading or list line). Words
 * that are never names ({@code not-names.txt}: function words, request verbs such as "Email", section words such as
 * "Medications" and "Plan", clinical abbreviations such as DC and PRN, drug and procedure names) are cut from both
 * ends, so "Email John Miller" gives "John Miller"; a possessive 's is cut too. What is left must look like its
 * type: letters for a name, a digit and a street word for an address, four or more digits or a letter-digit code
 * for a postcode, more than one character. In {@link PiiMode#BALANCED} two weaker kinds are dropped as well: a span
 * with no capital letter in a text that capitalises names elsewhere, and an all-capitals span none of whose words
 * is a known name, place or company word (NO ACUTE DISTRESS, JSON); {@link PiiMode#RECALL} keeps them. Immutable and
 * thread-safe.
 */
final class SpanRules {
    private SpanRules() {
    }

    static final String WORDS = "not-names.txt";
    static final Set<String> NOT_NAMES = load();
    static final Set<String> ADDRESS_WORDS = Set.of("box", "apt", "suite", "unit", "po", "p.o", "psc", "fpo",
            "apo", "dpo", "postfach", "apartado", "bp", "floor", "flat", "bldg", "ul", "al", "pl", "rue", "via", "calle",
            "rua", "avenida", "allée", "chemin", "boulevard", "piso", "scala", "wohnung", "st", "str", "ave", "rd", "ln",
            "blvd", "ct", "sq", "hwy", "pkwy", "u", "út", "utca", "útja", "tér", "trg", "ulica", "katu", "tie", "vej",
            "rúa", "avda", "avenue", "street", "road", "lane", "drive", "court", "place", "square", "plaza", "piazza",
            "platz", "viale", "corso", "largo", "strada", "camino", "carrera", "travessa", "praça", "gata", "gade");
    private static final List<String> GLUED_STREETS = List.of("straße", "strasse", "katu", "tie", "gatan", "vej",
            "weg", "laan", "gade", "veien", "stræde", "utca", "ulica", "platz", "allee", "gasse", "straat", "gracht",
            "dreef", "steeg", "vägen", "gränd", "torget");
    private static final Set<String> YEAR_CUES = Set.of("in", "year", "since", "after", "before", "until", "by",
            "from", "of", "circa", "around");
    private static final int NAME_BITS = Gazetteers.FIRST | Gazetteers.LAST | Gazetteers.CITY | Gazetteers.COUNTRY
            | Gazetteers.STATE | Gazetteers.COMPANY | Gazetteers.NRP;

    /**
     * Whether {@code t} uses capital letters at all (then a name written in lower case is unlikely): some word of
     * two or more letters starts with a capital, and some word starts with a lower-case letter.
     */
    static boolean cased(Tokens t) {
        boolean capital = false;
        boolean small = false;
        for (int i = 0; i < t.size && !(capital && small); i++) {
            capital |= t.capitalised(i) && t.end[i] - t.start[i] > 1;
            small |= t.startsLowerCase(i);
        }
        return capital && small;
    }

    /** Whether the lower-case token {@code w} is never a name (typographic apostrophes read as straight ones). */
    static boolean notName(String w) {
        return NOT_NAMES.contains(w.indexOf('\u2019') >= 0 ? w.replace('\u2019', '\'') : w);
    }

    /** {@link #refine} for each candidate a cue class found. */
    static void refineAll(Tokens t, List<Recognizer.Candidate> found, PiiMode mode, boolean cased,
            List<Recognizer.Candidate> out) {
        for (Recognizer.Candidate c : found) {
            refine(t, c, mode, cased, out);
        }
    }

    /** The parts of {@code c} (a span over {@code t.text}) that stand in {@code mode}, added to {@code out}. */
    static void refine(Tokens t, Recognizer.Candidate c, PiiMode mode, boolean cased, List<Recognizer.Candidate> out) {
        int a = firstToken(t, c.start());
        int b = a;
        while (b + 1 < t.size && t.start[b + 1] < c.end()) {
            b++;
        }
        if (a >= t.size || t.start[a] >= c.end()) {
            return;
        }
        boolean address = c.type().equals("STREET_ADDRESS");
        // a person's name holds no word that is never a name: WIFE MARTHA AT BEDSIDE is MARTHA, Anna and Tom two
        boolean person = c.type().equals("PERSON") || c.type().equals("NRP") || c.type().equals("TITLE");
        boolean named = person || c.type().equals("LOCATION");
        boolean group = c.type().equals("ORGANIZATION") || c.type().equals("LOCATION");
        int from = a;
        for (int k = a + 1; k < b + 2; k++) { // not k <= b + 1: C2 trapped on that loop limit
            if (named && k <= b && possessive(t.lower[k - 1])) {
                // a name ends at its possessive: Lara Croft's mobile is Lara Croft; what follows is what she owns
                piece(t, c, from, k - 1, mode, cased, out);
                return;
            }
            boolean cut = k > b || (t.lineBefore[k] && (!address || headingLine(t, k)))
                    || person && notName(t.lower[k]) && t.isWord(k) && !middleInitial(t, k, b)
                    || group && listJoin(t, k); // Faraday, and Dieter Zetsche: two items of a list
            if (cut) {
                piece(t, c, from, k - 1, mode, cased, out);
                if (address && k <= b) {
                    return; // an address stops before a heading or list line; what follows is not its part
                }
                from = k;
            }
        }
    }

    private static void piece(Tokens t, Recognizer.Candidate c, int a, int b, PiiMode mode, boolean cased,
            List<Recognizer.Candidate> out) {
        String type = c.type();
        boolean address = type.equals("STREET_ADDRESS");
        boolean zip = type.equals("ZIP_CODE");
        if (!address && !zip) {
            while (a <= b && (!t.isWord(a) || notName(t.lower[a]))) {
                a++;
            }
            // an organisation may end in a word that is a section word elsewhere (Kato Labs, Nordic Systems)
            boolean org = type.equals("ORGANIZATION");
            while (b >= a && (!org && notName(t.lower[b]) || org && FUNCTION_WORDS.contains(t.lower[b])
                    || !t.isWord(b) && !abbreviationStop(t, b))) {
                b--;
            }
            if (mode == PiiMode.BALANCED && cased) {
                // in a text that capitalises names, lower-case words at the ends are not part of one (sunrise, Suresh)
                while (a <= b && (t.startsLowerCase(a) || !t.isWord(a))) {
                    a++;
                }
                while (b >= a && (t.startsLowerCase(b) || !t.isWord(b) && !abbreviationStop(t, b))) {
                    b--;
                }
            }
        } else {
            while (a <= b && !t.isWord(a)) {
                a++;
            }
            while (b >= a && !t.isWord(b) && !abbreviationStop(t, b)) {
                b--;
            }
        }
        if (a > b) {
            return;
        }
        int start = t.start[a];
        int end = t.end[b];
        String last = t.lower[b];
        if (!address && !zip && (last.endsWith("'s") || last.endsWith("\u2019s")) && last.length() > 2) {
            end -= 2;
        }
        if ((type.equals("TITLE") || type.equals("ORGANIZATION")) && mistypedName(t, type, a, b)) {
            type = "PERSON"; // Indiana Jones as a job title, John Carter as a company: a name the model mistyped
        }
        boolean personal = type.equals("PERSON") || type.equals("NRP") || type.equals("TITLE");
        if (personal && a < b && houseNumber(t, a, b) && plainWord(t, a, b)
                && plausible(t, "STREET_ADDRESS", a, b, mode, cased, false)) {
            type = "STREET_ADDRESS"; // a name with a house number is an address the model typed wrong (Søndergade 52)
        }
        // after a courtesy title the words are a name whatever their case ("DR. HOLLOWAY" in an upper-case note):
        // the balanced mode's case tests are for spans with no such evidence
        // so are the words after a phrase that states a name ("MY NAME IS OTTOLINE BRACKWATER"), and the names
        // a cue or an age finds in text all in capitals ("FOUND BY NEIGHBOR ROSALIND")
        PiiMode judged = c.recognizer().equals("name-title") || c.recognizer().equals(PlaceLines.RECOGNIZER)
                || c.recognizer().equals(NamingCues.RECOGNIZER) || c.recognizer().equals(SingleCaseCues.RECOGNIZER)
                || !cased && UNCASED_CUES.contains(c.recognizer()) ? PiiMode.RECALL : mode;
        // a country after a cue that ties it to a person's travel, home or origin counts in the balanced mode too
        boolean personalPlace = c.recognizer().equals(PlaceCues.PERSONAL);
        if (end - start < 2 || !plausible(t, type, a, b, judged, cased, personalPlace)) {
            return;
        }
        out.add(new Recognizer.Candidate(type, start, end, c.score(), c.recognizer()));
    }

    /**
     * Whether a TITLE or ORGANIZATION span of two or three capitalised words is a person's name the model typed
     * wrong: it ends in a known last name, holds no courtesy title or company word, and (for an organisation, whose
     * names are often surnames: Baker McKenzie) starts with a known first name and has two words.
     */
    private static boolean mistypedName(Tokens t, String type, int a, int b) {
        if (b - a < 1 || b - a > 2) {
            return false;
        }
        Gazetteers g = Gazetteers.get();
        for (int k = a; k < b + 1; k++) { // not k <= b: C2 trapped on that loop limit
            if (!t.isWord(k) || !t.capitalised(k) || (g.flags(t.lower[k]) & (Gazetteers.TITLE | Gazetteers.COMPANY)) != 0) {
                return false;
            }
        }
        String last = possessive(t.lower[b]) ? t.lower[b].substring(0, t.lower[b].length() - 2) : t.lower[b];
        if ((g.flags(last) & Gazetteers.LAST) == 0) {
            return false;
        }
        return type.equals("TITLE") || (b - a == 1 && (g.flags(t.lower[a]) & Gazetteers.FIRST) != 0);
    }

    /** An acronym in the plural (PVCs, ATMs, GPUs): never a name, place or organisation. */
    private static boolean pluralAcronym(Tokens t, int a, int b) {
        if (a != b || t.end[a] - t.start[a] < 3 || t.text.charAt(t.end[a] - 1) != 's') {
            return false;
        }
        for (int k = t.start[a]; k < t.end[a] - 1; k++) {
            if (!Chars.upper(t.text.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    private static boolean plausible(Tokens t, String type, int a, int b, PiiMode mode, boolean cased,
            boolean personalPlace) {
        boolean letters = false;
        boolean upper = false;
        boolean lower = false;
        int digits = 0;
        for (int k = t.start[a]; k < t.end[b]; k++) {
            char ch = t.chars[k];
            letters |= Chars.letter(ch);
            upper |= Chars.upper(ch);
            lower |= Chars.lower(ch);
            digits += Chars.digit(ch) ? 1 : 0;
        }
        Gazetteers g = Gazetteers.get();
        if (!type.equals("STREET_ADDRESS") && !type.equals("ZIP_CODE") && pluralAcronym(t, a, b)) {
            return false;
        }
        if (mode == PiiMode.BALANCED && REGION_TYPES.contains(type) && !personalPlace && Regions.region(t, a, b)
                && !(type.equals("PERSON") && a == b && (g.flags(t.lower[a]) & Gazetteers.FIRST) != 0)) {
            // a country, state or continent identifies no one (Safe Harbor: smaller than a state), also when the
            // model typed it as a person ("Poland"); a first name that is also a state (Georgia) stays a name
            return false;
        }
        if (mode == PiiMode.BALANCED && REGION_TYPES.contains(type) && Regions.naturalFeature(t, a, b)) {
            // a river, mountain or sea is no geographic subdivision a person lives in and names no one
            return false;
        }
        switch (type) {
            case "ZIP_CODE" -> {
                if (digits < 4 && !(letters && digits >= 2 && t.end[b] - t.start[a] >= 5)) {
                    return false;
                }
                if (mode == PiiMode.BALANCED && !letters && digits == 4 && a < b) {
                    return false; // a range or a pair of small numbers (UOP 30-50, 12/34), not a postcode
                }
                // a bare four-digit year after "in", "since", "the year" is a year, not a postcode
                return !(a == b && digits == 4 && !letters && a > 0 && YEAR_CUES.contains(t.lower[a - 1]));
            }
            case "STREET_ADDRESS" -> {
                if (digits == 0) {
                    return false;
                }
                // a digit and a street word, or a digit and a name: a capitalised word inside a sentence of a text
                // that capitalises, any word in lower-case text; on the upper-case lines of a note only a street
                // word will do. Not "58% of", "1. This movie", "HR 88 SR, BP 120/80, NO ECTOPY"
                // unless a phrase before it says an address follows ("LIVES AT", "ADDRESS:", "SEND IT TO")
                boolean capsLine = !cased && capsLine(t, a) && !addressCue(t, a);
                boolean decimal = false; // a house number has no decimal point; a lab value does (Cr 1.1)
                for (int k = t.start[a] + 1; k + 1 < t.end[b] && !decimal; k++) {
                    decimal = t.text.charAt(k) == '.' && Chars.digit(t.text.charAt(k - 1))
                            && Chars.digit(t.text.charAt(k + 1));
                }
                for (int k = a; k < b + 1; k++) { // not k <= b: C2 trapped on that loop limit
                    String w = t.lower[k];
                    boolean besideName = nameWord(t, k - 1, a, b) || nameWord(t, k + 1, a, b);
                    boolean streetWord = (g.flags(w) & Gazetteers.STREET) != 0 && besideName || ADDRESS_WORDS.contains(w)
                            || glued(w);
                    if (streetWord && !notName(w)) {
                        return true; // not PO, SQ, BP: clinical abbreviations first
                    }
                    boolean word = t.isWord(k) && t.end[k] - t.start[k] > 2 && !notName(w)
                            && Chars.letter(t.text.charAt(t.start[k]));
                    boolean named = cased ? t.capitalised(k) && (k == 0 || !NameFeatures.endsSentence(t, k - 1))
                            : !capsLine;
                    if (word && named && !decimal) {
                        return true;
                    }
                }
                return false;
            }
            default -> {
                if (!letters || initialsOnly(t, a, b)) {
                    return false;
                }
                boolean person = type.equals("PERSON") || type.equals("NRP") || type.equals("TITLE");
                if (person && digits > 0 || !person && !plainWord(t, a, b)) {
                    return false; // names hold no digits (SR 80S, CRISPR-Cas9); places and firms a word (V4-V6)
                }
                if (a == b && roman(t.lower[a])) {
                    return false; // a Roman numeral alone: ECG lead II, chapter IV, not a name or place
                }
                if (a == b && !type.equals("NRP") && adjective(t, a, g)) {
                    return false; // Pythagorean theorem, Riemannian geometry: an adjective made from a name
                }
                if (mode == PiiMode.RECALL) {
                    return true;
                }
                if (!upper && cased) {
                    return false; // lower-case words in a text that capitalises names
                }
                if (upper && !lower && digits == 0 && t.end[b] - t.start[b] > 1) {
                    boolean capsLine = capsLine(t, a);
                    if (a == b && t.end[a] - t.start[a] <= 3) {
                        return false; // a lone capitalised word of up to three letters: an acronym (MAE, GDP)
                    }
                    for (int k = a; k < b + 1; k++) { // not k <= b: C2 trapped on that loop limit
                        if ((g.flags(t.lower[k]) & NAME_BITS) != 0 || !capsLine && t.end[k] - t.start[k] >= 5) {
                            return true;
                        }
                    }
                    // all capitals with no known name, place or company word, on an upper-case line (NO ACUTE
                    // DISTRESS) or short like an acronym in mixed-case text (JSON, GDP)
                    return false;
                }
                return true;
            }
        }
    }

    /** Whether {@code w} is a small Roman numeral of two to five letters (ii, iv, viii, xii). */
    private static boolean roman(String w) {
        if (w.length() < 2 || w.length() > 5) {
            return false;
        }
        for (int i = 0; i < w.length(); i++) {
            char ch = w.charAt(i);
            if (ch != 'i' && ch != 'v' && ch != 'x') {
                return false;
            }
        }
        return true;
    }

    /**
     * Cue classes whose phrase says a name follows ("SAID ŽELJKO", "USER: ŠÁRKA OTTOVÁ", "MY SON TEODOR", "BASED
     * IN NAANTALI", "I WORK FOR RAPID CYCLE SOLUTIONS"): in a text without capitals their words are a name whatever
     * the gazetteers hold, as after a title.
     */
    private static final Set<String> UNCASED_CUES = Set.of(SpeechCues.RECOGNIZER, NameAnswers.RECOGNIZER,
            RelationCues.RECOGNIZER, ResidentCues.RECOGNIZER, ContactCues.RECOGNIZER, PossessiveRelations.RECOGNIZER,
            PlaceCues.RECOGNIZER, PlaceCues.PERSONAL, EmployerCues.RECOGNIZER, OrganisationCues.RECOGNIZER);

    private static final Set<String> REGION_TYPES = Set.of("LOCATION", "ORGANIZATION", "NRP", "PERSON");
    static final Set<String> FUNCTION_WORDS = Set.of("and", "or", "nor", "of", "the", "a", "an", "in", "on",
            "at", "to", "for", "with", "by", "from", "but", "&");

    /** Whether tokens a..b hold a run of digits alone (a house or unit number). */
    private static boolean houseNumber(Tokens t, int a, int b) {
        for (int k = a; k < b + 1; k++) { // not k <= b: C2 trapped on that loop limit
            boolean digitsOnly = t.isWord(k);
            for (int i = t.start[k]; i < t.end[k] && digitsOnly; i++) {
                digitsOnly = Chars.digit(t.text.charAt(i));
            }
            if (digitsOnly) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether token {@code k} is the middle initial of a name inside the span ending at token {@code b}: one
     * capital letter and a full stop between two capitalised words ("Hanne I. Kreutzmann", "John A. Leiva"), which
     * the pronoun I and the article A would otherwise cut in two.
     */
    static boolean middleInitial(Tokens t, int k, int b) {
        return k >= 1 && k + 2 <= b && t.end[k] - t.start[k] == 1 && t.capitalised(k) && t.lower[k + 1].equals(".")
                && t.end[k] == t.start[k + 1] && t.capitalised(k - 1) && t.nameShaped(k - 1) && t.capitalised(k + 2)
                && t.nameShaped(k + 2) && !t.lineBefore[k] && !t.lineBefore[k + 2];
    }

    /**
     * Whether two or more spaces or a tab part token {@code k} from the one before it: the gap between two cells of
     * a table, a form or a label laid out in columns ("Tuva Lid  Hamar  Norway"). {@link CompanyForms} does not
     * grow a firm's name across it. (As a cut for every span it changed no presidio synth figure and cost 0.003 of
     * the clinical holdout's character precision, so {@link #refine} does not use it.)
     */
    static boolean columnGap(Tokens t, int k) {
        int from = t.end[k - 1];
        int to = t.start[k];
        if (to - from < 2 && !(to - from == 1 && t.text.charAt(from) == '\t')) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char ch = t.text.charAt(i);
            if (ch != ' ' && ch != '\t') {
                return false;
            }
        }
        return true;
    }

    /** Whether the lower-case token {@code w} ends in a possessive 's (straight or typographic apostrophe). */
    private static boolean possessive(String w) {
        return w.length() > 2 && (w.endsWith("'s") || w.endsWith("\u2019s"));
    }

    /** Whether token {@code k} is a comma that joins the next item of a list ({@code , and}, {@code , or}). */
    private static boolean listJoin(Tokens t, int k) {
        return t.lower[k].equals(",") && k + 1 < t.size && !t.lineBefore[k + 1]
                && (t.lower[k + 1].equals("and") || t.lower[k + 1].equals("or") || t.lower[k + 1].equals("&"));
    }

    /** Whether tokens a..b hold a word of two or more letters (no digits) that may be a name. */
    private static boolean plainWord(Tokens t, int a, int b) {
        for (int k = a; k < b + 1; k++) { // not k <= b: C2 trapped on that loop limit
            if (t.isWord(k) && t.end[k] - t.start[k] > 1 && !notName(t.lower[k])) {
                boolean onlyLetters = true;
                for (int i = t.start[k]; i < t.end[k] && onlyLetters; i++) {
                    char ch = t.text.charAt(i);
                    // a double-barrelled name is a word (Weeks-Rivas, Lund-Hagen); V4-V6 and COVID-19 are not
                    onlyLetters = Chars.letter(ch) || ch == '\'' || ch == '\u2019'
                            || ch == '-' && i > t.start[k] && Chars.letter(t.text.charAt(i - 1))
                            && i + 1 < t.end[k] && Chars.letter(t.text.charAt(i + 1));
                }
                if (onlyLetters) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether token {@code k} is an adjective made from a name, followed by the lower-case noun it describes
     * (Pythagorean theorem, Riemannian geometry, Shakespearean sonnet); not a known name, place or nationality.
     */
    private static boolean adjective(Tokens t, int k, Gazetteers g) {
        String w = t.lower[k];
        return w.length() > 6 && (w.endsWith("ean") || w.endsWith("ian") || w.endsWith("esque"))
                && k + 1 < t.size && !t.lineBefore[k + 1] && t.startsLowerCase(k + 1)
                && (g.flags(w) & (NAME_BITS | Gazetteers.NRP)) == 0;
    }

    /** Whether token {@code k}, inside a..b, is a word of letters that may be a name (Baker in Baker Street). */
    private static boolean nameWord(Tokens t, int k, int a, int b) {
        return k >= a && k <= b && t.isWord(k) && Chars.letter(t.text.charAt(t.start[k])) && !notName(t.lower[k]);
    }

    /** Whether every word of tokens a..b is a single character (E, E; X and X): variables, not a name. */
    private static boolean initialsOnly(Tokens t, int a, int b) {
        for (int k = a; k < b + 1; k++) { // not k <= b: C2 trapped on that loop limit
            if (t.isWord(k) && t.end[k] - t.start[k] > 1 && !notName(t.lower[k])) {
                return false;
            }
        }
        return true;
    }

    /** A full stop that ends a short abbreviation inside a name (Jr., Inc., St.) stays with the span. */
    private static boolean abbreviationStop(Tokens t, int k) {
        return k > 0 && t.lower[k].equals(".") && t.isWord(k - 1) && t.end[k - 1] == t.start[k]
                && t.end[k - 1] - t.start[k - 1] <= 3;
    }

    /**
     * A line that is a heading: it opens with a Markdown heading marker, or with a section word and a colon
     * ({@code Allergies:}), or it is a section word alone ({@code ALLERGIES}). An address never runs into one.
     */
    private static boolean headingLine(Tokens t, int k) {
        String w = t.lower[k];
        if (w.equals("#")) {
            return true;
        }
        if (!notName(w)) {
            return false;
        }
        return k + 1 >= t.size || t.lineBefore[k + 1] || t.lower[k + 1].equals(":");
    }

    /** Words that say a postal address follows them, or follows the preposition or colon after them. */
    private static final Set<String> ADDRESS_CUES = Set.of("lives", "live", "living", "lived", "resides", "reside",
            "residing", "address", "addr", "moved", "move", "send", "sent", "ship", "shipped", "deliver", "mail",
            "mailed", "located", "return", "visit", "office");
    private static final Set<String> CUE_LINKS = Set.of("at", "on", "to", "in", "is", "from", ":", "it", "them",
            "here", "there", "back", "over");

    /**
     * Whether a phrase before token {@code a}, on its line, says that an address follows: an address cue word
     * ({@link #ADDRESS_CUES}), then up to two linking words or a colon ("LIVES AT", "ADDRESS:", "SEND IT TO").
     */
    private static boolean addressCue(Tokens t, int a) {
        for (int k = a - 1; k >= 0 && k >= a - 3 && !t.lineBefore[k + 1]; k--) {
            if (ADDRESS_CUES.contains(t.lower[k])) {
                return true;
            }
            if (!CUE_LINKS.contains(t.lower[k])) {
                return false;
            }
        }
        return false;
    }

    /** Whether the line holding token {@code k} has no lower-case letter (a line of an upper-case note). */
    private static boolean capsLine(Tokens t, int k) {
        int from = k;
        while (from > 0 && !t.lineBefore[from]) {
            from--;
        }
        for (int i = from; i < t.size && (i == from || !t.lineBefore[i]); i++) {
            if (t.isWord(i) && !t.capitalised(i) && t.startsLowerCase(i)) {
                return false;
            }
            for (int c = t.start[i]; c < t.end[i]; c++) {
                if (Chars.lower(t.text.charAt(c))) {
                    return false;
                }
            }
        }
        return true;
    }

    static boolean glued(String w) {
        for (String s : GLUED_STREETS) {
            if (w.length() > s.length() + 2 && w.endsWith(s)) {
                return true;
            }
        }
        return false;
    }

    /** The first token that ends after {@code at}. */
    static int firstToken(Tokens t, int at) {
        int lo = 0;
        int hi = t.size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (t.end[mid] <= at) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static Set<String> load() {
        try (InputStream in = SpanRules.class.getResourceAsStream(WORDS)) {
            if (in == null) {
                throw new IllegalStateException(WORDS + " is missing from the build");
            }
            Set<String> words = new HashSet<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.startsWith("#")) {
                    for (String w : line.strip().split("\\s+")) {
                        if (!w.isEmpty()) {
                            words.add(w);
                        }
                    }
                }
            }
            return Set.copyOf(words);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
