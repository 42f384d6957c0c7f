package dev.bastion.guard.pii;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The words without which a cue class finds nothing, one bit per class, looked up once per token
 * ({@link Tokens#cueWords()}): {@link PiiScanner} runs a class only when a token of the text is one of its words.
 * Each class's words are its own sets (the contact verbs, the first words of its cue phrases, its company-form
 * words, ...), and each of its findings needs a token that is one of them, so skipping a class whose bit is
 * absent changes no finding; it saves the class's walk over the tokens (most texts name no speaker, firm or
 * relative), and classes that rarely run are not compiled by the JIT at all. Immutable and thread-safe.
 */
final class CueWords {
    private CueWords() {
    }

    static final long CONTACT = 1L;
    static final long PLACE = 1L << 1;
    static final long NAMING = 1L << 2;
    static final long EMPLOYER = 1L << 3;
    static final long RELATION = 1L << 4;
    static final long INTERSECTION = 1L << 5;
    static final long RESIDENT = 1L << 6;
    static final long SPEECH = 1L << 7;
    static final long POSSESSIVE = 1L << 8;
    static final long NAME_QUESTION = 1L << 9;
    static final long COMPANY = 1L << 10;
    static final long ORGANISATION = 1L << 11;
    static final long ARRIVAL = 1L << 12;
    static final long VISIT = 1L << 13;

    private static final Map<String, Long> BITS = bits();

    private static Map<String, Long> bits() {
        Map<String, Long> m = new HashMap<>();
        add(m, CONTACT, ContactCues.VERBS);
        add(m, PLACE, firstWords(PlaceCues.CUES));
        add(m, NAMING, firstWords(NamingCues.CUES));
        add(m, EMPLOYER, firstWords(EmployerCues.CUES));
        add(m, RELATION, RelationCues.RELATIONS); // "my son Teodor": the relation word follows the possessive
        add(m, INTERSECTION, Intersections.CUES);
        add(m, RESIDENT, ResidentCues.VERBS);
        add(m, SPEECH, SpeechCues.SAYS);
        add(m, SPEECH, SpeechCues.SHOUTS);
        add(m, POSSESSIVE, RelationCues.RELATIONS);
        add(m, POSSESSIVE, PossessiveRelations.OWNED);
        add(m, NAME_QUESTION, Set.of("name", "names"));
        add(m, COMPANY, CompanyForms.FORMS);
        add(m, ORGANISATION, OrganisationCues.TRIGGERS);
        add(m, ARRIVAL, ArrivalCues.VERBS);
        add(m, VISIT, VisitCues.WORDS);
        return Map.copyOf(m);
    }

    private static void add(Map<String, Long> m, long bit, Set<String> words) {
        for (String w : words) {
            m.merge(w, bit, (x, y) -> x | y);
        }
    }

    private static Set<String> firstWords(List<String[]> phrases) {
        return phrases.stream().map(p -> p[0]).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** The bits of the classes whose words include the lower-case token {@code lower}, or 0. */
    static long of(String lower) {
        Long b = BITS.get(lower);
        return b == null ? 0 : b;
    }
}
