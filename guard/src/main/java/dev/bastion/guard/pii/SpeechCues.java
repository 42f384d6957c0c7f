package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * People named as the ones who speak, in narrative and reported speech:
 * <ul>
 * <li>after a quotation or its closing punctuation: "'We will see,' says Brandvik.", "'Go!' said Tovald to Ilse";
 * <li>before a verb of speaking that only a person does, opening a sentence or line: "Mehrudin shouted at Ilse",
 * "Tovald whispered to her".
 * </ul>
 * The speaker is one or two capitalised words of letters (inner hyphens allowed), none a function word, pronoun or
 * word that is never a name; the one spoken to ("at Ilse", "to Ilse"), when a single such word follows, is a
 * person too. Reported as PERSON at {@link #SCORE}, below the name model's spans, which win where they overlap.
 * Immutable and thread-safe.
 */
final class SpeechCues {
    private SpeechCues() {
    }

    static final double SCORE = 0.6;
    static final String RECOGNIZER = "speech-cue";
    /** Verbs of speaking that follow a quotation ("... ," says Brandvik). */
    static final Set<String> SAYS = Set.of("says", "said", "asks", "asked", "replies", "replied", "adds",
            "added", "explains", "explained", "recalls", "recalled", "writes", "wrote");
    /** Verbs of speaking or crying out whose subject is a person ("Mehrudin shouted at ..."). */
    static final Set<String> SHOUTS = Set.of("shouted", "yelled", "screamed", "whispered", "muttered",
            "exclaimed", "shouts", "yells", "screams", "whispers", "mutters", "exclaims", "sighed", "sobbed");
    private static final Set<String> NOT_NAMES = Set.of("i", "we", "you", "he", "she", "they", "it", "someone",
            "somebody", "everyone", "everybody", "nobody", "one", "who", "mom", "mum", "dad", "mother", "father",
            "god", "voice", "crowd", "teacher", "doctor", "nurse", "officer", "police", "man", "woman", "boy", "girl");

    /** The speakers in {@code t}, as PERSON candidates. */
    static List<Recognizer.Candidate> find(Tokens t) {
        List<Recognizer.Candidate> out = new ArrayList<>(0);
        for (int i = 1; i < t.size; i++) {
            String w = t.lower[i];
            if (SAYS.contains(w) && quoteEnds(t, i - 1) && i + 1 < t.size && !t.lineBefore[i + 1] && word(t, i + 1)) {
                int b = i + 1;
                if (b + 1 < t.size && word(t, b + 1) && !t.lineBefore[b + 1]) {
                    b++;
                }
                out.add(new Recognizer.Candidate("PERSON", t.start[i + 1], t.end[b], SCORE, RECOGNIZER));
                addressee(t, b + 1, out);
            } else if (SHOUTS.contains(w) && !t.lineBefore[i] && word(t, i - 1)) {
                int a = i - 1;
                if (a - 1 >= 0 && word(t, a - 1) && !t.lineBefore[a]) {
                    a--;
                }
                if (opens(t, a)) {
                    out.add(new Recognizer.Candidate("PERSON", t.start[a], t.end[i - 1], SCORE, RECOGNIZER));
                    addressee(t, i + 1, out);
                }
            }
        }
        return out;
    }

    /** "to Ilse" or "at Ilse" from token {@code k}: a single name word then punctuation or the end. */
    private static void addressee(Tokens t, int k, List<Recognizer.Candidate> out) {
        if (k + 1 < t.size && (t.lower[k].equals("to") || t.lower[k].equals("at")) && !t.lineBefore[k + 1]
                && word(t, k + 1) && (k + 2 >= t.size || !t.isWord(k + 2) || t.lineBefore[k + 2])) {
            out.add(new Recognizer.Candidate("PERSON", t.start[k + 1], t.end[k + 1], SCORE, RECOGNIZER));
        }
    }

    /** Token {@code k} closes a quotation: a quote mark, or , ! ? right after a word. */
    private static boolean quoteEnds(Tokens t, int k) {
        String p = t.lower[k];
        return p.equals("\"") || p.equals("\u201d") || p.equals("'") || p.equals("\u2019")
                || (p.equals(",") || p.equals("!") || p.equals("?")) && k > 0 && t.isWord(k - 1);
    }

    /** Token {@code a} opens the text, a line or a sentence. */
    private static boolean opens(Tokens t, int a) {
        if (a == 0 || t.lineBefore[a]) {
            return true;
        }
        String p = t.lower[a - 1];
        return p.equals(".") || p.equals("!") || p.equals("?") || p.equals("\"") || p.equals(":");
    }

    private static boolean word(Tokens t, int i) {
        String w = t.lower[i];
        return t.nameWord(i) && !NOT_NAMES.contains(w) && !SAYS.contains(w);
    }
}
