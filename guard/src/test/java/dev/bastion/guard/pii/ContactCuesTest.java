package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Names after a verb of contacting someone, on text written for this test. */
class ContactCuesTest {

    private static List<String> persons(PiiMode mode, String text) {
        return PiiScanner.defaults(mode).find(text).stream().filter(c -> c.type().equals("PERSON"))
                .map(c -> text.substring(c.start(), c.end())).toList();
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void aNameAfterAnOpeningContactVerbIsReportedWholeEvenAfterAHeading(PiiMode mode) {
        assertThat(persons(mode, "## Plan\nEmail John Miller at jmiller@example.org re: family meeting."))
                .containsExactly("John Miller");
        assertThat(persons(mode, "Plan:\nEmail John Miller at jmiller@example.org.")).containsExactly("John Miller");
        assertThat(persons(mode, "## Notes\nCall John Miller tomorrow.")).containsExactly("John Miller");
        assertThat(persons(mode, "Discharge planning.\n- Please ask Priya Nair to sign the form."))
                .containsExactly("Priya Nair");
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void teamsServicesAndVerbsInsideASentenceAreLeftToTheOtherRules(PiiMode mode) {
        assertThat(ContactCues.find(Tokens.of("Email Customer Service at help@example.org."))).isEmpty();
        assertThat(ContactCues.find(Tokens.of("Call IT if the printer jams."))).isEmpty();
        assertThat(ContactCues.find(Tokens.of("I will call John later."))).isEmpty(); // not opening: the model's
        assertThat(ContactCues.find(Tokens.of("Email\nJohn Miller"))).as("the name on the next line").isEmpty();
        assertThat(ContactCues.find(Tokens.of("Email John Miller and Anne."))).singleElement()
                .satisfies(c -> assertThat(c.end() - c.start()).isEqualTo("John Miller".length()));
    }
}
