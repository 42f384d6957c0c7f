package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The organisation line of a signature or letterhead block: a person's name on a line of its own, optionally a
 * job-title line, then a line of one to three capitalised words, then the address or a contact line:
 *
 * <pre>
 * Brynja Lien
 * Tarnvik
 * 14 Skolegata, 4010 Hamar
 * Mobile: +47 ...
 * </pre>
 *
 * The firm in such a block is often an invented one-word name the name model cannot tell from a surname or a town;
 * the layout says what it is, as e-mail signatures, letters and contact cards write it. Taken: a line whose words
 * are all capitalised words of letters (up to three; a leading quote marker {@code >} aside), none a job-title
 * word, never-a-name word or function word, when the line above is wholly a PERSON span (or a job-title line right
 * under one) and the line below holds a STREET_ADDRESS, PHONE_NUMBER or EMAIL_ADDRESS span or starts with a
 * contact label. Texts of fewer than three lines are not looked at. Reported as ORGANIZATION at {@link #SCORE} in
 * both modes, under the model's spans, which win where they overlap. Linear in the lines, times the candidates
 * found so far. Immutable and thread-safe.
 */
final class SignatureLines {
    private SignatureLines() {
    }

    static final double SCORE = 0.6;
    static final String RECOGNIZER = "signature-line";
    /** Words of a job-title line ("Sales Manager", "Senior Nurse"): such a line is the person's role, not a firm. */
    static final Set<String> ROLES = Set.of("manager", "director", "engineer", "officer", "assistant", "specialist",
            "consultant", "nurse", "analyst", "developer", "designer", "coordinator", "president", "ceo", "cto",
            "cfo", "coo", "founder", "owner", "partner", "head", "lead", "chief", "administrator", "associate",
            "representative", "executive", "secretary", "accountant", "attorney", "lawyer", "teacher", "professor",
            "doctor", "physician", "therapist", "technician", "supervisor", "intern", "clerk", "agent", "editor",
            "writer", "producer", "architect", "scientist", "researcher", "student", "volunteer", "chair");
    private static final Set<String> CONTACT_LABELS = Set.of("mobile", "phone", "tel", "telephone", "fax", "email",
            "e-mail", "cell", "office", "desk", "web", "website", "address");
    private static final Set<String> BELOW = Set.of("STREET_ADDRESS", "PHONE_NUMBER", "EMAIL_ADDRESS");

    /** The organisation lines of signature blocks in {@code t}, given the candidates found so far at {@code min}. */
    static List<Recognizer.Candidate> find(Tokens t, List<Recognizer.Candidate> found, double min) {
        List<Recognizer.Candidate> out = new ArrayList<>(0);
        int breaks = 0;
        for (int k = 1; k < t.size && breaks < 2; k++) {
            breaks += t.lineBefore[k] ? 1 : 0;
        }
        if (breaks < 2) {
            return out; // a block needs three lines
        }
        List<int[]> lines = lines(t);
        for (int n = 1; n + 1 < lines.size(); n++) {
            int[] line = lines.get(n);
            if (!firmLine(t, line) || !contactBelow(t, lines.get(n + 1), found, min)) {
                continue;
            }
            boolean personAbove = personLine(t, lines.get(n - 1), found, min)
                    || n >= 2 && roleLine(t, lines.get(n - 1)) && personLine(t, lines.get(n - 2), found, min);
            if (personAbove) {
                out.add(new Recognizer.Candidate("ORGANIZATION", t.start[line[0]], t.end[line[1]], SCORE,
                        RECOGNIZER));
            }
        }
        return out;
    }

    /** {first, last} token of each line, a leading {@code >} quote marker left out; lines without words skipped. */
    private static List<int[]> lines(Tokens t) {
        List<int[]> out = new ArrayList<>();
        int k = 0;
        while (k < t.size) {
            int end = k;
            while (end + 1 < t.size && !t.lineBefore[end + 1]) {
                end++;
            }
            int first = k;
            while (first <= end && t.lower[first].equals(">")) {
                first++;
            }
            if (first <= end) {
                out.add(new int[] {first, end});
            }
            k = end + 1;
        }
        return out;
    }

    private static boolean firmLine(Tokens t, int[] line) {
        if (line[1] - line[0] > 2) {
            return false;
        }
        for (int k = line[0]; k < line[1] + 1; k++) { // not k <= b: C2 trapped on that loop limit
            String w = t.lower[k];
            if (!t.capitalised(k) || !t.nameShaped(k) || ROLES.contains(w) || SpanRules.notName(w)
                    || SpanRules.FUNCTION_WORDS.contains(w) || CONTACT_LABELS.contains(w)) {
                return false;
            }
        }
        return true;
    }

    private static boolean roleLine(Tokens t, int[] line) {
        if (line[1] - line[0] > 4) {
            return false;
        }
        for (int k = line[0]; k < line[1] + 1; k++) { // not k <= b: C2 trapped on that loop limit
            if (ROLES.contains(t.lower[k])) {
                return true;
            }
        }
        return false;
    }

    /** The line is exactly one PERSON span kept at {@code min}. */
    private static boolean personLine(Tokens t, int[] line, List<Recognizer.Candidate> found, double min) {
        for (Recognizer.Candidate c : found) {
            if (c.type().equals("PERSON") && c.score() >= min && c.start() <= t.start[line[0]]
                    && c.end() >= t.end[line[1]]) {
                return true;
            }
        }
        return false;
    }

    /** The line holds an address, a phone number or an e-mail address, or starts with a contact label. */
    private static boolean contactBelow(Tokens t, int[] line, List<Recognizer.Candidate> found, double min) {
        if (CONTACT_LABELS.contains(t.lower[line[0]])) {
            return true;
        }
        for (Recognizer.Candidate c : found) {
            if (BELOW.contains(c.type()) && c.score() >= min && c.end() > t.start[line[0]]
                    && c.start() < t.end[line[1]]) {
                return true;
            }
        }
        return false;
    }
}
