package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The town and country lines under a person's name in a signature, letterhead or contact card with no street:
 *
 * <pre>
 * Brynja Lien
 *
 * KVITNES
 * Norway
 * </pre>
 *
 * A town too small for the gazetteers, written in capitals as postal blocks often write it, is no word the name
 * model knows, and the country under it is one the balanced mode leaves out when a sentence is only about it. Here
 * the layout says what both are: where this person lives or works, personal data about them. Taken: a line that is
 * wholly a country or state ({@link Regions}, one to three words), right under a line of one to four words that
 * are capitalised (or all capitals) words of letters, with at most two lower-case particles between them ("Chiclana
 * de la Frontera"), none a never-a-name, function, job-title or contact-label word, right under a line of at most
 * four capitalised words that holds a PERSON span, or an ORGANIZATION span (a letterhead; the model also takes
 * surnames that are firms' names for firms), blank lines between them allowed. Reported as LOCATION at
 * {@link #SCORE} in both modes: the town with the recogniser {@link #RECOGNIZER} (judged by the recall mode's
 * case tests, as the layout is its evidence), the country as {@link PlaceCues#PERSONAL}. Texts of fewer than three
 * lines are not looked at. Linear in the lines and the candidates found so far. Immutable and thread-safe.
 */
final class PlaceLines {
    private PlaceLines() {
    }

    static final double SCORE = 0.6;
    static final String RECOGNIZER = "place-line";
    private static final Set<String> PARTICLES = Set.of("de", "da", "do", "del", "della", "di", "du", "des", "la",
            "le", "los", "las", "van", "von", "der", "den", "am", "an", "im", "sur", "upon", "on");
    private static final Set<String> LABELS = Set.of("mobile", "phone", "tel", "telephone", "fax", "email",
            "e-mail", "cell", "office", "desk", "web", "website", "address", "personal", "info");

    /** The town and country lines under a name in {@code t}, given the candidates found so far at {@code min}. */
    static List<Recognizer.Candidate> find(Tokens t, List<Recognizer.Candidate> found, double min) {
        List<Recognizer.Candidate> out = new ArrayList<>(0);
        int breaks = 0;
        for (int k = 1; k < t.size && breaks < 2; k++) {
            breaks += t.lineBefore[k] ? 1 : 0;
        }
        if (breaks < 2) {
            return out; // a name, a town and a country need three lines
        }
        List<int[]> lines = SignatureLines.lines(t);
        int[] from = new int[lines.size()];
        for (int n = 0; n < lines.size(); n++) {
            from[n] = t.start[lines.get(n)[0]];
        }
        boolean[] person = new boolean[lines.size()]; // the line holds a PERSON (or firm: a letterhead) span
        for (Recognizer.Candidate c : found) {
            if (c.score() >= min && (c.type().equals("PERSON") || c.type().equals("ORGANIZATION"))) {
                person[SignatureLines.lineAt(from, c.start())] = true;
            }
        }
        for (int n = 2; n < lines.size(); n++) {
            int[] country = lines.get(n);
            int[] town = lines.get(n - 1);
            int[] name = lines.get(n - 2);
            if (country[1] - country[0] > 2 || !Regions.region(t, country[0], country[1]) || !allWords(t, country)
                    || !person[n - 2] || !nameLine(t, name) || !townLine(t, town)) {
                continue;
            }
            out.add(new Recognizer.Candidate("LOCATION", t.start[town[0]], t.end[town[1]], SCORE, RECOGNIZER));
            out.add(new Recognizer.Candidate("LOCATION", t.start[country[0]], t.end[country[1]], SCORE,
                    PlaceCues.PERSONAL));
        }
        return out;
    }

    private static boolean allWords(Tokens t, int[] line) {
        for (int k = line[0]; k < line[1] + 1; k++) { // not k <= b: C2 trapped on that loop limit
            if (!t.isWord(k) || !t.capitalised(k)) {
                return false;
            }
        }
        return true;
    }

    /** At most four capitalised words: a name alone on its line. */
    private static boolean nameLine(Tokens t, int[] line) {
        if (line[1] - line[0] > 4) {
            return false;
        }
        for (int k = line[0]; k < line[1] + 1; k++) { // not k <= b: C2 trapped on that loop limit
            if (t.isWord(k) && !t.capitalised(k)) {
                return false;
            }
        }
        return true;
    }

    /** One to four capitalised words of letters, particles between them, none a word that is never a town's. */
    private static boolean townLine(Tokens t, int[] line) {
        if (line[1] - line[0] > 5 || !t.capitalised(line[0]) || !t.capitalised(line[1])) {
            return false;
        }
        int particles = 0;
        for (int k = line[0]; k < line[1] + 1; k++) { // not k <= b: C2 trapped on that loop limit
            String w = t.lower[k];
            if (PARTICLES.contains(w) && !t.capitalised(k)) {
                particles++;
                continue;
            }
            if (!t.capitalised(k) || !t.nameShaped(k) || SpanRules.notName(w) || SpanRules.FUNCTION_WORDS.contains(w)
                    || SignatureLines.ROLES.contains(w) || LABELS.contains(w)) {
                return false;
            }
        }
        return particles <= 2 && !Regions.region(t, line[0], line[1]);
    }
}
