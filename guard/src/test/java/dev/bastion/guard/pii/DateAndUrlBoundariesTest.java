package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.guard.Finding;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Dates, years and URLs end where they end: clock times, blood gases and sentence punctuation are not part of them. */
class DateAndUrlBoundariesTest {
    private static List<String> found(String type, String text) {
        return PiiScanner.defaults(PiiMode.RECALL).scan(List.of(text)).stream().filter(f -> f.type().equals(type))
                .map((Finding f) -> text.substring(f.start(), f.end())).toList();
    }

    @Test
    void aClockTimeIsNoYearEvenWithTheWordInNearby() {
        assertThat(found("DATE_TIME", "PT RESTING IN BED, TURNED AT 2000 AND 2200.")).isEmpty();
    }

    @Test
    void aYearCountsWithTheWordJustBeforeIt() {
        assertThat(found("DATE_TIME", "She moved to Leeds in 1998 and was born in 1961.")).containsExactly("1998", "1961");
    }

    @Test
    void fourDigitsAfterAMonthAndDayAreAYearOnlyInThisOrTheLastCentury() {
        assertThat(found("DATE_TIME", "Sent: November 8th 1830")).containsExactly("November 8th");
        assertThat(found("DATE_TIME", "Seen on November 8th 2019")).containsExactly("November 8th 2019");
    }

    @Test
    void numericDatesNeedADayAndAMonthInRangeAndOneSeparator() {
        assertThat(found("DATE_TIME", "seen on 14/02/2019 and 02-14-2019")).containsExactly("14/02/2019", "02-14-2019");
        assertThat(found("DATE_TIME", "ABG 7.38/42/98 on 40%")).isEmpty();
        assertThat(found("DATE_TIME", "ratio 38/42/98")).isEmpty();
    }

    @Test
    void aUrlDoesNotKeepTheSentencePunctuationAfterIt() {
        assertThat(found("URL", "photos at https://www.example.org/123. Thanks")).containsExactly("https://www.example.org/123");
        assertThat(found("URL", "see https://example.org/a?b=1, then")).containsExactly("https://example.org/a?b=1");
    }
}
