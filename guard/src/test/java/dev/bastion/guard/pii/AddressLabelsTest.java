package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The name and firm lines written right before a postal address are reported (issue 14, part 2, round eleven), on
 * labels and signatures written for this test with invented names and firms; a label word, a sentence that runs
 * into the address and a lower-case word in a capitalised text are not.
 */
class AddressLabelsTest {

    private static List<String> found(PiiMode mode, String text) {
        return PiiScanner.defaults(mode).find(text).stream().map(c -> c.type() + " " + text.substring(c.start(), c.end()))
                .toList();
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void aFirmBeforeAnAddressOnALabelIsReported(PiiMode mode) {
        String text = "Vorkelund Brisk > 44 Kaiveien 3 > Apt. 7 > Hamar";
        assertThat(found(mode, text)).contains("ORGANIZATION Vorkelund Brisk");
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void theFirmBetweenANameAndTheAddressIsReported(PiiMode mode) {
        String text = "Anna Kowalczyk > Fjordlyx Media > 44 Kaiveien 3 > Apt. 7 > Hamar";
        assertThat(found(mode, text)).contains("ORGANIZATION Fjordlyx Media");
    }

    @org.junit.jupiter.api.Test
    void theWordsOfALabelLineBeforeAWordTheModelFoundAreReportedToo() {
        String text = "Norrvik Consulting\n\n213 Kaiveien 53 Apt. 263, Hamar";
        // since round twelve CompanyForms reports the whole firm ("Consulting" is a form word), where this rule
        // had reported only the word before the model's TITLE span
        assertThat(found(PiiMode.RECALL, text)).anyMatch(f -> f.startsWith("ORGANIZATION Norrvik"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Billing address: Tova Brennvik\n12 Kaiveien 3, Apt. 7, Hamar",
        "Tova Brennvik, 12 Kaiveien 3, Apt. 7, Hamar"})
    void aNameLineBeforeTheAddressIsAPerson(String text) {
        assertThat(found(PiiMode.BALANCED, text)).anyMatch(f -> f.startsWith("PERSON Tova") && f.endsWith("Brennvik"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Please send the parcel to 12 Kaiveien 3, Apt. 7, Hamar.",
        "Home address: 12 Kaiveien 3, Apt. 7, Hamar",
        "The parcel went to the old office at 12 Kaiveien 3, Apt. 7, Hamar."})
    void wordsThatIntroduceAnAddressAreNotNamed(String text) {
        assertThat(found(PiiMode.BALANCED, text)).allMatch(f -> f.startsWith("STREET_ADDRESS"));
    }
}
