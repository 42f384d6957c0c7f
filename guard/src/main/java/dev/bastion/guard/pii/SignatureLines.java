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
 * both modes, under the model's spans, which win where they overlap. Linear in the lines and the candidates
 * found so far, each placed on its line by a binary search. Immutable and thread-safe.
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
        int[] from = new int[lines.size()]; // the first character of each line
        for (int n = 0; n < lines.size(); n++) {
            from[n] = t.start[lines.get(n)[0]];
        }
        boolean[] person = new boolean[lines.size()]; // the line is wholly a PERSON span
        boolean[] contact = new boolean[lines.size()]; // the line holds an address, phone or e-mail span
        for (Recognizer.Candidate c : found) {
            boolean isPerson = c.type().equals("PERSON");
            if (c.score() < min || !isPerson && !BELOW.contains(c.type())) {
                continue;
            }
            int n = lineAt(from, c.start());
            if (isPerson) {
                int[] line = lines.get(n);
                person[n] |= c.start() <= t.start[line[0]] && c.end() >= t.end[line[1]];
                continue;
            }
            for (int m = n; m < lines.size() && from[m] < c.end(); m++) {
                contact[m] |= c.end() > from[m];
            }
        }
        for (int n = 1; n + 1 < lines.size(); n++) {
            int[] line = lines.get(n);
            int[] below = lines.get(n + 1);
            if (!firmLine(t, line) || !(contact[n + 1] || CONTACT_LABELS.contains(t.lower[below[0]]))) {
                continue;
            }
            if (person[n - 1] || n >= 2 && roleLine(t, lines.get(n - 1)) && person[n - 2]) {
                out.add(new Recognizer.Candidate("ORGANIZATION", t.start[line[0]], t.end[line[1]], SCORE,
                        RECOGNIZER));
            }
        }
        return out;
    }

    /** The index of the line holding character {@code at}: the last line starting at or before it (0 if none). */
    static int lineAt(int[] from, int at) {
        int lo = 0;
        int hi = from.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (from[mid] <= at) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** {first, last} token of each line, a leading {@code >} quote marker left out; lines without words skipped. */
    static List<int[]> lines(Tokens t) {
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
}
