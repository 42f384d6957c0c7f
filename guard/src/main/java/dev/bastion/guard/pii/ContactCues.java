package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A person named right after a verb of contacting someone that opens a sentence or line: "Email John Miller at
 * ...", "Call Anne Oakley tomorrow", "Please ask Priya Nair to sign". The name model misses some of these after a
 * heading ("## Plan" then "Email John Miller at jmiller@example.org": no name reported in the balanced mode, so the
 * whole name would reach a cloud model on a route that pseudonymises people). Taken: the verb first in its sentence
 * or line (or after "please"), then a capitalised known first name, then up to two more capitalised words of
 * letters on the same line, one space apart, none a common or never-a-name word. Teams and services ("Email
 * Customer Service", "Call IT") start with no first name and are left alone. PERSON at {@link #SCORE} in both
 * modes. Immutable and thread-safe.
 */
final class ContactCues {
    private ContactCues() {
    }

    static final double SCORE = 0.85;
    static final String RECOGNIZER = "contact-cue";

    static final Set<String> VERBS = Set.of("email", "e-mail", "call", "phone", "text", "page", "ask", "tell",
            "remind", "notify", "contact", "message", "ping", "cc", "thank", "invite");

    /** The names after an opening contact verb in {@code t}, as PERSON candidates. */
    static List<Recognizer.Candidate> find(Tokens t) {
        List<Recognizer.Candidate> out = new ArrayList<>(0);
        Gazetteers g = Gazetteers.get();
        for (int i = 0; i + 1 < t.size; i++) {
            if (!VERBS.contains(t.lower[i]) || !opens(t, i)) {
                continue;
            }
            int a = i + 1;
            if (t.lineBefore[a] || !t.capitalised(a) || !t.nameShaped(a)
                    || (g.flags(t.lower[a]) & Gazetteers.FIRST) == 0 || SpanRules.notName(t.lower[a])) {
                continue;
            }
            int b = a;
            while (b + 1 < t.size && b - a < 2 && !t.lineBefore[b + 1] && t.start[b + 1] - t.end[b] == 1
                    && t.capitalised(b + 1) && t.nameShaped(b + 1) && !SpanRules.notName(t.lower[b + 1])
                    && !SpanRules.FUNCTION_WORDS.contains(t.lower[b + 1])) {
                b++;
            }
            out.add(new Recognizer.Candidate("PERSON", t.start[a], t.end[b], SCORE, RECOGNIZER));
            i = b;
        }
        return out;
    }

    /** The verb at {@code i} opens its line or sentence, or follows an opening "please". */
    private static boolean opens(Tokens t, int i) {
        int k = i;
        if (k > 0 && t.lower[k - 1].equals("please") && !t.lineBefore[k]) {
            k--;
        }
        if (k == 0 || t.lineBefore[k]) {
            return true;
        }
        String before = t.lower[k - 1];
        return before.equals(".") || before.equals("!") || before.equals("?") || before.equals(":")
                || before.equals(";") || before.equals("-") || before.equals("*") || before.equals(">");
    }
}
