package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The speakers of a dialogue written as a transcript or a script: "Brynja: Where were you? Michael: At the shop."
 * A name nobody has seen before opens its turn like a known one, so when a text holds two or more turns, each a
 * capitalised word and a colon at the start of a line or a sentence, and one of those words is a known first name
 * (the gazetteers), every such word is a speaker: PERSON at {@link #SCORE} in both modes. Labels of other kinds
 * ("Note:", "Q:", "User:", "Assistant:", "Summary:") are words that are never a name ({@code not-names.txt}) or in
 * {@link #NOT_SPEAKERS}; a text whose labels are all unknown words ("Plan:", "Status:") reports nothing. Immutable
 * and thread-safe.
 */
final class SpeakerLabels {
    private SpeakerLabels() {
    }

    static final double SCORE = 0.6;
    static final String RECOGNIZER = "speaker-label";
    /** Turn labels that are roles or sections, not people. */
    static final Set<String> NOT_SPEAKERS = Set.of("user", "assistant", "system", "bot", "ai", "human", "agent",
            "customer", "client", "host", "guest", "interviewer", "interviewee", "narrator", "speaker", "moderator",
            "q", "a", "question", "answer", "note", "notes", "tip", "hint", "summary", "example", "input", "output",
            "subject", "date", "time", "where", "when", "what", "who", "why", "how", "status", "plan", "step",
            "warning", "important", "update", "edit", "source", "title", "name", "address", "phone", "email");

    /** The speaker labels in {@code t}, as PERSON candidates, or none when the text is no dialogue of people. */
    static List<Recognizer.Candidate> find(Tokens t) {
        List<Integer> labels = new ArrayList<>(0);
        boolean known = false;
        for (int i = 0; i + 1 < t.size; i++) {
            if (t.lower[i + 1].equals(":") && t.start[i + 1] == t.end[i] && opensTurn(t, i) && t.capitalised(i)
                    && t.nameShaped(i) && !NOT_SPEAKERS.contains(t.lower[i]) && !SpanRules.notName(t.lower[i])) {
                labels.add(i);
                known |= (Gazetteers.get().flags(t.lower[i]) & Gazetteers.FIRST) != 0;
            }
        }
        if (labels.size() < 2 || !known) {
            return List.of();
        }
        List<Recognizer.Candidate> out = new ArrayList<>(labels.size());
        for (int i : labels) {
            out.add(new Recognizer.Candidate("PERSON", t.start[i], t.end[i], SCORE, RECOGNIZER));
        }
        return out;
    }

    /** Token {@code i} starts the text, a line, or a sentence (after . ! ? or a closing quote after one). */
    private static boolean opensTurn(Tokens t, int i) {
        if (i == 0 || t.lineBefore[i]) {
            return true;
        }
        String p = t.lower[i - 1];
        if (p.equals("\"") || p.equals("\u201d")) {
            return i >= 2 && endsSentence(t.lower[i - 2]);
        }
        return endsSentence(p);
    }

    private static boolean endsSentence(String w) {
        return w.equals(".") || w.equals("!") || w.equals("?");
    }
}
