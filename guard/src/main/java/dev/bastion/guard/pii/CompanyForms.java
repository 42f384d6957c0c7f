package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Firms named with the word that says what they are: "Brellin Data Systems", "Kvarnholt Associates", "Ostvik
 * Software", "Tarra Corporation", "Hallvard Movers". One to three capitalised words on the same line, then a
 * capitalised company-form word (a legal form such as Inc or Ltd, or a trade word such as Systems, Software,
 * Consulting or Agency), are one ORGANIZATION. An invented firm is still a firm, and its name, not the form word,
 * is what identifies it; the form word alone is what tells the reader, and this rule, that it is one.
 *
 * <p>The name model often finds the name and leaves the form word out ("Tarra" of "Tarra Corporation"), or finds
 * nothing. So the span scores {@link #SCORE}, above the model's spans, when every finding it overlaps lies inside
 * it (it then replaces them with the whole name) and {@link #WEAK} otherwise (it then only fills a gap). The words
 * before the form word are never function words, pronouns or words that are never a name, and no column gap
 * (two spaces or a tab) lies between them. In text typed with no capital the form word must be a legal
 * abbreviation ({@link #LEGAL_ABBREVIATIONS}) and the words before it no common words. Immutable and thread-safe.
 */
final class CompanyForms {
    private CompanyForms() {
    }

    static final double SCORE = 0.87;
    static final double WEAK = 0.6;
    static final String RECOGNIZER = "company-form";
    /** Legal forms and trade words that end a firm's name. */
    static final Set<String> FORMS = Set.of("inc", "incorporated", "llc", "llp", "ltd", "limited", "corp",
            "corporation", "gmbh", "plc", "holdings", "associates", "partners", "group", "systems", "software",
            "technologies", "solutions", "consulting", "consultants", "analytics", "insights", "labs", "laboratories",
            "agency", "movers", "enterprises", "industries", "research", "services", "resources", "lines");
    /**
     * The legal forms that end a firm's name in text typed with no capital ("brellin data inc."): abbreviations that
     * follow no ordinary adjective, unlike "corporation" or "group" ("a large corporation", "a support group").
     */
    private static final Set<String> LEGAL_ABBREVIATIONS = Set.of("inc", "llc", "llp", "ltd", "corp", "gmbh", "plc");
    /** Capitalised words that open a sentence or clause without being part of a name. */
    private static final Set<String> NOT_PARTS = Set.of("i", "we", "you", "he", "she", "they", "it", "my", "our",
            "your", "his", "her", "their", "its", "this", "that", "these", "those", "when", "if", "while", "after",
            "before", "since", "during", "new", "all", "some", "any", "each", "every", "no", "not", "yes", "dear",
            "hi", "hello", "thanks", "customer", "human", "social", "financial", "public", "general", "technical",
            "support", "legal", "medical", "professional", "market", "marketing", "emergency", "free", "open");

    /** The firms ending in a company-form word in {@code t}, as ORGANIZATION candidates; {@code found} as scored. */
    static List<Recognizer.Candidate> find(Tokens t, List<Recognizer.Candidate> found) {
        List<Recognizer.Candidate> out = new ArrayList<>(0);
        boolean small = SingleCaseCues.lowerCaseOnly(t);
        for (int j = 1; j < t.size; j++) {
            boolean form = small ? LEGAL_ABBREVIATIONS.contains(t.lower[j]) : t.capitalised(j) && FORMS.contains(t.lower[j]);
            if (!form || t.lineBefore[j] || SpanRules.columnGap(t, j)) {
                continue;
            }
            int a = j;
            while (a - 1 >= 0 && j - a < 3 && part(t, a - 1, small) && !t.lineBefore[a] && !SpanRules.columnGap(t, a)) {
                a--;
            }
            if (small && a < j - 1 && SingleCaseCues.inflected(t.lower[a])) {
                a++; // "she joined tarsk ltd": a verb before the name, which the lower-case walk cannot tell apart
            }
            if (a == j) {
                continue;
            }
            int end = t.end[j];
            if (j + 1 < t.size && t.lower[j + 1].equals(".") && t.start[j + 1] == end && t.end[j] - t.start[j] <= 4) {
                end = t.end[j + 1]; // Inc. Ltd. Corp.
            }
            int start = t.start[a];
            boolean inside = true;
            for (Recognizer.Candidate c : found) {
                if (c.start() < end && start < c.end() && (c.start() < start || c.end() > end)) {
                    inside = false;
                    break;
                }
            }
            out.add(new Recognizer.Candidate("ORGANIZATION", start, end, inside ? SCORE : WEAK, RECOGNIZER));
        }
        return out;
    }

    /**
     * A word of a firm's name before its form word: capitalised, or in text with no capital at all ({@code small})
     * a lower-case word of letters that is no common, function or verb word ({@link SingleCaseCues#uncommon}).
     */
    private static boolean part(Tokens t, int i, boolean small) {
        if (small) {
            String w = t.lower[i];
            return t.startsLowerCase(i) && t.nameShaped(i) && !NOT_PARTS.contains(w) && SingleCaseCues.uncommon(w);
        }
        return t.nameWord(i) && !NOT_PARTS.contains(t.lower[i]);
    }
}
