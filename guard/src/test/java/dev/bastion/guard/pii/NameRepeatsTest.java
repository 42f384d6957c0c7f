package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A name found once is reported where it comes again in the same text (issue 14, part 2, round nine), on text
 * written for this test; a lower-case word that merely shares the spelling is not, nor a repeat already covered.
 */
class NameRepeatsTest {

    private static List<String> persons(PiiMode mode, String text) {
        return PiiScanner.defaults(mode).find(text).stream().filter(c -> c.type().equals("PERSON"))
                .map(c -> text.substring(c.start(), c.end())).toList();
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void aSurnameRepeatedAfterTheFullNameIsReportedToo(PiiMode mode) {
        String text = "The documentary was directed by Ingrid Halvorsen and stars Halvorsen herself.";
        assertThat(persons(mode, text)).containsExactly("Ingrid Halvorsen", "Halvorsen");
    }

    @Test
    void aPossessiveRepeatLosesItsApostropheS() {
        String text = "Ingrid Halvorsen signed. Halvorsen\u2019s lawyer called.";
        Tokens t = Tokens.of(text);
        List<Recognizer.Candidate> names = List.of(new Recognizer.Candidate("PERSON", 0, 16, 0.85, "name-model"));
        assertThat(NameRepeats.apply(t, names, new boolean[text.length()], 0.4)).hasSize(2).last()
                .satisfies(c -> assertThat(text.substring(c.start(), c.end())).isEqualTo("Halvorsen"));
    }

    @Test
    void aLowerCaseWordSpelledLikeTheNameIsNotARepeat() {
        Tokens t = Tokens.of("Grace Holm said grace before dinner.");
        List<Recognizer.Candidate> names = List.of(new Recognizer.Candidate("PERSON", 0, 10, 0.85, "name-model"));
        assertThat(NameRepeats.apply(t, names, new boolean[t.text.length()], 0.4)).isEqualTo(names);
    }

    @Test
    void aRepeatInsideAPatternMatchOrBelowTheThresholdIsNotAdded() {
        String text = "Ingrid Halvorsen wrote: Halvorsen";
        Tokens t = Tokens.of(text);
        List<Recognizer.Candidate> names = List.of(new Recognizer.Candidate("PERSON", 0, 16, 0.85, "name-model"));
        boolean[] claimed = new boolean[text.length()];
        java.util.Arrays.fill(claimed, 24, 33, true);
        assertThat(NameRepeats.apply(t, names, claimed, 0.4)).isEqualTo(names);
        assertThat(NameRepeats.apply(t, names, new boolean[text.length()], 0.9)).isEqualTo(names);
        assertThat(NameRepeats.apply(t, names, new boolean[text.length()], 0.4)).hasSize(2)
                .last().satisfies(c -> assertThat(text.substring(c.start(), c.end())).isEqualTo("Halvorsen"));
    }
}
