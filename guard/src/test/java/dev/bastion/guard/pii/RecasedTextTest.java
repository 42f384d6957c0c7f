package dev.bastion.guard.pii;

import static dev.bastion.guard.pii.Findings.people;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 14, part 2, round nineteen: people found from context in text typed all in lower case or written all in
 * capitals, on sentences written for this test (invented people). Lower-case titles, naming phrases followed by a
 * name the gazetteers do not know, lower-case middle initials, names after a cue in upper-case text, and verbs cut
 * from the end of a name; each with near misses that must stay unreported.
 */
class RecasedTextTest {

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void aLowerCaseTitleIntroducesTheNameAfterIt(PiiMode mode) {
        assertThat(people(mode, "could you send the forms to mrs. odalys brenneke before friday?"))
                .containsExactly("odalys brenneke");
        assertThat(people(mode, "ask mr. jarle k. voss about the invoice")).containsExactly("jarle k. voss");
        assertThat(people(mode, "dr okonkwo said the scan looked fine")).containsExactly("okonkwo");
        assertThat(people(mode, "mr. and mrs. tellefsen are coming for dinner")).containsExactly("tellefsen");
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void wordsThatOnlyLookLikeATitleIntroduceNoName(PiiMode mode) {
        assertThat(people(mode, "open it in ms word and save it as a pdf")).isEmpty();
        assertThat(people(mode, "the parcel went to 55 elm dr westbury")).isEmpty();
        assertThat(people(mode, "i miss the old days")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void aPhraseThatStatesANameTakesAnUnknownNameInLowerCase(PiiMode mode) {
        assertThat(people(mode, "hi, my name is ottoline brackwater and i need help with my bill"))
                .containsExactly("ottoline brackwater");
        assertThat(people(mode, "my name is teodora v. laskaris")).containsExactly("teodora v. laskaris");
        assertThat(people(mode, "what's your last name? quillfeather")).containsExactly("quillfeather");
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void otherNamingPhrasesStillWantAKnownFirstName(PiiMode mode) {
        assertThat(people(mode, "call me maybe if you have time")).isEmpty();
        assertThat(people(mode, "my name is not important")).isEmpty();
        assertThat(people(mode, "my name is anna and i am a student")).containsExactly("anna");
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void inUpperCaseTextANamingPhraseStillNamesSomeone(PiiMode mode) {
        assertThat(people(mode, "HI, MY NAME IS OTTOLINE BRACKWATER AND I NEED HELP WITH MY BILL"))
                .containsExactly("OTTOLINE BRACKWATER");
        assertThat(people(mode, "COULD YOU SEND THE FORMS TO MRS. ODALYS BRENNEKE BEFORE FRIDAY?"))
                .containsExactly("ODALYS BRENNEKE");
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void aVerbAfterANameInLowerCaseTextIsNotPartOfIt(PiiMode mode) {
        assertThat(people(mode, "harry said it was fine")).containsExactly("harry");
        assertThat(people(mode, "lucia fernholt will join the call at noon")).containsExactly("lucia fernholt");
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void theSameSentenceWrittenAsUsualIsUnchanged(PiiMode mode) {
        assertThat(people(mode, "Could you send the forms to Mrs. Odalys Brenneke before Friday?"))
                .containsExactly("Odalys Brenneke");
        assertThat(people(mode, "Lucia Fernholt will join the call at noon.")).containsExactly("Lucia Fernholt");
    }
}
