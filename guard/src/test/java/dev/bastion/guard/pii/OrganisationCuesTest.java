package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An invented firm is an organisation when the sentence says it was founded, is a company or has an office, web
 * site or address (issue 14, part 2, round twelve), on sentences written for this test; the same shapes about a
 * programming language, a pronoun or a room are not.
 */
class OrganisationCuesTest {

    private static List<String> organisations(String text) {
        return OrganisationCues.find(Tokens.of(text)).stream().map(c -> text.substring(c.start(), c.end())).toList();
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void anInventedFirmDescribedAsACompanyIsReported(PiiMode mode) {
        String text = "Norvantis is a small software company based in Tromsø.";
        assertThat(PiiScanner.defaults(mode).find(text)).extracting(c -> text.substring(c.start(), c.end()))
                .contains("Norvantis");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Norvantis was founded in 2009 by two nurses.",
        "The Norvantis was established by two nurses.",
        "Yes. Norvantis is an independent Danish bank.",
        "In Bergen, Norvantis is a 501(c)3 that runs choirs.",
        "Post it to the Norvantis office in Leeds.",
        "The Norvantis office is at 12 Main Street.",
        "according to the Norvantis website, it closes at five",
        "The address of Norvantis is 14 Elm Road."})
    void theFirmTheSentenceDescribes(String text) {
        assertThat(organisations(text)).containsExactly("Norvantis");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Python is a programming language.",
        "It was founded in 2009.",
        "She is a nurse at the local hospital.",
        "Met in the Oval Office today.",
        "My Norvantis is a company car.",
        "Leeds, which Norvantis was founded in, is large.",
        "The address of the office is unknown."})
    void otherSubjectsAreNoFirms(String text) {
        assertThat(organisations(text)).isEmpty();
    }
}
