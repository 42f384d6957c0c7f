package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A person's name found once in a text is the same name where it comes again in that text: "directed by Joakim
 * Westgård and starring Westgård", "Hanne Brandt signed. Brandt's lawyer ...", "Michal was a huge Michal Horký
 * fan". The model decides each place from its neighbours and misses a repeat whose neighbours say little; this
 * rule takes the words of every PERSON span the model kept (capitalised, three letters or more, not a word that is
 * never a name) and reports their other occurrences in the same text, written the same way and not covered by any
 * other span or pattern match, as PERSON with the score of the span they repeat. De-identification needs every
 * occurrence (one left over names the person), and pseudonymisation needs them all replaced alike. Immutable and
 * thread-safe.
 */
final class NameRepeats {
    private NameRepeats() {
    }

    /** {@code names} with the repeats of its PERSON spans scoring at least {@code threshold} added. */
    static List<Recognizer.Candidate> apply(Tokens t, List<Recognizer.Candidate> names, boolean[] claimed,
            double threshold) {
        Map<String, List<Written>> words = new HashMap<>(); // lower-case name word, possessive cut -> as written
        boolean[] covered = claimed.clone();
        for (Recognizer.Candidate c : names) {
            java.util.Arrays.fill(covered, c.start(), c.end(), true);
            if (!c.type().equals("PERSON") || c.score() < threshold) {
                continue;
            }
            for (int k = SpanRules.firstToken(t, c.start()); k < t.size && t.start[k] < c.end(); k++) {
                String w = bare(t, k);
                if (nameWord(t, k, w)) {
                    List<Written> forms = words.computeIfAbsent(w.toLowerCase(java.util.Locale.ROOT),
                            x -> new ArrayList<>(1));
                    forms.removeIf(f -> f.text().equals(w) && f.score() < c.score());
                    if (forms.stream().noneMatch(f -> f.text().equals(w))) {
                        forms.add(new Written(w, c.score()));
                    }
                }
            }
        }
        if (words.isEmpty()) {
            return names;
        }
        List<Recognizer.Candidate> out = new ArrayList<>(names);
        for (int i = 0; i < t.size; i++) {
            if (covered[t.start[i]] || !t.capitalised(i) || t.end[i] - t.start[i] < 3) {
                continue;
            }
            Double score = score(t, i, words);
            if (score == null) {
                continue;
            }
            int j = i;
            while (j + 1 < t.size && !t.lineBefore[j + 1] && t.start[j + 1] - t.end[j] == 1 && !possessive(t, j)
                    && !covered[t.start[j + 1]] && t.capitalised(j + 1) && score(t, j + 1, words) != null) {
                j++;
            }
            int end = possessive(t, j) ? t.end[j] - 2 : t.end[j];
            out.add(new Recognizer.Candidate("PERSON", t.start[i], end, score, "name-repeat"));
            i = j;
        }
        return out;
    }

    /**
     * The score of the name word that token {@code k} repeats, or null. {@code words} is keyed by the lower-case
     * word; the token must also be written the same way (Grace, not GRACE).
     */
    private static Double score(Tokens t, int k, Map<String, List<Written>> words) {
        String w = t.lower[k];
        List<Written> forms = words.get(possessive(t, k) ? w.substring(0, w.length() - 2) : w);
        int length = t.end[k] - t.start[k] - (possessive(t, k) ? 2 : 0);
        for (Written f : forms == null ? List.<Written>of() : forms) {
            if (f.text().length() == length && t.text.startsWith(f.text(), t.start[k])) {
                return f.score();
            }
        }
        return null;
    }

    /** A name word as written in the span it comes from, and that span's score. */
    private record Written(String text, double score) {
    }

    /** Whether token {@code k} (its possessive cut, {@code w}) may be a repeated name. */
    private static boolean nameWord(Tokens t, int k, String w) {
        return t.isWord(k) && t.capitalised(k) && w.length() >= 3 && !SpanRules.notName(w.toLowerCase(java.util.Locale.ROOT))
                && (Gazetteers.get().flags(w.toLowerCase(java.util.Locale.ROOT)) & Gazetteers.TITLE) == 0
                && w.chars().allMatch(ch -> Character.isLetter(ch) || ch == '-' || ch == '\'' || ch == '\u2019');
    }

    private static boolean possessive(Tokens t, int k) {
        String w = t.lower[k];
        return w.length() > 2 && (w.endsWith("'s") || w.endsWith("\u2019s"));
    }

    /** Token {@code k} as written, without a possessive 's. */
    private static String bare(Tokens t, int k) {
        String w = t.word(k);
        return possessive(t, k) ? w.substring(0, w.length() - 2) : w;
    }
}
