package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The other items of a list that holds a person's name are people too (issue 14, part 2, round eleven), on
 * sentences written for this test with invented surnames; a list whose known item is no person, a natural feature,
 * a line break, lower-case words in a capitalised text and upper-case findings lines do not spread.
 */
class NameListsTest {

    private static List<String> persons(PiiMode mode, String text) {
        return PiiScanner.defaults(mode).find(text).stream().filter(c -> c.type().equals("PERSON"))
                .map(c -> text.substring(c.start(), c.end())).toList();
    }

    private static List<String> items(String text, String seed) {
        int at = text.indexOf(seed);
        Tokens t = Tokens.of(text);
        List<Recognizer.Candidate> seeds = List.of(new Recognizer.Candidate("PERSON", at, at + seed.length(), 0.85, "test"));
        return NameLists.find(t, seeds, SpanRules.cased(t), 0.4).stream()
                .map(c -> text.substring(c.start(), c.end())).toList();
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void surnamesBesideAKnownNameInAListAreReported(PiiMode mode) {
        assertThat(persons(mode, "The shop was started by three friends: Lindqvarn, Michael and Okafuru."))
                .contains("Lindqvarn", "Michael", "Okafuru");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Guests: Vasquelle, Michael and Brontagne.",
        "Guests: Vasquelle, Michael, and Brontagne.",
        "Guests: Vasquelle, Michael & Brontagne."})
    void eachSeparatorJoinsItems(String text) {
        assertThat(items(text, "Michael")).containsExactlyInAnyOrder("Vasquelle", "Brontagne");
    }

    @org.junit.jupiter.api.Test
    void anItemMayHoldTwoWordsAndLowerCaseListsNeedALowerCaseSeed() {
        assertThat(items("We invited Michael and Tova Brontagne to dinner.", "Michael"))
                .containsExactly("Tova Brontagne");
        assertThat(items("guests were anna, ruben and tovald", "anna")).containsExactly("ruben", "tovald");
        assertThat(items("referring: dr. anna, fax to follow", "anna")).isEmpty();
        assertThat(items("anna, ruben lien; and the rest", "anna")).containsExactly("ruben lien");
        assertThat(items("name: lien, anna        med rec #: 0042", "lien")).containsExactly("anna");
        assertThat(items("We invited Michael and the others to Dinner.", "Michael")).isEmpty();
        assertThat(items("you left me anna, four hungry kids and a dog", "anna")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Michael\nand Brontagne arrived",
        "Michael and brontagne arrived at Noon"})
    void lineBreaksLowerCaseWordsInACapitalisedTextAndCapitalsEndTheList(String text) {
        assertThat(items(text, "Michael")).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void upperCaseFindingsLinesDoNotSpread() {
        assertThat(items("NEURO: ALERT, FOLLOWS COMMANDS, MICHAEL. PAIN 2/10.", "MICHAEL")).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void seedsWithoutAKnownNameOrThatNameANaturalFeatureDoNotSpread() {
        assertThat(items("We toured Vexlon, Quarrimat and Brontagne.", "Quarrimat")).isEmpty();
        assertThat(items("How did the Alps and Rhine River shape farming?", "Rhine River")).isEmpty();
    }
}
