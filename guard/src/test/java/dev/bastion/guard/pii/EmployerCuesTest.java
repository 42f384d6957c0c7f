package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An employer named after a phrase of employment is an organisation (issue 14, part 2, round ten), on sentences
 * written for this test with invented firms; "work for free", "work at night" and a line break are not employers.
 */
class EmployerCuesTest {

    private static List<String> cued(String text) {
        return EmployerCues.find(Tokens.of(text)).stream().map(c -> text.substring(c.start(), c.end())).toList();
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void anInventedEmployerAfterAnEmploymentPhraseIsReported(PiiMode mode) {
        String text = "Before that she spent a year at Kvarnby-Lind as a buyer.";
        assertThat(PiiScanner.defaults(mode).find(text)).extracting(c -> text.substring(c.start(), c.end()))
                .contains("Kvarnby-Lind");
    }

    @ParameterizedTest
    @ValueSource(strings = {"I work for Tessaline Okafor Group now", "He used to work at Tessaline Okafor Group."})
    void upToThreeCapitalisedWordsAreTaken(String text) {
        assertThat(cued(text)).containsExactly("Tessaline Okafor Group");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "I would never work for free.",
        "Nurses often work at Night in this ward.",
        "I work for The people, not for money.",
        "She works at\nBrennholt Notes",
        "They work for a small bakery."})
    void phrasesWithoutAnEmployerAfterThemReportNothing(String text) {
        assertThat(cued(text)).isEmpty();
    }
    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void inLowerCaseTypingTheWordsAfterTheCueThatAreNoOrdinaryWordsAreTheEmployer(PiiMode mode) {
        String text = "i work for brennholt logistics as a driver since may";
        assertThat(Findings.found(mode, "ORGANIZATION", text)).containsExactly("brennholt logistics");
        assertThat(cued("i would never work for free, and i work at night")).isEmpty();
        assertThat(cued("they spent a year at the school in town")).isEmpty();
        assertThat(cued("I work for brennholt logistics")).isEmpty(); // a capital elsewhere: the case is evidence
    }
}
