package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The scanner skips a cue class when no token of the text is one of the class's words: that is only right if the
 * class never finds anything in such a text. Checked on generated texts made of every class's cue words, names,
 * firm words and punctuation, and on texts with the cue words left out.
 */
class CueWordsTest {

    private static final Map<Long, Function<Tokens, List<Recognizer.Candidate>>> CLASSES = new LinkedHashMap<>();

    static {
        CLASSES.put(CueWords.CONTACT, ContactCues::find);
        CLASSES.put(CueWords.PLACE, PlaceCues::find);
        CLASSES.put(CueWords.NAMING, NamingCues::find);
        CLASSES.put(CueWords.EMPLOYER, EmployerCues::find);
        CLASSES.put(CueWords.RELATION, RelationCues::find);
        CLASSES.put(CueWords.INTERSECTION, t -> Intersections.find(t, true));
        CLASSES.put(CueWords.RESIDENT, ResidentCues::find);
        CLASSES.put(CueWords.SPEECH, SpeechCues::find);
        CLASSES.put(CueWords.POSSESSIVE, PossessiveRelations::find);
        CLASSES.put(CueWords.NAME_QUESTION, NameAnswers::find);
        CLASSES.put(CueWords.COMPANY, t -> CompanyForms.find(t, List.of()));
        CLASSES.put(CueWords.ORGANISATION, OrganisationCues::find);
    }

    private static final String[] PHRASES = {"Email", "call", "Please call", "flew to", "lives in", "was born in",
            "my name is", "call me", "works for", "a year at", "my son", "her husband", "the corner of", "at the junction of", "the corner of 35 Elm Street and Oak Road",
            "lives at", "resides on", "said", "shouted at", "whispered to", "'s daughter", "'s address", "'s phone",
            "What's the name on it?", "Your name?", "User:", "Systems", "Corp", "Inc.", "Associates", "is a software company",
            "was founded in", "office", "website", "The address of", "is", "was"};
    private static final String[] NAMES = {"Brynja", "Tovald", "Skaarvik", "Oslo", "Tromsø", "Ilse", "Anna", "Kestrel",
            "Norvantis", "Brellin", "Data", "Elm", "St", "Oak", "Road", "12", "35", "The", "the", "and", "to", "at", "of",
            "John", "Miller", "Lien", "Mary", "Smith"};
    private static final String[] GLUE = {" ", " ", " ", ", ", ". ", "! ", "? ", "\n", ": ", " \"", "\" ", "'"};

    private static List<String> texts(long seed, int count, boolean withCues) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            StringBuilder b = new StringBuilder();
            int parts = 3 + r.nextInt(25);
            for (int k = 0; k < parts; k++) {
                String w = withCues && r.nextInt(3) == 0 ? PHRASES[r.nextInt(PHRASES.length)] : NAMES[r.nextInt(NAMES.length)];
                if (w.startsWith("'") && b.length() > 0 && b.charAt(b.length() - 1) == ' ') {
                    b.setLength(b.length() - 1); // "Brynja's daughter"
                }
                b.append(w).append(GLUE[r.nextInt(GLUE.length)]);
            }
            out.add(b.toString());
        }
        return out;
    }

    @Test
    void aClassFindsNothingInATextWithoutOneOfItsWords() {
        Map<Long, Integer> foundWithBit = new LinkedHashMap<>();
        int checked = 0;
        for (boolean withCues : new boolean[] {true, false}) {
            for (String text : texts(withCues ? 14 : 15, 6000, withCues)) {
                Tokens t = Tokens.of(text);
                long bits = t.cueWords();
                for (var e : CLASSES.entrySet()) {
                    List<Recognizer.Candidate> found = e.getValue().apply(t);
                    if ((bits & e.getKey()) == 0) {
                        assertThat(found).as("class bit %d in %s", e.getKey(), text).isEmpty();
                        checked++;
                    } else if (!found.isEmpty()) {
                        foundWithBit.merge(e.getKey(), 1, Integer::sum);
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(10_000);
        // the generator reaches every class, so the check above is not vacuous
        assertThat(foundWithBit.keySet()).containsExactlyInAnyOrderElementsOf(CLASSES.keySet());
    }

    @Test
    void eachClassWordSetsItsBitAndAPlainWordSetsNone() {
        assertThat(CueWords.of("shouted") & CueWords.SPEECH).isNotZero();
        assertThat(CueWords.of("corp") & CueWords.COMPANY).isNotZero();
        assertThat(CueWords.of("daughter") & (CueWords.RELATION | CueWords.POSSESSIVE))
                .isEqualTo(CueWords.RELATION | CueWords.POSSESSIVE);
        assertThat(CueWords.of("flew") & CueWords.PLACE).isNotZero();
        assertThat(CueWords.of("norvantis")).isZero();
        assertThat(Tokens.of("Brellin Data Systems").cueWords() & CueWords.COMPANY).isNotZero();
        assertThat(Tokens.of("Tovald Skaarvik").cueWords()).isZero();
    }
}
