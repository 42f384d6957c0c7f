package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Postal addresses put together from their parts, after the name model and {@link SpanRules}. The model often
 * finds an address in pieces ("4844 Søndergade 52" STREET_ADDRESS, "Apt" TITLE, "656 Brønderslev Denmark 35018"
 * STREET_ADDRESS) or types its city and country as a person ("Porto Alegre", "Zalakaros Hungary"), so a Presidio
 * consumer gets part of an address, or the wrong type on it. This pass finds anchors, extends each over the parts
 * an address is made of and reports the whole as one STREET_ADDRESS, replacing the spans inside it.
 *
 * <p>Anchors: a street address the model found; a unit with its number ("Apt. 864", "Suite 321", "P.O. Box 287");
 * a street: a house number, up to three name words and a street word ("11 Botley Road", "420 Gairbekov Rapids"),
 * or a street word and a number ("Király u. 15", "ul. Chrzanowska 61"), or a glued street name and a number
 * ("Koskikatu 25", "255 hersnapvej 18"). A unit alone is no address ("Cello Suite 1"): it needs another part.
 *
 * <p>Parts: numbers of up to six characters (house, unit, postcode), units, street words, name words (capitalised
 * in a text that uses capitals, any word but function words in one that does not), and the separators {@code , ( )
 * >} and a full stop after a short word ("Apt.", "u.") or at a line end. On its own line an anchor extends to the
 * line before if that line is a street line (a number and a name word, nothing else) and to up to three lines
 * after made only of parts (a city, "Sweden 99178"). In a text without capitals the same line extends only after
 * a comma. Nothing extends over characters a pattern owns (a card, a phone number after its cue word) or past a
 * word that cannot be a name ({@code not-names.txt}, function words). Runs once over the tokens: linear.
 */
final class AddressChains {
    private AddressChains() {
    }

    /** Street words written before the street's name ("ul. Brattska 61", "Via dei Brattini 17"). */
    private static final Set<String> PREFIX_STREETS = Set.of("ul", "al", "pl", "via", "rua", "rue", "calle", "avda",
            "avenida", "trg", "strada", "viale", "corso", "largo", "camino", "carrera", "travessa", "praça", "chemin",
            "allée", "boulevard", "piazza", "ulica", "utca");
    /** Lower-case particles inside street names ("Via dei Brattini", "Rua do Brattal"). */
    private static final Set<String> PARTICLES = Set.of("de", "da", "do", "dos", "das", "del", "della", "dei",
            "degli", "di", "du", "des", "la", "le", "van", "von", "der", "den", "y", "e");
    /** Street words of the glued kind written as a word of their own ("Brattska Strasse 89"). */
    private static final Set<String> STANDALONE_STREETS = Set.of("strasse", "straße", "gasse", "weg", "vej", "gata",
            "gatan", "veien", "vegen", "laan", "allee", "stræde", "straat", "steeg");
    private static final Set<String> UNITS = Set.of("apt", "suite", "ste", "unit", "flat", "box", "postbox",
            "postfach", "apartado", "psc", "bldg", "floor", "fl", "room", "rm", "p.o", "po");
    /** Labels of the contact lines that follow an address. */
    private static final Set<String> LABELS = Set.of("mobile", "phone", "tel", "telephone", "fax", "email", "e-mail",
            "cell", "office", "desk", "web", "website");
    /** Months and weekdays, which sit between numbers in dates, never in a street's name. */
    private static final Set<String> CALENDAR = Set.of("january", "february", "march", "april", "may", "june", "july",
            "august", "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul",
            "aug", "sep", "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday",
            "saturday", "sunday");
    /** The post office words and area codes of US military mail (FPO AP 96349, APO AE 09012, DPO AA 34025). */
    private static final Set<String> MILITARY_POSTS = Set.of("fpo", "apo", "dpo");
    private static final Set<String> MILITARY_CODES = Set.of("aa", "ae", "ap");
    /** The prefixes of ships in a military address line (USNS Mercy, USS Nimitz, USCGC Healy). */
    private static final Set<String> SHIPS = Set.of("usns", "uss", "uscgc");
    /** Marks that end a sentence after an address's last line ("... LONDON / United Kingdom?"). */
    private static final Set<String> SENTENCE_ENDS = Set.of(".", "?", "!", ";");
    private static final int STOP = 0;
    private static final int SEP = 1;
    private static final int NUMBER = 2;
    private static final int NAME = 3;
    private static final int UNIT = 4;
    private static final int STREET = 5;
    /** At most this many tokens in one chain: an address is short. */
    private static final int MAX_TOKENS = 40;

    /**
     * {@code names} with every address chain found in {@code t} as one STREET_ADDRESS (score 0.85, recogniser
     * {@code address-chain}); spans inside a chain go, spans that overlap it keep their words outside it.
     */
    static List<Recognizer.Candidate> apply(Tokens t, List<Recognizer.Candidate> names, boolean[] claimed,
            boolean cased) {
        return apply(t, names, claimed, null, cased);
    }

    /**
     * As {@link #apply(Tokens, List, boolean[], boolean)}, where the characters of {@code postcodes} (postcode
     * matches, or null for none), though claimed, may be an address's numbers ("Fennimore, IL 62704" on a line of
     * its own under the street).
     */
    static List<Recognizer.Candidate> apply(Tokens t, List<Recognizer.Candidate> names, boolean[] claimed,
            boolean[] postcodes, boolean cased) {
        if (t.size == 0) {
            return names;
        }
        int[] kind = new int[t.size];
        for (int k = 0; k < t.size; k++) {
            kind[k] = classify(t, k, claimed, postcodes, cased);
        }
        if (cased) {
            particlesInPlaceNames(t, kind);
        }
        List<int[]> anchors = anchors(t, kind, names, cased);
        if (anchors.isEmpty()) {
            return names;
        }
        List<int[]> grown = new ArrayList<>();
        for (int[] a : anchors) {
            int[] c = trimEnd(t, kind, extend(t, kind, a[0], a[1], cased));
            boolean alone = a[2] == UNIT && c[0] == a[0] && c[1] == a[1];
            if (!alone && c[1] - c[0] < MAX_TOKENS) {
                grown.add(c);
            }
        }
        grown.sort(java.util.Comparator.comparingInt(c -> c[0]));
        List<int[]> chains = new ArrayList<>();
        for (int[] c : grown) {
            int[] last = chains.isEmpty() ? null : chains.get(chains.size() - 1);
            if (last != null && c[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], c[1]);
            } else {
                chains.add(c);
            }
        }
        if (chains.isEmpty()) {
            return names;
        }
        List<Recognizer.Candidate> out = new ArrayList<>();
        for (Recognizer.Candidate n : names) {
            keepOutside(t, n, chains, out);
        }
        for (int[] c : chains) {
            out.add(new Recognizer.Candidate("STREET_ADDRESS", t.start[c[0]], t.end[c[1]], 0.85, "address-chain"));
        }
        out.sort(java.util.Comparator.comparingInt(Recognizer.Candidate::start));
        return out;
    }

    /**
     * {@code names} with each address chain that a postcode match of {@code patterns} follows (after white space,
     * or a comma and white space) or runs past the end of ("83700-6223") grown over that postcode: "12 Larkspur
     * Street, Fennimore, IL" and "62704" are one US address line, and a postcode alone names no place without the
     * street before it. The postcode stays a candidate of its own and loses to the longer address where they
     * overlap.
     */
    static List<Recognizer.Candidate> withPostcodes(Tokens t, List<Recognizer.Candidate> names,
            List<Recognizer.Candidate> patterns) {
        List<Recognizer.Candidate> out = null;
        for (Recognizer.Candidate z : patterns) {
            if (!z.type().equals("ZIP_CODE")) {
                continue;
            }
            for (int i = 0; i < names.size(); i++) {
                Recognizer.Candidate n = out == null ? names.get(i) : out.get(i);
                boolean after = z.start() >= n.end() && z.start() - n.end() <= 3 && gap(t.text, n.end(), z.start());
                boolean across = z.start() >= n.start() && z.start() < n.end() && z.end() > n.end();
                if (n.recognizer().equals("address-chain") && (after || across)) {
                    if (out == null) {
                        out = new ArrayList<>(names);
                    }
                    out.set(i, new Recognizer.Candidate(n.type(), n.start(), z.end(), n.score(), n.recognizer()));
                }
            }
        }
        return out == null ? names : out;
    }

    /** Only white space, or a comma and white space, between {@code from} and {@code to}. */
    private static boolean gap(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t' && !(c == ',' && i == from)) {
                return false;
            }
        }
        return true;
    }

    /** Anchors in order of their first token: {first, last, kind}. */
    private static List<int[]> anchors(Tokens t, int[] kind, List<Recognizer.Candidate> names, boolean cased) {
        List<int[]> out = new ArrayList<>();
        for (Recognizer.Candidate n : names) {
            if (n.type().equals("STREET_ADDRESS")) {
                int first = tokenAt(t, n.start());
                int last = tokenAt(t, n.end()) - 1;
                if (first <= last) {
                    out.add(new int[] {first, last, STREET});
                }
            }
        }
        for (int k = 0; k < t.size; k++) {
            int military = militaryPost(t, kind, k);
            if (military >= 0) {
                out.add(new int[] {shipBefore(t, kind, k), military, STREET});
                continue;
            }
            if (kind[k] == UNIT) {
                for (int m = k + 1; m < Math.min(t.size, k + 4) && kind[m] != STOP && kind[m] != NAME; m++) {
                    if (kind[m] == NUMBER) {
                        out.add(new int[] {k, m, UNIT});
                        break;
                    }
                }
            } else if (kind[k] == NUMBER || kind[k] == NAME || kind[k] == STREET) {
                int[] street = kind[k] == STREET && PREFIX_STREETS.contains(t.lower[k]) ? prefixStreet(t, kind, k)
                        : street(t, kind, k);
                if (street == null && cased && kind[k] == NUMBER) {
                    street = numberedStreet(t, kind, k);
                }
                if (street != null) {
                    out.add(street);
                }
            }
        }
        out.sort(java.util.Comparator.comparingInt(a -> a[0]));
        return out;
    }

    /**
     * The last token of a US military post line that starts at token {@code k}: FPO, APO or DPO, the AA, AE or AP
     * code, and the five-digit ZIP ("FPO AP 96349", in any case); -1 when none starts there.
     */
    private static int militaryPost(Tokens t, int[] kind, int k) {
        if (k + 2 >= t.size || !MILITARY_POSTS.contains(t.lower[k]) || !MILITARY_CODES.contains(t.lower[k + 1])
                || t.lineBefore[k + 1] || t.lineBefore[k + 2] || kind[k + 2] != NUMBER
                || t.end[k + 2] - t.start[k + 2] != 5) {
            return -1;
        }
        return k + 2;
    }

    /**
     * The first token of the ship before a military post line at {@code k} ("USNS Bergman / FPO AP 93757", "USS
     * Aldenmoor, FPO AE 09521"): USNS, USS or USCGC and one or two name words, on the same line (a comma between
     * allowed) or on the line before; {@code k} when there is none.
     */
    private static int shipBefore(Tokens t, int[] kind, int k) {
        int m = k - 1;
        if (m >= 0 && t.lower[m].equals(",") && !t.lineBefore[k]) {
            m--;
        }
        for (int words = 0; m >= 0 && words < 3; words++, m--) {
            if (SHIPS.contains(t.lower[m])) {
                return words > 0 ? m : k;
            }
            if (!t.isWord(m) || Chars.digit(t.text.charAt(t.start[m])) || t.lineBefore[m]) {
                return k; // the ship and its name are on one line
            }
        }
        return k;
    }

    /** The first token that starts at or after {@code at} ({@code t.size} when none does). */
    private static int tokenAt(Tokens t, int at) {
        int lo = 0;
        int hi = t.size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (t.start[mid] < at) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * A street starting at token {@code k}: [number] name words (up to three) street word [.] [number], with a
     * number at one end and a name word or a glued street name ("Koskikatu") in it; null when there is none.
     */
    private static int[] street(Tokens t, int[] kind, int k) {
        int m = k;
        boolean number = kind[m] == NUMBER;
        if (number) {
            m++;
        }
        int words = 0;
        while (m < t.size && kind[m] == NAME && words < 3) {
            words++;
            m++;
        }
        if (m >= t.size || kind[m] != STREET || !(words > 0 || SpanRules.glued(t.lower[m]))) {
            return null;
        }
        int last = m;
        int next = m + 1 < t.size && t.lower[m + 1].equals(".") ? m + 2 : m + 1;
        if (next < t.size && kind[next] == NUMBER && !t.lineBefore[next]) {
            last = next;
            number = true;
        }
        return number ? new int[] {k, last, STREET} : null;
    }

    /**
     * A street whose street word comes first, then name words and the house number: "ul. Brattska 61", "Via dei
     * Brattini 17", "Rua do Brattal 46", "Avda. Brattisimo 6" (the order of Polish, Italian, Portuguese, Spanish,
     * French and Croatian addresses). Lower-case particles (de, do, dei, la, ...) may sit between the name words;
     * one name word at least. Null when there is none at {@code k}.
     */
    private static int[] prefixStreet(Tokens t, int[] kind, int k) {
        int m = k + 1;
        if (m < t.size && t.lower[m].equals(".") && t.start[m] == t.end[k]) {
            m++;
        }
        int names = 0;
        for (int words = 0; m < t.size && words < 4 && !t.lineBefore[m]
                && (kind[m] == NAME || PARTICLES.contains(t.lower[m])); words++, m++) {
            names += kind[m] == NAME ? 1 : 0;
        }
        if (names == 0 || m >= t.size || kind[m] != NUMBER || t.lineBefore[m]) {
            return null;
        }
        return new int[] {k, m, STREET};
    }

    /**
     * Marks as name words the one or two lower-case particles between two name words of one line ("Mora de
     * Rubielos", "Chiclana de la Frontera", "Villafranca del Cid"): town names of Spain, Italy, Portugal and France
     * hold them, and as function words they would end the chain inside the town. Only in a text that capitalises,
     * where the words either side show the name.
     */
    private static void particlesInPlaceNames(Tokens t, int[] kind) {
        for (int k = 1; k + 1 < t.size; k++) {
            if (kind[k] != STOP || kind[k - 1] != NAME || t.lineBefore[k] || !PARTICLES.contains(t.lower[k])) {
                continue;
            }
            int m = k + 1;
            if (m + 1 < t.size && kind[m] == STOP && PARTICLES.contains(t.lower[m]) && !t.lineBefore[m]) {
                m++;
            }
            if (kind[m] == NAME && !t.lineBefore[m]) {
                for (int i = k; i < m; i++) {
                    kind[i] = NAME;
                }
                k = m;
            }
        }
    }

    /**
     * A street line with a number at both ends and no street word, "30102 Kaevu 94", "641 Dašická 688": a
     * building or postal number of three to six digits, one to three capitalised name words (not all capitals,
     * not a month or weekday), and the house number (one to four digits, a letter after it allowed), on one line,
     * in a text that capitalises. Null when there is none at {@code k}. Not "12 March 2020" (two digits first, a
     * month), nor "BP 120 HR 80" in an upper-case note (no capitals to go by).
     */
    private static int[] numberedStreet(Tokens t, int[] kind, int k) {
        int digits = t.end[k] - t.start[k];
        if (digits < 3 || !Chars.digit(t.text.charAt(t.end[k] - 1))) {
            return null;
        }
        int m = k + 1;
        int names = 0;
        while (m < t.size && names < 3 && kind[m] == NAME && !t.lineBefore[m] && !CALENDAR.contains(t.lower[m])
                && !allCapitals(t, m)) {
            names++;
            m++;
        }
        if (names == 0 || m >= t.size || kind[m] != NUMBER || t.lineBefore[m] || t.end[m] - t.start[m] > 4) {
            return null;
        }
        return new int[] {k, m, STREET};
    }

    private static boolean allCapitals(Tokens t, int k) {
        for (int i = t.start[k]; i < t.end[k]; i++) {
            if (Character.isLowerCase(t.text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** {first, last} of the chain grown from tokens a..b. */
    private static int[] extend(Tokens t, int[] kind, int a, int b, boolean cased) {
        int first = a;
        // the same line to the left: name words and numbers back to a house number
        // counted up from 0, not k-- down to k >= 0: C2 trapped on that loop's limit and recompiled all of apply
        for (int steps = 0, k = a - 1; steps < Math.min(6, a) && !t.lineBefore[k + 1]; steps++, k--) {
            if (kind[k] == STOP || (kind[k] == SEP && !t.lower[k].equals("."))) {
                break;
            }
            if (kind[k] == NUMBER) {
                first = k;
            }
        }
        if (t.lineBefore[first] || first == 0 || (first > 0 && t.lower[first - 1].equals(">"))) {
            first = streetLineBefore(t, kind, first);
        }
        int last = b;
        int lines = 0;
        int k = b + 1;
        boolean afterComma = false;
        while (k < t.size && k - first < MAX_TOKENS) {
            if (t.lineBefore[k]) {
                int end = lineEnd(t, k);
                int body = end; // the line without the sentence's closing mark: "United Kingdom?"
                while (body > k && SENTENCE_ENDS.contains(t.lower[body])) {
                    body--;
                }
                if (lines == 3 || end - k > 7 || !allParts(kind, k, body)) {
                    int tail = countryTail(t, kind, k, cased);
                    last = tail >= 0 ? tail : last; // "LONDON" / "United Kingdom 75419": the country closes it
                    break;
                }
                lines++;
                last = lastPart(kind, k, body, last);
                if (body < end) {
                    break; // the sentence ends with this line
                }
                k = end + 1;
                continue;
            }
            int c = kind[k];
            if (c == STOP || (!cased && c == NAME && !afterComma)) {
                int tail = countryTail(t, kind, k, cased);
                last = tail >= 0 ? tail : last; // "..., Coalville, United Kingdom": the country closes it
                break;
            }
            afterComma |= t.lower[k].equals(",");
            if (c != SEP) {
                last = k;
            }
            k++;
        }
        return new int[] {first, last};
    }

    /**
     * The last token of a country (or state) of one to three words that starts at token {@code k} on one line,
     * with the postcode right after it ("United Kingdom 75419", "Belgium 92060"), or without one when nothing but
     * punctuation or a line break follows ("New Zealand."); -1 otherwise. The last line of an international address is its country,
     * and some countries start with a word that stops a chain elsewhere ("United", "New", "South").
     */
    private static int countryTail(Tokens t, int[] kind, int k, boolean cased) {
        int region = -1;
        for (int m = Math.min(t.size - 1, k + 2); m > k - 1 && region < 0; m--) {
            boolean oneLine = true;
            for (int i = k; i < m + 1 && oneLine; i++) { // not i <= m: C2 trapped on that loop limit
                oneLine = t.isWord(i) && (i == k || !t.lineBefore[i]);
            }
            if (oneLine && Regions.region(t, k, m) && (t.capitalised(k) || !cased)) {
                region = m;
            }
        }
        if (region < 0) {
            return -1;
        }
        if (region + 1 < t.size && !t.lineBefore[region + 1] && kind[region + 1] == NUMBER) {
            return region + 1; // its postcode, whatever the sentence says next
        }
        boolean closes = region + 1 == t.size || t.lineBefore[region + 1] || !t.isWord(region + 1)
                && !t.lower[region + 1].equals("(");
        return closes ? region : -1;
    }

    /**
     * {@code c} without the words at its end that cannot be part of an address (the model's spans may run into
     * "Mobile" or "(Billing contact"), nor an aside it opens and does not close.
     */
    private static int[] trimEnd(Tokens t, int[] kind, int[] c) {
        int last = c[1];
        while (last > c[0] && (kind[last] == STOP || kind[last] == SEP)) {
            last--;
        }
        for (int k = last; k > c[0]; k--) {
            if (t.lower[k].equals(")")) {
                break;
            }
            if (t.lower[k].equals("(")) {
                last = k - 1;
                while (last > c[0] && kind[last] == SEP) {
                    last--;
                }
                break;
            }
        }
        return new int[] {c[0], last};
    }

    /** {@code first}, or the first token of the line before it when that line is a street line. */
    private static int streetLineBefore(Tokens t, int[] kind, int first) {
        int lineStart = first; // every walk here is bounded: a street line is short
        while (lineStart > 0 && !t.lineBefore[lineStart] && first - lineStart < 4) {
            lineStart--;
        }
        if (lineStart == 0 || !t.lineBefore[lineStart]) {
            return first;
        }
        int end = lineStart - 1;
        int begin = end;
        while (begin > 0 && !t.lineBefore[begin] && end - begin < 8) {
            begin--;
        }
        boolean number = false;
        boolean name = false;
        for (int k = begin; k < end + 1; k++) { // not k <= end: C2 trapped on that loop limit
            number |= kind[k] == NUMBER;
            name |= kind[k] == NAME || kind[k] == STREET;
        }
        if (!number || !name || end - begin > 7 || !allParts(kind, begin, end)) {
            return first;
        }
        while (begin < end && kind[begin] == SEP) {
            begin++;
        }
        return begin;
    }

    /** The last token of the line that starts at {@code k}, looking at most nine tokens ahead. */
    private static int lineEnd(Tokens t, int k) {
        int end = k;
        while (end + 1 < t.size && !t.lineBefore[end + 1] && end - k < 8) {
            end++;
        }
        return end;
    }

    private static boolean allParts(int[] kind, int a, int b) {
        for (int k = a; k < b + 1; k++) { // not k <= b: C2 trapped on that loop limit
            if (kind[k] == STOP) {
                return false;
            }
        }
        return true;
    }

    private static int lastPart(int[] kind, int a, int b, int last) {
        for (int k = b; k > a - 1; k--) { // not k >= a: C2 trapped on that loop limit
            if (kind[k] != SEP) {
                return k;
            }
        }
        return last;
    }

    /** What token {@code k} can be in an address. */
    private static int classify(Tokens t, int k, boolean[] claimed, boolean[] postcodes, boolean cased) {
        for (int i = t.start[k]; i < t.end[k]; i++) {
            if (claimed[i] && (postcodes == null || !postcodes[i])) {
                return STOP;
            }
        }
        String w = t.lower[k];
        if (!t.isWord(k)) {
            if (w.equals(",") || w.equals(">") || w.equals("#")) {
                return SEP;
            }
            if (w.equals("(") || w.equals(")")) { // a short aside inside an address: "Cyprus (Greek) 25572"
                boolean open = w.equals("(");
                for (int m = open ? k + 1 : k - 1; m >= 0 && m < t.size && Math.abs(m - k) <= 3; m += open ? 1 : -1) {
                    if (t.lower[m].equals(open ? ")" : "(")) {
                        return SEP;
                    }
                }
                return STOP;
            }
            boolean shortBefore = k > 0 && t.isWord(k - 1) && t.end[k - 1] - t.start[k - 1] <= 3
                    && t.end[k - 1] == t.start[k] && Chars.letter(t.text.charAt(t.start[k - 1]));
            boolean lineEnds = k + 1 == t.size || t.lineBefore[k + 1];
            return w.equals(".") && (shortBefore || lineEnds) ? SEP : STOP;
        }
        if (Chars.digit(t.text.charAt(t.start[k]))) {
            return t.end[k] - t.start[k] <= 6 && digitsThenLetter(t, k) ? NUMBER : STOP;
        }
        if (UNITS.contains(w)) {
            return UNIT;
        }
        if (SpanRules.ADDRESS_WORDS.contains(w) || SpanRules.glued(w) || STANDALONE_STREETS.contains(w)
                || (Gazetteers.get().flags(w) & Gazetteers.STREET) != 0 && t.capitalised(k)) {
            return STREET;
        }
        if (regionCode(t, k)) {
            return NAME; // "Toronto, ON", "Portland, OR": a state or province code, though it spells a word
        }
        if (SpanRules.FUNCTION_WORDS.contains(w) || SpanRules.notName(w) || LABELS.contains(w)) {
            return STOP;
        }
        return !cased || t.capitalised(k) ? NAME : STOP;
    }

    /**
     * Two capital letters right after a comma, then a number, a postcode-shaped word or the end of the line:
     * the state or province of a North American address line ("Toronto, ON M5J", "Portland, OR 97201", "Salem,
     * IN" at a line end). Some of these codes spell function words (ON, OR, IN, ME, OK, HI), which would
     * otherwise stop the chain before the state, its postcode and a country line after it.
     */
    static boolean regionCode(Tokens t, int k) {
        if (k == 0 || t.end[k] - t.start[k] != 2 || !t.lower[k - 1].equals(",")) {
            return false;
        }
        char a = t.text.charAt(t.start[k]);
        char b = t.text.charAt(t.start[k] + 1);
        if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z') {
            return false;
        }
        if (k + 1 == t.size || t.lineBefore[k + 1]) {
            return true;
        }
        char next = t.text.charAt(t.start[k + 1]);
        return Chars.digit(next) || Chars.upper(next) && t.end[k + 1] - t.start[k + 1] == 3
                && Chars.digit(t.text.charAt(t.start[k + 1] + 1));
    }

    /** Digits, then at most one letter ("12", "4B"); or the digit-letter-digit half of a Canadian postcode ("2X2"). */
    private static boolean digitsThenLetter(Tokens t, int k) {
        if (t.end[k] - t.start[k] == 3 && Chars.upper(t.text.charAt(t.start[k] + 1))
                && Chars.digit(t.text.charAt(t.start[k] + 2))) {
            return true; // the first character is a digit: the caller checked
        }
        int letters = 0;
        for (int i = t.start[k]; i < t.end[k]; i++) {
            char c = t.text.charAt(i);
            if (!Chars.digit(c)) {
                letters++;
                if (!Chars.letter(c) || letters > 1 || i != t.end[k] - 1) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Adds {@code n}, or the words of it that lie outside every chain (before and after), to {@code out}. */
    private static void keepOutside(Tokens t, Recognizer.Candidate n, List<int[]> chains, List<Recognizer.Candidate> out) {
        int lo = 0; // chains are sorted and disjoint: the first one ending after n starts is the only candidate
        int hi = chains.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (t.end[chains.get(mid)[1]] <= n.start()) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo < chains.size()) {
            int[] c = chains.get(lo);
            int cs = t.start[c[0]];
            int ce = t.end[c[1]];
            if (n.end() <= cs) {
                out.add(n);
                return;
            }
            if (n.type().equals("STREET_ADDRESS")) {
                return; // what a chain grown from this address left out of it is no address
            }
            if (n.start() < cs) {
                trimmed(t, n, n.start(), cs, out);
            }
            if (n.end() > ce) {
                trimmed(t, n, ce, n.end(), out);
            }
            return;
        }
        out.add(n);
    }

    /** The part of {@code n} in [from, to), trimmed to its words, if it holds a word of two or more characters. */
    private static void trimmed(Tokens t, Recognizer.Candidate n, int from, int to, List<Recognizer.Candidate> out) {
        int s = -1;
        int e = -1;
        for (int k = tokenAt(t, from); k < t.size && t.end[k] <= to; k++) {
            if (t.isWord(k)) {
                s = s < 0 ? t.start[k] : s;
                e = t.end[k];
            }
        }
        if (s >= 0 && e - s >= 2) {
            out.add(new Recognizer.Candidate(n.type(), s, e, n.score(), n.recognizer()));
        }
    }
}
