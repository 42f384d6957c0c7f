package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.List;

/**
 * A full name given as the answer to a question that asks for a name, in a chat or call transcript: "What's the
 * name on the account? User: Brynja Skaarvik", "Can I have your name, please?\nTovald Lien". After a question whose
 * sentence holds the word name (or names), the next turn, past an optional speaker label ("User:"), that is two or
 * three capitalised words of letters and nothing else up to the end of the line or text (a full stop allowed) is
 * PERSON at {@link #SCORE} in both modes. One word is not taken ("What is the name of the river? Tana."), nor words
 * that are never a name. Immutable and thread-safe.
 */
final class NameAnswers {
    private NameAnswers() {
    }

    static final double SCORE = 0.6;
    static final String RECOGNIZER = "name-answer";
    /** How many tokens before the question mark may hold the word name. */
    private static final int QUESTION_REACH = 12;

    /** The names answering a question for a name in {@code t}, as PERSON candidates. */
    static List<Recognizer.Candidate> find(Tokens t) {
        List<Recognizer.Candidate> out = new ArrayList<>(0);
        for (int q = 1; q + 2 < t.size; q++) {
            if (!t.lower[q].equals("?") || !asksName(t, q)) {
                continue;
            }
            int a = q + 1;
            if (a + 1 < t.size && t.capitalised(a) && t.lower[a + 1].equals(":") && t.end[a] == t.start[a + 1]) {
                a += 2; // a speaker label
            }
            int b = a;
            while (b < t.size && b - a < 3 && word(t, b) && (b == a || !t.lineBefore[b])) {
                b++;
            }
            int words = b - a;
            boolean ends = b >= t.size || t.lineBefore[b] || t.lower[b].equals(".") && (b + 1 >= t.size || t.lineBefore[b + 1]);
            if (words >= 2 && words <= 3 && ends) {
                out.add(new Recognizer.Candidate("PERSON", t.start[a], t.end[b - 1], SCORE, RECOGNIZER));
            }
        }
        return out;
    }

    /** Whether the sentence ending at the question mark {@code q} holds the word name or names. */
    private static boolean asksName(Tokens t, int q) {
        for (int k = q - 1; k >= 0 && k >= q - QUESTION_REACH; k--) {
            String w = t.lower[k];
            if (w.equals("name") || w.equals("names")) {
                return true;
            }
            if (w.equals(".") || w.equals("?") || w.equals("!") || t.lineBefore[k + 1] && k + 1 < q) {
                return false;
            }
        }
        return false;
    }

    private static boolean word(Tokens t, int i) {
        return t.nameWord(i);
    }
}
