package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A name after a phrase that introduces a person's name is reported in both modes (issue 14, part 2, round ten),
 * on sentences written for this test; "call me back", "my name is not important" and a line break are not names.
 */
class NamingCuesTest {

    private static List<String> cued(String text) {
        return NamingCues.find(Tokens.of(text)).stream().map(c -> text.substring(c.start(), c.end())).toList();
    }

    private static List<String> persons(PiiMode mode, String text) {
        return PiiScanner.defaults(mode).find(text).stream().filter(c -> c.type().equals("PERSON"))
                .map(c -> text.substring(c.start(), c.end())).toList();
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void aNameAfterANamingPhraseIsReported(PiiMode mode) {
        assertThat(persons(mode, "At the new school the other kids call me Dragoslav.")).containsExactly("Dragoslav");
        assertThat(persons(mode, "After the surgery she named him Teodor.")).containsExactly("Teodor");
        assertThat(persons(mode, "Her maiden name is Brekkestad, she told the clerk."))
                .containsExactly("Brekkestad");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "my name is sofia wennerholm and I lost my card",
        "My name is Sofia Wennerholm and I lost my card"})
    void lowerCaseTypingNeedsAKnownFirstName(String text) {
        assertThat(cued(text)).singleElement().asString().isEqualToIgnoringCase("sofia wennerholm");
    }

    @ParameterizedTest
    @ValueSource(strings = {"My name is Oda K Lien, thanks.", "My name is Oda K. Lien, thanks."})
    void aMiddleInitialStaysInsideTheName(String text) {
        assertThat(cued(text)).singleElement().asString().startsWith("Oda K").endsWith("Lien");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Please call me back after lunch.",
        "Call me when you land.",
        "My name is not important here.",
        "my name is spelled wrong on the badge",
        "Call me\nDragoslav Notes",
        "What's your name? I forgot it.",
        "my name is qwertz"})
    void phrasesWithoutANameAfterThemReportNothing(String text) {
        assertThat(cued(text)).isEmpty();
    }
}
