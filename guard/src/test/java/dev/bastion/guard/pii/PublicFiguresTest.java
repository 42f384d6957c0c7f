package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.guard.Finding;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Public figures and fictional characters named in full are not reported in balanced mode (issue 14, part 2,
 * round ten), on sentences written for this test; a private name, a name beside another identifier, a name tied
 * to the user's circle, and a single word stay reported, and the recall mode reports them all.
 */
class PublicFiguresTest {

    private static List<String> names(PiiMode mode, String text) {
        return PiiScanner.defaults(mode).find(text).stream()
                .filter(c -> c.type().equals("PERSON") || c.type().equals("ORGANIZATION"))
                .map(c -> text.substring(c.start(), c.end())).toList();
    }

    @Test
    void aFamousScientistNamedInFullIsNotReportedInBalancedMode() {
        String text = "Which experiments did Isaac Newton run with prisms?";
        assertThat(names(PiiMode.BALANCED, text)).isEmpty();
        assertThat(names(PiiMode.RECALL, text)).singleElement().asString().startsWith("Isaac Newton");
    }

    @Test
    void aFictionalCharacterNamedInFullIsNotReportedInBalancedMode() {
        assertThat(names(PiiMode.BALANCED, "Write a short scene in which Sherlock Holmes meets Peter Pan.")).isEmpty();
    }

    @Test
    void aPrivateNameInTheSameFormIsStillReported() {
        assertThat(names(PiiMode.BALANCED, "Did Tom Jensen's test come back?")).containsExactly("Tom Jensen");
        assertThat(names(PiiMode.BALANCED, "Which experiments did Ingrid Halvorsen run with prisms?"))
                .containsExactly("Ingrid Halvorsen");
    }

    @Test
    void aFamousNameBesideAContactDetailIsReported() {
        String text = "Please forward the invoice to Isaac Newton, isaac.newton@example.org, by Friday.";
        assertThat(names(PiiMode.BALANCED, text)).containsExactly("Isaac Newton");
    }

    @Test
    void aFamousNameAfterAFirstPersonPossessiveIsReported() {
        assertThat(names(PiiMode.BALANCED, "My colleague Emma Stone is off sick again today."))
                .containsExactly("Emma Stone");
        assertThat(names(PiiMode.BALANCED, "Our new intern Tom Hanks starts on the night shift."))
                .containsExactly("Tom Hanks");
    }

    @Test
    void theSurnameAloneAfterTheFullNameGoesWithIt() {
        String text = "Leo Tolstoy wrote long novels. Why did Tolstoy leave home at the end of his life?";
        assertThat(names(PiiMode.BALANCED, text)).isEmpty();
        assertThat(names(PiiMode.RECALL, text)).contains("Leo Tolstoy", "Tolstoy");
    }

    @Test
    void onlyTitlesOfTwoWordsOrMoreCount() {
        assertThat(PublicFigures.listed("isaac newton")).isTrue();
        assertThat(PublicFigures.listed("angela merkel")).isTrue();
        assertThat(PublicFigures.listed("google")).isFalse(); // a title, but one word
        assertThat(PublicFigures.listed("john smith")).isFalse(); // a disambiguation page, not in the list
        assertThat(PublicFigures.listed("tom jensen")).isFalse();
        assertThat(PublicFigures.listed("")).isFalse();
    }

    @Test
    void namesAreComparedInLowerCaseWithFullStopsAndApostrophesEvened() {
        assertThat(PublicFigures.normalised("  J. R. R.\tTolkien ")).isEqualTo("j r r tolkien");
        assertThat(PublicFigures.normalised("Sin\u00e9ad O\u2019Connor")).isEqualTo("sin\u00e9ad o'connor");
    }

    @Test
    void aFamousNameLeftOutInOneSegmentIsReportedWhenAnotherSegmentReportsIt() {
        List<String> segments = List.of("My neighbour Tom Hanks keeps parking in my spot.",
                "What films did Tom Hanks make?");
        List<Finding> findings = PiiScanner.defaults(PiiMode.BALANCED).scan(segments);
        assertThat(findings).filteredOn(f -> f.type().equals("PERSON")).extracting(Finding::segment)
                .containsExactly(0, 1);
    }

    @Test
    void aFamousNameAloneInEverySegmentStaysLeftOut() {
        List<String> segments = List.of("What films did Tom Hanks make?", "Which of them won an award?");
        assertThat(PiiScanner.defaults(PiiMode.BALANCED).scan(segments))
                .noneMatch(f -> f.type().equals("PERSON"));
    }
}
