package dev.bastion.guard.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PiiTokenScoreTest {
    private static final String TEXT = "Dr. Anna Berg lives at 5 Elm Street, Oslo.";

    private static PiiTokenScore.Span span(String type, String value) {
        int at = TEXT.indexOf(value);
        return new PiiTokenScore.Span(type, at, at + value.length());
    }

    @Test
    void tokensSplitTrailingPunctuationButKeepShortAbbreviations() {
        assertThat(PiiTokenScore.split("Oslo.", 0, 5)).hasSize(2);
        assertThat(PiiTokenScore.split("Dr.", 0, 3)).hasSize(1);
        assertThat(PiiTokenScore.split("(Berg's)", 0, 8)).hasSize(4);
        assertThat(PiiTokenScore.split("Street,", 0, 7)).hasSize(2);
    }

    @Test
    void aTokenOfTheWrongTypeCountsAgainstTypedButNotAgainstAnyTypeFigures() {
        PiiTokenScore s = new PiiTokenScore(new PiiTokenScore.Mode("strict", PiiTokenScore.NAMES, false));
        s.add(TEXT, List.of(span("PERSON", "Anna Berg"), span("GPE", "Oslo")),
                List.of(span("PERSON", "Anna"), span("ORGANIZATION", "Berg"), span("LOCATION", "Oslo")));
        assertThat(s.counts("PERSON", false)).containsExactly(1, 1, 2);
        assertThat(s.counts("LOCATION", false)).containsExactly(1, 1, 1); // GPE and LOCATION are one name
        assertThat(s.counts(null, false)).containsExactly(2, 3, 3);
        assertThat(s.counts(null, true)).containsExactly(3, 3, 3);
    }

    @Test
    void skipWordErrorsAreIgnoredAndMappedAwayTypesVanishFromBothSides() {
        PiiTokenScore.Mode presidio = new PiiTokenScore.Mode("presidio", PiiTokenScore.PRESIDIO_MAPPING, true);
        PiiTokenScore s = new PiiTokenScore(presidio);
        s.add(TEXT, List.of(span("TITLE", "Dr."), span("STREET_ADDRESS", "5 Elm Street, Oslo")),
                List.of(span("PERSON", "Dr."), span("LOCATION", "5 Elm")));
        // TITLE is dropped (O) in gold, so "Dr." predicted PERSON is a false positive; "Street" and "," are skip words; "Oslo" is missed
        assertThat(s.counts("PERSON", false)).containsExactly(0, 1, 0);
        assertThat(s.counts("LOCATION", false)).containsExactly(2, 2, 3);
        assertThat(s.types()).doesNotContain("TITLE", "STREET_ADDRESS");
    }
}
