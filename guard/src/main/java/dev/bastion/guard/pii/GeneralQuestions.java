package dev.bastion.guard.pii;

import java.util.Set;

/**
 * A general question about a named subject: a text that is one short question ("When was Angela Merkel born?",
 * "What if Isaac Newton had studied biology?", "How does Hans Gruber take the hostages in Die Hard?") whose only
 * candidate identifiers are names of people, places, organisations or groups. Immutable and thread-safe.
 *
 * <p>The rule, for {@link PiiMode#BALANCED} only: in such a text the names are not reported. Such a question asks
 * the model about the person or thing it names, so the model needs the name to answer (a pseudonym in its place
 * turns "When was Angela Merkel born?" into a question nobody can answer), and the text adds no personal fact to
 * the name: it holds no other identifier (no e-mail, phone, address, date, number) and no first- or second-person
 * word (me, my, we, our, you, your) that would tie the named person to the user's own circle ("Why is my
 * neighbour Tom so rude?", "Have you met Anna?", "Who's coming to Oslo with me?"). The scanner cannot tell a
 * widely known person from a private one without a knowledge base, which Bastion does not ship; this rule is about
 * the form of the text, not about who is named, and it costs a private name asked about in the same bare form
 * ("Why did Tom Jensen resign?"), which then reaches the model. {@link PiiMode#RECALL} (de-identification) reports
 * every name as before.
 */
final class GeneralQuestions {
    private GeneralQuestions() {
    }

    /** At most this many words: a question, not a document that ends with one. */
    static final int MAX_WORDS = 25;

    /** The words a question opens with: a question word or an auxiliary verb. */
    private static final Set<String> OPENERS = Set.of("what", "what's", "who", "who's", "whom", "whose", "when",
            "where", "where's", "why", "how", "which", "did", "does", "do", "is", "was", "were", "are", "has", "had",
            "can", "could", "would", "will", "should");

    /** First-person (other than the bare "I" of "How can I find ...") and second-person words. */
    private static final Set<String> PERSONAL = Set.of("me", "my", "mine", "myself", "we", "us", "our", "ours",
            "ourselves", "you", "your", "yours", "yourself", "yourselves", "we're", "you're", "i'm", "i've");

    /** The entity types this rule applies to: names that a general-knowledge question is about. */
    static final Set<String> NAME_TYPES = Set.of("PERSON", "LOCATION", "ORGANIZATION", "NRP", "TITLE");

    /**
     * Whether {@code t} is one question of at most {@link #MAX_WORDS} words on one line: it opens with a question
     * word or an auxiliary, ends with a question mark, holds no other sentence end and no first- or second-person
     * word (see the class comment).
     */
    static boolean matches(Tokens t) {
        int first = 0;
        while (first < t.size && !t.isWord(first)) {
            first++;
        }
        int last = t.size - 1;
        if (first >= t.size || last <= first || !t.lower[last].equals("?") || !OPENERS.contains(t.lower[first])) {
            return false;
        }
        int words = 0;
        for (int k = first; k <= last; k++) {
            if (k > first && t.lineBefore[k]) {
                return false;
            }
            String w = t.lower[k];
            if (t.isWord(k)) {
                if (++words > MAX_WORDS || PERSONAL.contains(w.replace('\u2019', '\''))) {
                    return false;
                }
            } else if (k < last && sentenceEnd(t, k)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether token {@code k} ends a sentence: a question or exclamation mark, or a full stop followed by a
     * capitalised word that does not close a short abbreviation (Jr., Dr., St.).
     */
    private static boolean sentenceEnd(Tokens t, int k) {
        String w = t.lower[k];
        if (w.equals("?") || w.equals("!")) {
            return true;
        }
        if (!w.equals(".") || k + 1 >= t.size || !t.capitalised(k + 1)) {
            return false;
        }
        boolean abbreviation = k > 0 && t.isWord(k - 1) && t.end[k - 1] == t.start[k]
                && t.end[k - 1] - t.start[k - 1] <= 3;
        return !abbreviation;
    }
}
