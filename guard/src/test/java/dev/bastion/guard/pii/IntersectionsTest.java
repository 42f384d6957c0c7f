package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The meeting of two streets is one address (issue 14, part 2, round eleven), on sentences written for this test
 * with invented street names; a corner of something that is no street, and a list of two things after "corner
 * of", are not.
 */
class IntersectionsTest {

    private static List<String> meetings(String text) {
        Tokens t = Tokens.of(text);
        return Intersections.find(t, SpanRules.cased(t)).stream().map(c -> text.substring(c.start(), c.end())).toList();
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void bothStreetsAreReportedAsOneAddress(PiiMode mode) {
        String text = "Meet me at the corner of 35 Brattvegen Street and Kjellsen Loop at noon.";
        assertThat(PiiScanner.defaults(mode).find(text)).extracting(c -> c.type() + " " + text.substring(c.start(), c.end()))
                .contains("STREET_ADDRESS 35 Brattvegen Street and Kjellsen Loop");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "the corner of ul. Brattska 86 and Kjellsen Trail?",
        "the intersection of Brattvegen 12 & Kjellsen Road St.",
        "meet at the corner of brattvegen 77 and kjellsen court"})
    void theSecondStreetEndsInAStreetWord(String text) {
        assertThat(meetings(text)).singleElement().asString().endsWith(text.contains("St.") ? "St." : text.endsWith("?")
                ? "Trail" : "court");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "the corner of the room and the window",
        "In the corner of Brattvegen Park and a bench stood there.",
        "the corner of my eye and Kjellsen Loop",
        "the corner of 35 Brattvegen Street\nand Kjellsen Loop"})
    void cornersOfOtherThingsAreNoAddress(String text) {
        assertThat(meetings(text)).isEmpty();
    }
}
