package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one named as living somewhere is a person (issue 14, part 2, round eleven), on sentences written for this
 * test with invented names; pronouns, "Nobody" and words in mid-sentence are not.
 */
class ResidentCuesTest {

    private static List<String> residents(String text) {
        return ResidentCues.find(Tokens.of(text)).stream().map(c -> text.substring(c.start(), c.end())).toList();
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void anUnknownNameThatLivesSomewhereIsReported(PiiMode mode) {
        String text = "Brynjulv Skaarvik lives at 12 Kaiveien, next to the school.";
        assertThat(PiiScanner.defaults(mode).find(text)).extracting(c -> text.substring(c.start(), c.end()))
                .contains("Brynjulv Skaarvik");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Tovald lives on Elm Street.", "Yes. Tovald resides in Hamar now.", "Note:\nTovald stayed at the inn."})
    void theSubjectOpensItsSentenceOrLine(String text) {
        assertThat(residents(text)).containsExactly("Tovald");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Nobody lives at that address.",
        "She lives in Hamar.",
        "The old Tovald lives in Hamar.",
        "Tovald lives happily in Hamar."})
    void otherSubjectsAreNoNames(String text) {
        assertThat(residents(text)).isEmpty();
    }
}
