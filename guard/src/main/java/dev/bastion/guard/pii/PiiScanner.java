package dev.bastion.guard.pii;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import dev.bastion.guard.Finding;
import dev.bastion.guard.Scanner;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Personal data with a recognisable shape: e-mail addresses, phone numbers of the common regions (libphonenumber,
 * valid numbers only), payment cards (Luhn and issuer), IBANs (mod 97 and country length), US SSNs, UK NINOs,
 * Spanish DNI/NIE, Italian fiscal codes, French NIRs, German tax ids, Indian Aadhaar and PAN, Canadian SINs, IP and
 * MAC addresses, URLs, crypto wallet addresses, dates and ages. Entity types use Presidio's names. Context words
 * before a match raise its score; overlapping candidates keep the stronger; per-type thresholds, an allow list
 * (values never reported) and a deny list (values always reported) apply last. People, places, street
 * addresses, organisations, titles, NRP and postcodes come from the trained {@link NameRecognizer}, with the
 * first version's gazetteer rules ({@link NameRules}) below it; the model never takes characters a pattern match
 * owns. Patterns run only where a cheap prefilter ({@link Windows}) says they can match. Thread-safe.
 */
public final class PiiScanner implements Scanner {
    public static final String ID = "pii";
    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
    private static final List<String> PHONE_REGIONS = List.of("US", "GB", "DE", "FR", "ES", "IT", "IN", "CA", "AU",
            "NL", "CH", "IE", "BE", "AT", "BR", "IL");

    /**
     * Phone numbers scoring below this (no cue word) do not keep the model off their characters: inside a street
     * address the model found they are its house and postcode digits and are dropped; elsewhere they stand and
     * the model's spans over them go.
     */
    private static final double CLAIM = 0.7;

    /**
     * The score of the first version's gazetteer-rule names: weak candidates, under the {@link PiiMode#BALANCED}
     * threshold and over the {@link PiiMode#RECALL} one.
     */
    static final double RULES = 0.35;

    /**
     * The rules whose shape alone makes a name (a courtesy title then capitalised words, "Mr. Pálffy"; a middle
     * initial between two capitalised words, "Hanne I. Kreutzmann") score above the model's 0.85, in every mode:
     * the model split such names or typed them as TITLE.
     */
    private static final Set<String> STRONG_RULES = Set.of("name-title", "name-initial");
    private static final double STRONG = 0.9;

    private final List<Recognizer> recognizers;
    /** The cue words of {@link Recognizers#ALL}, looked for in one pass per text. */
    private static final CueIndex CUES = new CueIndex(Recognizers.ALL);
    private final Map<String, Double> thresholds;
    private final double defaultThreshold;
    private final Set<String> allow;
    private final Set<String> deny;
    private final PiiMode mode;
    /** The contextual stage over MiniLM token vectors, or null when it is off (the default). */
    private final ContextStage context;

    /** A {@link PiiMode#BALANCED} scanner with these thresholds and lists. */
    public PiiScanner(Map<String, Double> thresholds, double defaultThreshold, Set<String> allow, Set<String> deny) {
        this(PiiMode.BALANCED, thresholds, defaultThreshold, allow, deny);
    }

    /**
     * A scanner in {@code mode} with per-type {@code thresholds} (others use {@code defaultThreshold}), values never
     * reported ({@code allow}) and values always reported ({@code deny}), compared case-insensitively.
     */
    public PiiScanner(PiiMode mode, Map<String, Double> thresholds, double defaultThreshold, Set<String> allow,
            Set<String> deny) {
        this(mode, Map.copyOf(thresholds), defaultThreshold, lower(allow), lower(deny), null);
    }

    private PiiScanner(PiiMode mode, Map<String, Double> thresholds, double defaultThreshold, Set<String> allow,
            Set<String> deny, ContextStage context) {
        this.mode = java.util.Objects.requireNonNull(mode, "mode");
        this.recognizers = Recognizers.ALL;
        this.thresholds = thresholds;
        this.defaultThreshold = defaultThreshold;
        this.allow = allow;
        this.deny = deny;
        this.context = context;
    }

    /**
     * This scanner with the contextual stage ({@link ContextStage}) after the name model: people, places,
     * organisations and street addresses are then decided as the stage's {@link ContextStage.Combine} says.
     */
    public PiiScanner withContext(ContextStage stage) {
        return new PiiScanner(mode, thresholds, defaultThreshold, allow, deny,
                java.util.Objects.requireNonNull(stage, "stage"));
    }

    /** Whether the contextual stage runs. */
    public boolean contextual() {
        return context != null;
    }

    /** The default scanner: {@link PiiMode#BALANCED}. */
    public static PiiScanner defaults() {
        return defaults(PiiMode.BALANCED);
    }

    /** The default scanner of {@code mode}: that mode's threshold for every type, no allow or deny list. */
    public static PiiScanner defaults(PiiMode mode) {
        return new PiiScanner(mode, Map.of(), mode.threshold(), Set.of(), Set.of());
    }

    /** The mode this scanner was made for. */
    public PiiMode mode() {
        return mode;
    }

    @Override
    public String id() {
        return ID;
    }

    /** The entity types this scanner can report. */
    public static List<String> types() {
        List<String> t = new ArrayList<>(Recognizers.ALL.stream().map(Recognizer::type).distinct().toList());
        if (!t.contains("PHONE_NUMBER")) { // the clinical rules report fax and pager numbers as phones too
            t.add("PHONE_NUMBER");
        }
        for (String type : NameModel.TYPES) {
            if (!t.contains(type)) {
                t.add(type);
            }
        }
        return t;
    }

    /**
     * The findings of every segment. A public figure's name that the balanced mode leaves out in one segment
     * ({@link PublicFigures}) is reported after all when another segment of the same request reports it (or its
     * last word): a pseudonym there and the real name here would tell the model which is which.
     */
    @Override
    public List<Finding> scan(List<String> segments) {
        List<List<Recognizer.Candidate>> kept = new ArrayList<>(segments.size());
        List<List<Recognizer.Candidate>> exempt = new ArrayList<>(segments.size());
        Set<String> reported = new java.util.HashSet<>(); // names reported anywhere, and their last words
        for (String segment : segments) {
            List<Recognizer.Candidate> k = resolve(segment);
            List<Recognizer.Candidate> e = PublicFigures.exempt(segment, k, mode);
            kept.add(k);
            exempt.add(e);
            for (Recognizer.Candidate c : k) {
                if ((c.type().equals("PERSON") || c.type().equals("ORGANIZATION")) && !e.contains(c)) {
                    String name = PublicFigures.normalised(segment.substring(c.start(), c.end()));
                    reported.add(name);
                    reported.add(name.substring(name.lastIndexOf(' ') + 1));
                }
            }
        }
        List<Finding> out = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            String segment = segments.get(i);
            for (Recognizer.Candidate c : kept.get(i)) {
                if (exempt.get(i).contains(c)) {
                    String name = PublicFigures.normalised(segment.substring(c.start(), c.end()));
                    if (!reported.contains(name) && !reported.contains(name.substring(name.lastIndexOf(' ') + 1))) {
                        continue;
                    }
                }
                out.add(new Finding(c.type(), i, c.start(), c.end(), c.score(), ID));
            }
        }
        return out;
    }

    /**
     * Lower case char by char, so every index of the copy is the same index of {@code text}: String.toLowerCase
     * can change the length ("İ" becomes "i" plus a combining dot), and windows found on the copy are applied to the
     * original.
     */
    static String lowerSameLength(String text) {
        char[] c = text.toCharArray();
        for (int i = 0; i < c.length; i++) {
            c[i] = Character.toLowerCase(c[i]);
        }
        return new String(c);
    }

    /** The resolved findings of one text, in order of position. */
    public List<Recognizer.Candidate> find(String text) {
        List<Recognizer.Candidate> kept = resolve(text);
        List<Recognizer.Candidate> exempt = PublicFigures.exempt(text, kept, mode);
        if (!exempt.isEmpty()) {
            kept.removeAll(exempt);
        }
        return kept;
    }

    /** The resolved findings of one text, in order of position, before the public-figure rule. */
    private List<Recognizer.Candidate> resolve(String text) {
        String lower = lowerSameLength(text);
        List<Recognizer.Candidate> all = patterns(text, lower);
        Tokens tokens = Tokens.of(text);
        for (int k = 0; k < all.size(); k++) {
            Recognizer.Candidate c = all.get(k);
            if (c.recognizer().equals("year") && houseNumber(tokens, c)) {
                // "FROM 2095 CEDAR ROAD": the number of a house, which the address below takes, not a year
                all.set(k, new Recognizer.Candidate(c.type(), c.start(), c.end(), 0, c.recognizer()));
            }
        }
        boolean[] claimed = new boolean[text.length()];
        boolean[] postcodes = null; // the characters of postcode matches, which an address may hold
        for (Recognizer.Candidate c : all) {
            // a pattern match is never part of a name, except a phone with no cue, which an address may hold
            double min = thresholds.getOrDefault(c.type(), defaultThreshold);
            if (c.score() >= (c.type().equals("PHONE_NUMBER") ? Math.max(CLAIM, min) : min)) {
                java.util.Arrays.fill(claimed, c.start(), c.end(), true);
                if (c.type().equals("ZIP_CODE")) {
                    postcodes = postcodes == null ? new boolean[text.length()] : postcodes;
                    java.util.Arrays.fill(postcodes, c.start(), c.end(), true);
                }
            }
        }
        boolean cased = SpanRules.cased(tokens);
        List<Recognizer.Candidate> names = new ArrayList<>();
        for (Recognizer.Candidate c : NameRecognizer.find(tokens, claimed, cased)) {
            SpanRules.refine(tokens, c, mode, cased, names);
        }
        names = AddressChains.apply(tokens, names, claimed, postcodes, cased);
        names = AddressChains.withPostcodes(tokens, names, all); // "Springfield, IL" then its ZIP "62704"
        if (context != null) {
            names = new ArrayList<>(context.apply(tokens, names, claimed, mode, cased, defaultThreshold));
        }
        names = NameRepeats.apply(tokens, names, claimed, thresholds.getOrDefault("PERSON", defaultThreshold));
        for (int k = 0; k < all.size(); k++) {
            Recognizer.Candidate c = all.get(k);
            if (c.type().equals("PHONE_NUMBER") && c.score() < CLAIM) {
                boolean inAddress = names.stream().anyMatch(n -> n.type().equals("STREET_ADDRESS")
                        && n.start() <= c.start() && n.end() >= c.end() && n.end() - n.start() > c.end() - c.start());
                if (inAddress) {
                    all.set(k, new Recognizer.Candidate(c.type(), c.start(), c.end(), 0, c.recognizer()));
                } else {
                    names.removeIf(n -> n.start() < c.end() && c.start() < n.end());
                }
            }
        }
        all.addAll(names);
        long cues = tokens.cueWords(); // which cue classes below can find anything: the others are skipped
        for (Recognizer.Candidate c : NameRules.find(text)) {
            // the first version's rules fill gaps the model leaves, below it; their places are too noisy to keep
            String type = c.recognizer().equals("street") ? "STREET_ADDRESS" : c.type();
            boolean strong = STRONG_RULES.contains(c.recognizer());
            int end = c.end();
            for (Recognizer.Candidate n : strong ? names : List.<Recognizer.Candidate>of()) {
                if (n.type().equals("STREET_ADDRESS") && n.start() < end && c.start() < n.end()) {
                    end = Math.max(c.start(), Math.min(end, n.start())); // a name stops where an address starts
                }
            }
            String cut = text.substring(c.start(), end).stripTrailing();
            if (!type.equals("LOCATION") && !cut.isEmpty()) {
                SpanRules.refine(tokens, new Recognizer.Candidate(type, c.start(), c.start() + cut.length(),
                        strong ? STRONG : RULES, c.recognizer()), mode, cased, all);
            }
        }
        if ((cues & CueWords.CONTACT) != 0) {
            // "Email John Miller at ...", "Call Anne ..."
            SpanRules.refineAll(tokens, ContactCues.find(tokens), mode, cased, all);
        }
        if ((cues & CueWords.PLACE) != 0) {
            // "flew to Tromsø", "lives in Harburg"
            SpanRules.refineAll(tokens, PlaceCues.find(tokens, cased), mode, cased, all);
        }
        if ((cues & CueWords.VISIT) != 0) {
            // "Estonia was so much fun to visit!"
            SpanRules.refineAll(tokens, VisitCues.find(tokens, cased), mode, cased, all);
        }
        if ((cues & CueWords.ARRIVAL) != 0) {
            // "arrived at Hasle this morning from Tunisia"
            SpanRules.refineAll(tokens, ArrivalCues.find(tokens, cased), mode, cased, all);
        }
        if ((cues & CueWords.NAMING) != 0) {
            // "my name is ...", "people call me ..."
            SpanRules.refineAll(tokens, NamingCues.find(tokens), mode, cased, all);
        }
        if ((cues & CueWords.EMPLOYER) != 0) {
            // "I work for ...", "a year at ..."
            SpanRules.refineAll(tokens, EmployerCues.find(tokens), mode, cased, all);
        }
        if ((cues & CueWords.RELATION) != 0) {
            // "my son Teodor", "her husband Ilkka ..."
            SpanRules.refineAll(tokens, RelationCues.find(tokens), mode, cased, all);
        }
        // "Tuva Kjellsen, Brattvegen 12, Hamar"
        SpanRules.refineAll(tokens, AddressLabels.find(tokens, names, all, cased, defaultThreshold), mode, cased, all);
        if ((cues & CueWords.INTERSECTION) != 0) {
            // "the corner of 35 Elm St and Oak Loop"
            SpanRules.refineAll(tokens, Intersections.find(tokens, cased), mode, cased, all);
        }
        if ((cues & CueWords.RESIDENT) != 0) {
            SpanRules.refineAll(tokens, ResidentCues.find(tokens), mode, cased, all); // "Brynjulv Skaar lives at ..."
        }
        if ((cues & CueWords.SPEECH) != 0) {
            // "'Go!' said Tovald", "Tovald shouted at Ilse"
            SpanRules.refineAll(tokens, SpeechCues.find(tokens), mode, cased, all);
        }
        if ((cues & CueWords.POSSESSIVE) != 0) {
            SpanRules.refineAll(tokens, PossessiveRelations.find(tokens), mode, cased, all); // "I'm Brynja's daughter"
        }
        if ((cues & CueWords.NAME_QUESTION) != 0) {
            // "What's the name on it? User: Brynja Lien"
            SpanRules.refineAll(tokens, NameAnswers.find(tokens), mode, cased, all);
        }
        // "Brynja: Where were you? Michael: ..."
        SpanRules.refineAll(tokens, SpeakerLabels.find(tokens), mode, cased, all);
        boolean singleCase = !cased && SingleCaseCues.applies(tokens);
        if (singleCase) {
            // "FOUND BY NEIGHBOR ROSALIND", "DELPHINE ACKERLY IS A 77-YEAR-OLD": text all in capitals
            SpanRules.refineAll(tokens, SingleCaseCues.find(tokens), mode, cased, all);
        }
        if ((cues & CueWords.COMPANY) != 0) {
            // "Brellin Data Systems", "Tarra Corp."
            SpanRules.refineAll(tokens, CompanyForms.find(tokens, all), mode, cased, all);
            // "Brellin, Tarsk Systems and Ovena": the other items of a list with a firm in it
            SpanRules.refineAll(tokens, FirmLists.find(tokens, cased), mode, cased, all);
        }
        if ((cues & CueWords.ORGANISATION) != 0) {
            // "Norvantis was founded in 2009"
            SpanRules.refineAll(tokens, OrganisationCues.find(tokens), mode, cased, all);
        }
        if (mode == PiiMode.RECALL) {
            // "a Norwegian film" (recall mode only)
            SpanRules.refineAll(tokens, Demonyms.find(tokens), mode, cased, all);
        }
        // "Brynja Lien" / "Tarnvik" / "14 Skolegata, Hamar": the firm line of a signature block
        SpanRules.refineAll(tokens, SignatureLines.find(tokens, all, defaultThreshold), mode, cased, all);
        // "Brynja Lien" / "KVITNES" / "Norway": the town and country lines under a name
        SpanRules.refineAll(tokens, PlaceLines.find(tokens, all, defaultThreshold), mode, cased, all);
        // "Lindqvist, Michael and Okafor"
        double person = thresholds.getOrDefault("PERSON", defaultThreshold);
        SpanRules.refineAll(tokens, NameLists.find(tokens, all, cased, person), mode, cased, all);
        // "Martim A Pereira": two refined parts and the bare initial between them, added whole without refining
        all.addAll(BareInitials.find(tokens, all, cased, person));
        if (singleCase) {
            all.addAll(SingleCaseCues.repeats(tokens, all, person)); // "directed by maciej borkowski and starring borkowski"
        }
        for (String d : deny) {
            for (int at = lower.indexOf(d); at >= 0 && !d.isEmpty(); at = lower.indexOf(d, at + d.length())) {
                all.add(new Recognizer.Candidate("DENY_LIST", at, at + d.length(), 1.0, "deny-list"));
            }
        }
        all.sort(Comparator.comparingDouble(Recognizer.Candidate::score).reversed()
                .thenComparing(c -> -(c.end() - c.start())));
        List<Recognizer.Candidate> kept = new ArrayList<>();
        boolean[] taken = new boolean[text.length()]; // kept plus allow-listed values, which hide overlaps
        for (Recognizer.Candidate c : all) {
            if (c.score() < thresholds.getOrDefault(c.type(), defaultThreshold) || dropped(c)) {
                continue;
            }
            boolean overlaps = false;
            for (int k = c.start(); k < c.end() && !overlaps; k++) {
                overlaps = taken[k];
            }
            if (!overlaps) {
                java.util.Arrays.fill(taken, c.start(), c.end(), true);
                if (allow.isEmpty() || !allow.contains(lower.substring(c.start(), c.end()))) {
                    kept.add(c);
                }
            }
        }
        kept.sort(Comparator.comparingInt(Recognizer.Candidate::start));
        return kept;
    }

    /**
     * The matches of the pattern recognisers and the phone numbers of {@code text}. A method of its own, not a
     * loop inside {@link #resolve}: the loop over some 130 recognisers made the JIT compile all of resolve twice
     * (once on stack replacement for the loop, about as costly as the whole method, then as a method), here only
     * this part.
     */
    private List<Recognizer.Candidate> patterns(String text, String lower) {
        List<Recognizer.Candidate> all = new ArrayList<>();
        boolean[] present = Recognizer.present(text);
        java.util.Map<Object, int[]> windows = new java.util.HashMap<>();
        boolean[] cueHits = CUES.hits(lower);
        for (int k = 0; k < recognizers.size(); k++) {
            if (CUES.mayMatch(k, present, cueHits)) {
                Recognizer r = recognizers.get(k);
                all.addAll(r.find(text, lower, r.windows(text, lower, windows, CUES.windowKey(k))));
            }
        }
        if (hasDigit(present)) {
            int[] clusters = windows.computeIfAbsent(Recognizer.DIGIT, k -> Windows.digitClusters(text));
            phones(text, lower, Windows.withDigits(clusters, 7), all);
        }
        return all;
    }

    /**
     * Whether the number {@code c} is followed, on its line, by one to three words of which the last is a street
     * word ("2095 CEDAR ROAD", "1945 Main Street"): a house number, whatever year it could be.
     */
    static boolean houseNumber(Tokens t, Recognizer.Candidate c) {
        int k = SpanRules.firstToken(t, c.start());
        if (k >= t.size || t.end[k] != c.end()) {
            return false;
        }
        Gazetteers g = Gazetteers.get();
        for (int j = k + 1; j <= k + 3 && j < t.size && !t.lineBefore[j] && t.nameShaped(j)
                && t.start[j] - t.end[j - 1] == 1; j++) {
            String w = t.lower[j];
            if (j > k + 1 && ((g.flags(w) & Gazetteers.STREET) != 0 || SpanRules.ADDRESS_WORDS.contains(w))) {
                return true;
            }
        }
        return false;
    }

    /**
     * What the {@link PiiMode#BALANCED} mode leaves out on purpose: a year alone ("profit in 2021"), which the
     * Safe Harbor method allows and which names no one (a year inside a date stays part of that date); and a
     * TITLE span, a job or courtesy title alone ("the CFO", "Dr."), which is no identifier without the name
     * beside it, and that name is reported as PERSON. Both stay in {@link PiiMode#RECALL}. Dropped before overlaps
     * are resolved, so a name under a title span ("CEO Sarah") can still be reported.
     */
    private boolean dropped(Recognizer.Candidate c) {
        return mode == PiiMode.BALANCED && (c.recognizer().equals("year") || c.type().equals("TITLE"));
    }

    /**
     * Phone-shaped runs: an optional + or (, then digits with spaces, dots, dashes and brackets, 7 to 15 digits, and
     * an optional extension ("x204", "ext. 12"), which libphonenumber reads as such and which is part of the number.
     */
    private static final com.google.re2j.Pattern PHONE_SHAPE =
            com.google.re2j.Pattern.compile("(?:\\+|\\(|\\b)\\d[\\d ().-]{5,22}\\d(?:(?: ?(?:x|ext\\.?) ?)\\d{1,6})?\\b");

    /**
     * Phone numbers: each phone-shaped run is parsed by libphonenumber, first as international, then for each
     * region in turn, and kept if it is a valid number there (cheaper than a full search per region).
     */
    private static void phones(String text, String lower, int[] windows, List<Recognizer.Candidate> out) {
        for (int w = 0; w < windows.length; w += 2) {
            phones(text, lower, windows[w], windows[w + 1], out);
        }
    }

    private static void phones(String text, String lower, int from, int to, List<Recognizer.Candidate> out) {
        com.google.re2j.Matcher m = PHONE_SHAPE.matcher(text.substring(from, to));
        while (m.find()) {
            String candidate = m.group();
            int mStart = m.start() + from;
            int mEnd = m.end() + from;
            String number = candidate.substring(0, extension(candidate)); // parsed without its extension
            long digits = number.chars().filter(Character::isDigit).count();
            if (digits < 7 || digits > 15) {
                continue;
            }
            boolean valid = false;
            for (String region : candidate.startsWith("+") ? List.of("ZZ") : PHONE_REGIONS) {
                try {
                    if (PHONES.isValidNumber(PHONES.parse(number, region))) {
                        valid = true;
                        break;
                    }
                } catch (com.google.i18n.phonenumbers.NumberParseException e) {
                    // not a number in this region
                }
            }
            if (valid) {
                String before = lower.substring(Math.max(0, mStart - 48), mStart);
                boolean cue = before.contains("phone") || before.contains("tel") || before.contains("call")
                        || before.contains("mobile") || before.contains("fax");
                if (!cue && clockRange(candidate)) {
                    continue; // a shift or opening hours, "0700-1900", not a local number
                }
                double score = 0.6 + (cue ? 0.35 : 0);
                out.add(new Recognizer.Candidate("PHONE_NUMBER", mStart, mEnd, Math.min(1, score), "phone"));
            }
        }
    }

    /**
     * Two 24-hour clock times joined by a hyphen or dash, "0700-1900" or "0800 - 1600": eight digits that some
     * regions' numbering plans accept, but in text they are a shift or opening hours.
     */
    static boolean clockRange(String s) {
        int dash = Math.max(s.indexOf('-'), s.indexOf('\u2013'));
        return dash > 0 && clock(s.substring(0, dash).strip()) && clock(s.substring(dash + 1).strip());
    }

    private static boolean clock(String s) {
        if (s.length() != 4 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        int hours = Integer.parseInt(s.substring(0, 2));
        int minutes = Integer.parseInt(s.substring(2));
        return (hours < 24 && minutes < 60) || (hours == 24 && minutes == 0);
    }

    /** Where the extension of a phone-shaped run starts ("x204", " ext. 12"), or its length if it has none. */
    static int extension(String s) {
        int i = s.length();
        while (i > 0 && Character.isDigit(s.charAt(i - 1))) {
            i--;
        }
        if (i > 0 && s.charAt(i - 1) == ' ') {
            i--;
        }
        if (i > 0 && s.charAt(i - 1) == 'x') {
            i--;
        } else if (i >= 4 && s.startsWith("ext.", i - 4)) {
            i -= 4;
        } else if (i >= 3 && s.startsWith("ext", i - 3)) {
            i -= 3;
        } else {
            return s.length();
        }
        return i > 0 && s.charAt(i - 1) == ' ' ? i - 1 : i;
    }

    private static boolean hasDigit(boolean[] present) {
        for (char c = '0'; c <= '9'; c++) {
            if (present[c]) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> lower(Set<String> s) {
        return s.stream().map(v -> v.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }
}
