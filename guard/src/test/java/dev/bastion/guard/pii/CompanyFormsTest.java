package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A firm named with its legal form or trade word is one organisation, the form word included (issue 14, part 2,
 * round twelve), on sentences written for this test with invented firms; a form word with no name before it, or
 * after a pronoun, a function word or a column gap, names nothing.
 */
class CompanyFormsTest {

    private static List<String> firms(String text) {
        return CompanyForms.find(Tokens.of(text), List.of()).stream().map(c -> text.substring(c.start(), c.end()))
                .toList();
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void anInventedFirmIsReportedWithItsFormWord(PiiMode mode) {
        String text = "Her resignation letter to Brellin Data Systems was two lines long.";
        assertThat(PiiScanner.defaults(mode).find(text)).extracting(c -> text.substring(c.start(), c.end()))
                .contains("Brellin Data Systems");
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void aNameTheModelFoundGrowsOverTheFormWord(PiiMode mode) {
        String text = "Sondre moved to Tarravik Corporation after the merger.";
        assertThat(PiiScanner.defaults(mode).find(text)).extracting(c -> text.substring(c.start(), c.end()))
                .contains("Tarravik Corporation").doesNotContain("Tarravik");
    }

    @ParameterizedTest
    @ValueSource(strings = {"We hired Kvarnholt Associates.", "Ostvik Software, Oslo", "Invoice from Hallvard Movers today"})
    void oneToThreeNameWordsBeforeAFormWord(String text) {
        assertThat(firms(text)).hasSize(1).allMatch(f -> f.startsWith("Kvarnholt") || f.startsWith("Ostvik")
                || f.startsWith("Hallvard"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Vestavind Ltd. signed.", "Vestavind Inc. signed."})
    void anAbbreviatedFormKeepsItsFullStop(String text) {
        assertThat(firms(text)).containsExactly(text.substring(0, text.indexOf('.') + 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Systems fail.",
        "Ask about Our Services.",
        "the services were good",
        "Tuva Lid  Services",
        "Call Human Resources today.",
        "Ask for Customer Services."})
    void aFormWordAloneOrAfterAnOrdinaryWordNamesNothing(String text) {
        assertThat(firms(text)).isEmpty();
    }
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(PiiMode.class)
    void inLowerCaseTypingALegalAbbreviationEndsAFirmsName(PiiMode mode) {
        assertThat(Findings.found(mode, "ORGANIZATION", "the invoice came from brellin data inc. last week"))
                .containsExactly("brellin data inc.");
        assertThat(Findings.found(mode, "ORGANIZATION", "she joined tarsk ltd in march")).containsExactly("tarsk ltd");
    }

    @org.junit.jupiter.api.Test
    void inLowerCaseTypingATradeWordOrAnOrdinaryWordMakesNoFirm() {
        assertThat(firms("a large corporation bought the support group")).isEmpty();
        assertThat(firms("this is inc and that is ltd")).isEmpty();
    }
}
