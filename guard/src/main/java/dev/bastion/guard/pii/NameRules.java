package dev.bastion.guard.pii;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The first version's people, places and organisations, by gazetteer and shape, now a fallback below the trained
 * model ({@link NameRecognizer}): capitalised words that are known first names (followed
 * by capitalised words, ideally known last names), names after a title (Mr, Dr, Frau, ...), known cities, countries
 * and states, capitalised words ending in a company suffix (Inc, GmbH, ...), and street addresses (a number,
 * capitalised words and a street suffix). The word lists come from @faker-js/faker (MIT; see the gazetteer NOTICE
 * and docs/pii-gazetteers.md). It misses names it has no list for and lower-case names.
 * Immutable and thread-safe.
 */
final class NameRules {
    private static final Set<String> FIRST = load("first.txt");
    private static final Set<String> LAST = load("last.txt");
    private static final Set<String> PLACES = union(load("city.txt"), load("country.txt"), load("state.txt"), Set.of(
            "Amsterdam", "Rome", "Milan", "Naples", "Turin", "Florence", "Venice", "Vienna", "Prague", "Warsaw",
            "Budapest", "Bucharest", "Athens", "Lisbon", "Porto", "Dublin", "Edinburgh", "Glasgow", "Brussels",
            "Antwerp", "Copenhagen", "Stockholm", "Oslo", "Helsinki", "Zurich", "Geneva", "Bern", "Munich", "Hamburg",
            "Frankfurt", "Cologne", "Barcelona", "Seville", "Valencia", "Marseille", "Toulouse", "Nice", "Moscow",
            "Kyiv", "Istanbul", "Ankara", "Cairo", "Lagos", "Nairobi", "Johannesburg", "Cape Town", "Tokyo", "Osaka",
            "Seoul", "Beijing", "Shanghai", "Hong Kong", "Singapore", "Bangkok", "Jakarta", "Manila", "Delhi", "New Delhi",
            "Mumbai", "Bangalore", "Chennai", "Kolkata", "Karachi", "Dubai", "Riyadh", "Tehran", "Sydney", "Melbourne",
            "Auckland", "Toronto", "Montreal", "Vancouver", "Ottawa", "New York", "Los Angeles", "Chicago", "Houston",
            "San Francisco", "Seattle", "Boston", "Washington", "Miami", "Mexico City", "Bogota", "Lima", "Santiago",
            "Buenos Aires", "Sao Paulo", "São Paulo", "Rio de Janeiro", "Montevideo", "Caracas", "Havana"));
    /** The text before the first space of every place of two or more words. */
    private static final Set<String> PLACE_FIRST = PLACES.stream().filter(p -> p.indexOf(' ') > 0)
            .map(p -> p.substring(0, p.indexOf(' '))).collect(java.util.stream.Collectors.toUnmodifiableSet());
    private static final Set<String> COMPANY = lower(load("company_suffix.txt"), Set.of("inc", "llc", "ltd", "corp",
            "corporation", "co", "company", "group", "gmbh", "ag", "sa", "sas", "srl", "spa", "plc", "bv", "nv", "oy",
            "ab", "holdings", "partners", "associates", "limited", "incorporated"));
    private static final Set<String> STREET = lower(load("street_suffix.txt"), Set.of("street", "st", "avenue", "ave",
            "road", "rd", "lane", "ln", "drive", "dr", "boulevard", "blvd", "court", "ct", "way", "place", "pl",
            "square", "sq", "terrace", "close", "crescent", "parkway", "highway", "strasse", "straße", "rue", "via",
            "calle", "katu", "gatan", "vej", "laan", "weg", "plaza"));
    private static final Set<String> TITLES = Set.of("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam",
            "dame", "lord", "lady", "herr", "frau", "mme", "mlle", "sr", "sra", "srta", "sig", "sig.ra", "dott", "rev");
    /** The titles that start an upper-case name (see {@code upperCaseTitled}). */
    private static final Set<String> UPPER_CASE_TITLES = Set.of("MR", "MRS", "MS", "MX", "DR", "PROF");
    /** No word longer than this is a title (the length test spares a set lookup for most words). */
    private static final int LONGEST_TITLE = TITLES.stream().mapToInt(String::length).max().orElse(0);
    /** Capitalised words that are also common English words or calendar words: never a name on their own. */
    private static final Set<String> COMMON = Set.of("the", "a", "an", "i", "my", "your", "our", "their", "his", "her",
            "this", "that", "these", "those", "and", "or", "but", "if", "when", "then", "please", "hello", "hi", "dear",
            "thanks", "thank", "yes", "no", "may", "june", "july", "august", "april", "march", "january", "february",
            "september", "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
            "saturday", "sunday", "will", "can", "mark", "bill", "rose", "grace", "hope", "joy", "faith", "summer",
            "winter", "autumn", "spring", "art", "page", "long", "young", "king", "white", "black", "brown", "green",
            "new", "north", "south", "east", "west", "street", "road", "city", "state", "country", "what", "who", "how",
            "why", "where", "which", "is", "are", "was", "were", "be", "do", "does", "did", "to", "of", "in", "on", "at",
            "for", "with", "from", "by", "as", "it", "we", "you", "he", "she", "they", "me", "us", "him", "them", "all",
            "any", "some", "one", "two", "not", "so", "up", "out", "about", "after", "before", "write", "tell", "give",
            "make", "send", "call", "ask", "let", "here", "there", "now", "today", "email", "phone", "address", "name");

    /** Whether the lower-case word {@code w} is a common English or calendar word that is never a name alone. */
    static boolean common(String w) {
        return COMMON.contains(w);
    }

    /** Whether the lower-case word {@code w} is a verb that follows a name in a sentence ("said", "called"). */
    static boolean verb(String w) {
        return VERBS.contains(w);
    }

    /** A word with its lower-case form and capitalisation worked out once (the rules ask for them many times). */
    private record Word(int start, int end, String text, String lower, boolean capitalised) {
        static Word of(int start, int end, String text) {
            boolean cap = Character.isUpperCase(text.charAt(0)) && (text.length() <= 3 || !allCaps(text));
            return new Word(start, end, text, text.toLowerCase(Locale.ROOT), cap);
        }

        /** {@code text.equals(text.toUpperCase(Locale.ROOT))}, without the copy when the text is ASCII. */
        private static boolean allCaps(String text) {
            for (int k = 0; k < text.length(); k++) {
                char c = text.charAt(k);
                if (c >= 128) {
                    return text.equals(text.toUpperCase(Locale.ROOT));
                }
                if (c >= 'a' && c <= 'z') {
                    return false;
                }
            }
            return true;
        }
    }

    private NameRules() {
    }

    /** The candidates of the gazetteer and shape rules. */
    static List<Recognizer.Candidate> find(String text) {
        List<Word> w = words(text);
        List<Recognizer.Candidate> out = new ArrayList<>();
        for (int i = 0; i < w.size(); i++) {
            Word word = w.get(i);
            boolean sentenceStart = i == 0 || endsSentence(text, w.get(i - 1).end(), word.start());
            // a title, then capitalised names
            if (word.text().length() <= LONGEST_TITLE && TITLES.contains(word.lower()) && i + 1 < w.size()
                    && w.get(i + 1).capitalised()) {
                int j = extend(w, i + 1, 3);
                out.add(new Recognizer.Candidate("PERSON", w.get(i + 1).start(), w.get(j).end(), 0.85, "name-title"));
                i = j;
                continue;
            }
            // upper-case typing (nursing notes: "SPOKE WITH DR. HOLLOWAY RE: PLAN"): an upper-case title, then
            // upper-case words of letters on the same line; not after a house number ("55 ELM DR. SPRINGFIELD")
            int caps = upperCaseTitled(text, w, i);
            if (caps > i) {
                out.add(new Recognizer.Candidate("PERSON", w.get(i + 1).start(), w.get(caps).end(), 0.85, "name-title"));
                i = caps;
                continue;
            }
            // lower-case typing ("please correct it to mrs. anna kowalczyk"): a lower-case title, then one to three
            // lower-case name words on the same line, middle initials allowed; not after a house number
            int small = lowerCaseTitled(text, w, i);
            if (small > i) {
                out.add(new Recognizer.Candidate("PERSON", w.get(i + 1).start(), w.get(small).end(), 0.85, "name-title"));
                i = small;
                continue;
            }
            // a cue ("my name is", "User:", "founders:") then capitalised names, comma- or "and"-separated
            if (word.capitalised() && !COMMON.contains(word.lower()) && cue(text, w, i)) {
                int j = extend(w, i, 3);
                out.add(new Recognizer.Candidate("PERSON", word.start(), w.get(j).end(), 0.75, "name-cue"));
                i = j;
                continue;
            }
            // lower-case typing: a known first name right after a naming cue ("my name is anna kowalski"), with up
            // to two lower-case words after it that are no common words
            // upper-case typing the same way ("FOUNDERS: ANNA KOWALSKI"), the name's words all in capitals
            boolean smallCase = Character.isLowerCase(word.text().charAt(0));
            boolean capitals = !smallCase && word.text().length() > 1 && upperLetters(word.text(), 2);
            if (!word.capitalised() && (smallCase || capitals) && FIRST.contains(capitalise(word.lower()))
                    && !COMMON.contains(word.lower()) && cue(text, w, i)) {
                int j = i;
                while (j + 1 < w.size() && j - i < 2 && (smallCase ? Character.isLowerCase(w.get(j + 1).text().charAt(0))
                        : upperLetters(w.get(j + 1).text(), 2))
                        && !COMMON.contains(w.get(j + 1).lower()) && adjacent(text, w.get(j), w.get(j + 1))) {
                    j++;
                }
                out.add(new Recognizer.Candidate("PERSON", word.start(), w.get(j).end(), 0.75, "name-cue"));
                i = j;
                continue;
            }
            if (!word.capitalised() || COMMON.contains(word.lower())) {
                continue;
            }
            // First M. Last: a middle initial between two capitalised words
            if (i + 2 < w.size() && w.get(i + 1).text().length() == 1 && Character.isUpperCase(w.get(i + 1).text().charAt(0))
                    && w.get(i + 2).capitalised() && !COMMON.contains(w.get(i + 2).lower())
                    && initialGap(text.substring(w.get(i).end(), w.get(i + 2).start()))) {
                out.add(new Recognizer.Candidate("PERSON", word.start(), w.get(i + 2).end(), 0.8, "name-initial"));
                i += 2;
                continue;
            }
            // organisation: capitalised words ending in a company suffix
            int org = organisation(w, i);
            if (org > i) {
                out.add(new Recognizer.Candidate("ORGANIZATION", word.start(), w.get(org).end(), 0.75, "organisation"));
                i = org;
                continue;
            }
            // place: the longest run of up to four capitalised words that is a known place
            int place = place(w, i);
            if (place >= i) {
                out.add(new Recognizer.Candidate("LOCATION", word.start(), w.get(place).end(), sentenceStart ? 0.55 : 0.7,
                        "place"));
                i = place;
                continue;
            }
            if (FIRST.contains(word.text())) {
                int j = i;
                boolean knownLast = false;
                while (j + 1 < w.size() && j - i < 3 && w.get(j + 1).capitalised() && !COMMON.contains(w.get(j + 1).lower())
                        && adjacent(text, w.get(j), w.get(j + 1))) {
                    j++;
                    knownLast |= LAST.contains(w.get(j).text());
                }
                double score = j > i ? (knownLast ? 0.85 : 0.6) : (sentenceStart ? 0.45 : 0.5);
                out.add(new Recognizer.Candidate("PERSON", word.start(), w.get(j).end(), score, "name"));
                i = j;
            } else if (LAST.contains(word.text()) && !sentenceStart && i + 1 < w.size() && LAST.contains(w.get(i + 1).text())
                    && adjacent(text, word, w.get(i + 1))) {
                out.add(new Recognizer.Candidate("PERSON", word.start(), w.get(i + 1).end(), 0.45, "name"));
                i++;
            }
        }
        out.addAll(streets(text, w));
        return out;
    }

    private static final List<String> CUES = List.of("my name is", "name is", "i am", "i'm", "called", "named",
            "last name", "first name", "user:", "founders:", "signed", "regards,", "contact:", "patient:", "customer:",
            "attn:", "dear", "thanks,", "from:", "to:", "cc:");
    /** Every cue as written and with a question mark after it. */
    private static final List<String> CUES_ASKED = CUES.stream().flatMap(c -> java.util.stream.Stream.of(c, c + "?"))
            .toList();

    /** Whether a naming cue, or a comma/"and" inside a cued list, sits right before word {@code i}. */
    private static boolean cue(String text, List<Word> w, int i) {
        int start = w.get(i).start();
        String before = text.substring(Math.max(0, start - 24), start).toLowerCase(Locale.ROOT).stripTrailing();
        for (String c : CUES_ASKED) {
            if (before.endsWith(c)) {
                return true;
            }
        }
        return false;
    }

    private static String capitalise(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }

    /**
     * The last word of an upper-case name after an upper-case title at {@code i} ("DR. HOLLOWAY", "MRS. ANNE
     * OAKLEY"), or {@code i} when there is none: the title written in capitals, then one to three words of two or
     * more capital letters on the same line, one space apart, none a common word or a word that is never a name.
     * Right after the title a common word that is also a known last name is taken (DR. KING). Not after a house
     * number ({@link #houseNumberBefore}), where DR is a street's "drive". Only the titles
     * of {@link #UPPER_CASE_TITLES}: SR is also sinus rhythm, LORD and SIR are words of ordinary upper-case text.
     */
    private static int upperCaseTitled(String text, List<Word> w, int i) {
        Word title = w.get(i);
        if (title.text().length() > 4 || !UPPER_CASE_TITLES.contains(title.text()) || i + 1 >= w.size()
                || w.get(i + 1).capitalised()) {
            return i;
        }
        if (houseNumberBefore(text, w, i)) {
            return i;
        }
        int j = i;
        while (j + 1 < w.size() && j - i < 3) {
            Word next = w.get(j + 1);
            String gap = text.substring(w.get(j).end(), next.start());
            boolean afterTitle = j == i && (gap.equals(" ") || gap.equals(". "));
            // right after the title a common word that is also a surname is the surname (DR. KING, DR. WHITE)
            boolean common = COMMON.contains(next.lower()) && !(j == i && LAST.contains(capitalise(next.lower())));
            if (!(afterTitle || j > i && gap.equals(" ")) || !upperName(next.text())
                    || common || SpanRules.notName(next.lower())) {
                break;
            }
            j++;
        }
        return j;
    }

    /**
     * Whether a house number stands right before the word before the title at {@code i} ("55 ELM DR.") or between
     * that word and the title ("ELM 55 DR"): then DR is a street's "drive". A number further back ("MMSE 18/30.
     * REFERRING: DR. THOMAS") is no house number of this street.
     */
    private static boolean houseNumberBefore(String text, List<Word> w, int i) {
        int from = i >= 1 ? w.get(i - 1).end() : 0;
        for (int k = from; k < w.get(i).start(); k++) {
            if (Character.isDigit(text.charAt(k))) {
                return true;
            }
        }
        if (i < 1) {
            return false;
        }
        int k = w.get(i - 1).start() - 1;
        while (k >= 0 && text.charAt(k) == ' ') {
            k--;
        }
        return k >= 0 && k < w.get(i - 1).start() - 1 && Character.isDigit(text.charAt(k));
    }

    /** Two or more capital letters, an apostrophe between two of them allowed (O'BRIEN, D'ANGELO). */
    private static boolean upperName(String word) {
        if (word.length() < 2 || !Character.isUpperCase(word.charAt(0)) || !Character.isUpperCase(word.charAt(word.length() - 1))) {
            return false;
        }
        for (int k = 1; k < word.length() - 1; k++) {
            char c = word.charAt(k);
            if (!Character.isUpperCase(c) && c != '\'') {
                return false;
            }
        }
        return true;
    }

    /** Verbs that follow a name in a sentence ("dr okonkwo said"), beside COMMON's; past forms in -ed are caught too. */
    private static final Set<String> VERBS = Set.of("said", "says", "told", "tells", "asked", "asks", "wrote",
            "writes", "has", "had", "have", "would", "could", "should", "must", "might", "shall", "went", "goes",
            "came", "comes", "gave", "gives", "sent", "sends", "thinks", "thought", "wants", "wanted", "needs",
            "knows", "knew", "saw", "sees", "got", "gets", "took", "takes", "made", "makes", "left", "leaves",
            "replied", "answered", "agreed", "called", "calls", "works", "worked", "lives", "lived", "is", "was");

    /** Common words that are surnames too, taken as one right after a lower-case title ("dr. king"). */
    private static final Set<String> WORD_SURNAMES = Set.of("king", "white", "black", "brown", "green", "young",
            "long", "page", "north", "south", "east", "west", "winter", "spring", "summer", "street");

    /** The titles that start a lower-case name ("ms" only with its full stop: "ms word", "ms teams"). */
    private static final Set<String> LOWER_CASE_TITLES = Set.of("mr", "mrs", "ms", "mx", "dr", "prof");

    /**
     * The last word of a name after a lower-case title at word {@code i} (mr, mrs, ms., mx, dr, prof, a full stop
     * after it or not), or {@code i} when none starts there: one to three lower-case words of letters, each a name
     * word (not a common, calendar or function word, nor a word that is never a name), single-letter middle initials
     * with their full stop between them, all on the title's line. Not after a house number ("55 elm dr springfield").
     */
    private static int lowerCaseTitled(String text, List<Word> w, int i) {
        Word title = w.get(i);
        if (title.text().length() > 4 || !LOWER_CASE_TITLES.contains(title.text()) || i + 1 >= w.size()) {
            return i;
        }
        boolean stop = text.startsWith(". ", title.end());
        if (title.text().equals("ms") && !stop) {
            return i;
        }
        if (houseNumberBefore(text, w, i)) {
            return i; // "55 elm dr springfield"; a number further back ("mmse 18/30. referring: dr. ...") is none
        }
        int j = i;
        int last = i;
        while (j + 1 < w.size() && j - i < 4) {
            Word next = w.get(j + 1);
            String gap = text.substring(w.get(j).end(), next.start());
            boolean afterTitle = j == i && (gap.equals(" ") || stop && gap.equals(". "));
            boolean afterInitial = j > i && w.get(j).text().length() == 1 && (gap.equals(" ") || gap.equals(". "));
            if (!(afterTitle || afterInitial || j > i && gap.equals(" "))) {
                break;
            }
            if (next.text().length() == 1 && j > i && Character.isLowerCase(next.text().charAt(0))) {
                j++; // a middle initial: kept only if a name word follows
                continue;
            }
            // right after the title a common word that is a surname is the surname (dr. king, dr white); not a
            // modal or a month that the gazetteer also lists (the dr. will see you, dr. may call back)
            boolean common = COMMON.contains(next.lower()) && !(j == i && WORD_SURNAMES.contains(next.lower()));
            if (!lowerLetters(next.text(), 2) || common || SpanRules.notName(next.lower())
                    || SpanRules.FUNCTION_WORDS.contains(next.lower())) {
                break;
            }
            if (last > i && (VERBS.contains(next.lower()) || next.lower().endsWith("ed") && !LAST.contains(
                    capitalise(next.lower())) || next.lower().endsWith("ing"))) {
                break; // "dr okonkwo said", "mr. tran answered": a verb after the name ends it
            }
            j++;
            last = j;
        }
        return last;
    }

    /** At least {@code min} characters, letters, apostrophes and inner hyphens, the first a lower-case letter. */
    private static boolean lowerLetters(String word, int min) {
        if (word.length() < min || !Character.isLowerCase(word.charAt(0))) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            char c = word.charAt(k);
            if (!Character.isLowerCase(c) && c != '-' && c != '\'' && c != '\u2019') {
                return false;
            }
        }
        return true;
    }

    /** At least {@code min} characters, every one an upper-case letter. */
    private static boolean upperLetters(String word, int min) {
        if (word.length() < min) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            if (!Character.isUpperCase(word.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    private static int extend(List<Word> w, int from, int max) {
        int j = from;
        while (j + 1 < w.size() && j - from < max - 1 && w.get(j + 1).capitalised() && !COMMON.contains(w.get(j + 1).lower())) {
            j++;
        }
        return j;
    }

    private static int organisation(List<Word> w, int i) {
        for (int j = i + 1; j < w.size() && j <= i + 4; j++) {
            if (COMPANY.contains(w.get(j).lower().replace(".", "")) && j > i) {
                return j;
            }
            if (!w.get(j).capitalised()) {
                return -1;
            }
        }
        return -1;
    }

    private static int place(List<Word> w, int i) {
        // a place of two or more words starts with its first word and a space: skip those joins when none does
        int longest = PLACE_FIRST.contains(w.get(i).text()) ? Math.min(4, w.size() - i) : Math.min(1, w.size() - i);
        // counted up from 0, not len-- down to len >= 1: C2 trapped on that loop's limit and recompiled find
        for (int n = 0; n < longest; n++) {
            int len = longest - n;
            if (PLACES.contains(len == 1 ? w.get(i).text() : joined(w, i, len))) { // one word: no copy to build
                return i + len - 1;
            }
        }
        return -1;
    }

    /** Words i to i + len - 1 joined by single spaces. */
    private static String joined(List<Word> w, int i, int len) {
        StringBuilder b = new StringBuilder(w.get(i).text());
        for (int k = 1; k < len; k++) {
            b.append(' ').append(w.get(i + k).text());
        }
        return b.toString();
    }

    /** A number, one to four capitalised words and a street suffix: the span from the number to the suffix. */
    private static List<Recognizer.Candidate> streets(String text, List<Word> w) {
        List<Recognizer.Candidate> out = new ArrayList<>();
        int capitals = 0; // whether the text has no lower-case letter: 1 yes, -1 no, 0 not yet worked out
        for (int i = 0; i < w.size(); i++) {
            String lw = w.get(i).lower();
            boolean streetWord = STREET.contains(lw) || (w.get(i).capitalised() && (lw.endsWith("katu") || lw.endsWith("gatan")
                    || lw.endsWith("straße") || lw.endsWith("strasse") || lw.endsWith("vej") || lw.endsWith("weg")
                    || lw.endsWith("laan") || lw.endsWith("kuja") || lw.endsWith("tie") || lw.endsWith("gade")));
            if (!streetWord || i == 0) {
                continue;
            }
            int k = STREET.contains(lw) ? i - 1 : i;
            if (capitals == 0) {
                capitals = noLowerCase(text) ? 1 : -1;
            }
            // in text all in capitals the street's name is in capitals too ("2104 PINE WAY")
            boolean caps = capitals > 0;
            while (k > 0 && i - k < 4 && streetName(w.get(k - 1), caps) && adjacent(text, w.get(k - 1), w.get(k))) {
                k--;
            }
            if (k < 0) {
                continue;
            }
            int numberEnd = w.get(k).start() - 1;
            int numberStart = numberEnd;
            while (numberStart > 0 && Character.isDigit(text.charAt(numberStart - 1))) {
                numberStart--;
            }
            if (numberEnd > 0 && text.charAt(numberEnd) == ' ' && numberStart < numberEnd && streetName(w.get(k), caps)) {
                out.add(new Recognizer.Candidate("LOCATION", numberStart, extendAddress(text, w, i), 0.8, "street"));
            }
        }
        return out;
    }

    /** A word of a street's name: capitalised, or, in text all in capitals ({@code caps}), in capitals. */
    private static boolean streetName(Word word, boolean caps) {
        return word.capitalised() || caps && upperLetters(word.text(), 2);
    }

    /** Whether {@code text} holds no lower-case letter. */
    private static boolean noLowerCase(String text) {
        for (int k = 0; k < text.length(); k++) {
            if (Character.isLowerCase(text.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    /** " X " or " X. ": a middle initial between two words. */
    private static boolean initialGap(String gap) {
        return (gap.length() == 3 || (gap.length() == 4 && gap.charAt(2) == '.')) && gap.charAt(0) == ' '
                && Character.isUpperCase(gap.charAt(1)) && gap.charAt(gap.length() - 1) == ' ';
    }

    private static final Set<String> UNIT = Set.of("apt", "suite", "unit", "no", "floor", "fl", "box", "po", "flat");

    /** Extends an address over the unit, city, state and postcode that follow it (same line or the next lines). */
    private static int extendAddress(String text, List<Word> w, int last) {
        int end = w.get(last).end();
        int j = last + 1;
        while (j < w.size() && j - last <= 8) {
            Word next = w.get(j);
            String gap = text.substring(end, next.start());
            boolean gapOk = gap.length() <= 4 && gap.chars().allMatch(c -> " ,\n.#-".indexOf(c) >= 0 || Character.isDigit(c));
            if (!gapOk || !(next.capitalised() || UNIT.contains(next.lower()) || next.text().equals(next.text().toUpperCase(Locale.ROOT)))) {
                break;
            }
            if (gap.contains(".") && !UNIT.contains(w.get(j - 1).lower()) && !UNIT.contains(next.lower())
                    && w.get(j - 1).text().length() > 2) {
                break; // a full stop after a word: the sentence ended
            }
            end = next.end();
            j++;
        }
        int k = end;
        while (k < text.length() && (Character.isDigit(text.charAt(k)) || text.charAt(k) == ' ' || text.charAt(k) == '-')
                && k - end < 12) {
            k++;
        }
        while (k > end && !Character.isDigit(text.charAt(k - 1))) {
            k--;
        }
        return Math.max(end, k);
    }

    private static boolean adjacent(String text, Word a, Word b) {
        String gap = text.substring(a.end(), b.start());
        return gap.equals(" ") || gap.equals("-");
    }

    private static boolean endsSentence(String text, int from, int to) {
        for (int k = from; k < to; k++) {
            char c = text.charAt(k);
            if (c == '.' || c == '!' || c == '?' || c == '\n' || c == ':' || c == '"') {
                return true;
            }
        }
        return false;
    }

    private static List<Word> words(String text) {
        List<Word> out = new ArrayList<>();
        char[] a = text.toCharArray(); // plain array reads: no bounds and coder checks per character
        int i = 0;
        while (i < a.length) {
            if (!Character.isLetter(a[i])) {
                i++;
                continue;
            }
            int s = i;
            while (i < a.length && (Character.isLetter(a[i])
                    || (a[i] == '\'' && i + 1 < a.length && Character.isLetter(a[i + 1])))) {
                i++;
            }
            out.add(Word.of(s, i, text.substring(s, i)));
        }
        return out;
    }

    private static Set<String> load(String name) {
        try (InputStream in = NameRules.class.getResourceAsStream("gazetteer/" + name)) {
            if (in == null) {
                throw new IllegalStateException("gazetteer " + name + " is missing from the build");
            }
            Set<String> out = new HashSet<>();
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().map(String::strip)
                    .filter(s -> !s.isEmpty()).forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> out = new HashSet<>();
        for (Set<String> s : sets) {
            out.addAll(s);
        }
        return out;
    }

    private static Set<String> lower(Set<String> listed, Set<String> extra) {
        Set<String> out = new HashSet<>(extra);
        listed.forEach(s -> out.add(s.toLowerCase(Locale.ROOT).replace(".", "")));
        return out;
    }
}
