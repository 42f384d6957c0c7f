package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * Defects of the built-in recognisers (Recognizers.java) that the clinical evaluation showed and that the HIPAA
 * helper did not change (its brief: add recognisers, do not rewrite the existing ones). Each test states the
 * wanted behaviour and is disabled until the recogniser is fixed; each fails today (checked with
 * {@code bastion scan} on the same text, see docs/pii-hipaa.md).
 */
class BuiltInRecognizerDefectsTest {

    private static List<String> dates(String text) {
        return PiiScanner.defaults().find(text).stream().filter(c -> c.type().equals("DATE_TIME"))
                .map(c -> text.substring(c.start(), c.end())).toList();
    }

    @Test
    @Disabled("year: its context word 'in ' matches inside 'IN BED' (any 'in ' within 48 characters), lifting a "
            + "clock time to 0.65, over the balanced threshold")
    void aClockTimeAloneIsNoDateInBalancedMode() {
        assertThat(dates("PT RESTING IN BED, TURNED AT 2000 AND 2200.")).isEmpty();
    }

    @Test
    @Disabled("date-words: any four digits after a month and day count as the year")
    void aClockTimeAfterAMonthAndDayIsNoYear() {
        assertThat(dates("Sent: November 8th 1830")).containsExactly("November 8th");
    }

    @Test
    @Disabled("date-numeric: the day-month-year branch reads a blood gas 7.38/42/98 as a date")
    void aBloodGasIsNoDate() {
        assertThat(dates("ABG 7.38/42/98 on 40%")).isEmpty();
    }

    @Test
    @Disabled("url: a full stop ending the sentence is kept in the URL")
    void aUrlDoesNotKeepTheFullStopAfterIt() {
        String text = "photos at https://www.example.org/123. Thanks";
        assertThat(PiiScanner.defaults().find(text)).anySatisfy(c ->
                assertThat(text.substring(c.start(), c.end())).isEqualTo("https://www.example.org/123"));
    }
}
