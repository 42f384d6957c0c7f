package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A town named after a verb of travel or residence is a place (issue 14, part 2, round ten), on sentences written
 * for this test with invented or small towns; calendar words, school grades, languages and line breaks are not.
 */
class PlaceCuesTest {

    private static List<String> cued(String text) {
        return PlaceCues.find(Tokens.of(text)).stream().map(c -> text.substring(c.start(), c.end())).toList();
    }

    private static List<String> covered(PiiMode mode, String text) {
        return PiiScanner.defaults(mode).find(text).stream().map(c -> text.substring(c.start(), c.end())).toList();
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void aTownAfterATravelOrResidenceVerbIsReported(PiiMode mode) {
        assertThat(covered(mode, "Last winter she flew to Vardhollen for the festival.")).contains("Vardhollen");
        assertThat(covered(mode, "We moved here from Brenkaby when the plant closed.")).contains("Brenkaby");
        assertThat(covered(mode, "My aunt still lives in Oskelund, near the coast.")).contains("Oskelund");
        assertThat(covered(mode, "I\u2019m in Lower Tathwick until Thursday.")).contains("Lower Tathwick");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "she flew to Vardhollen on Friday",
        "They relocated to Vardhollen in the spring",
        "He grew up in Vardhollen",
        "the team arrived at Vardhollen this morning",
        "I will be travelling to Vardhollen next week",
        "Last summer we returned to Vardhollen by train",
        "a small design studio based in Vardhollen"})
    void theCueTakesTheWordAfterIt(String text) {
        assertThat(cued(text)).containsExactly("Vardhollen");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "I am in Grade 9 and need help with algebra.",
        "We moved to Monday because the room was booked.",
        "I live in The middle of nowhere, honestly.",
        "The library moved to Python 3 last year.",
        "She was born in May.",
        "I am in Love with this song.",
        "I live in\nBoston Harbor Notes",
        "We flew to a small town.",
        "They moved to 42nd Street."})
    void calendarWordsGradesLanguagesAndLineBreaksAreNotPlaces(String text) {
        assertThat(cued(text)).isEmpty();
    }

    @Test
    void atMostThreeWordsOnOneLineAreTaken() {
        assertThat(cued("We flew to Upper Oskelund Bay Harbour Point yesterday"))
                .containsExactly("Upper Oskelund Bay");
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void theBalancedModeStillLeavesOutACountryWhereAThingIsBased(PiiMode mode) {
        // round fourteen: a country a person moved from is reported in both modes (PersonalPlacesTest); a country
        // where a firm is based or a building is located stays out of the balanced mode, as any country does
        String text = "The studio is based in Norway and ships worldwide.";
        if (mode == PiiMode.BALANCED) {
            assertThat(covered(mode, text)).doesNotContain("Norway");
        } else {
            assertThat(covered(mode, text)).contains("Norway");
        }
    }
}
