package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WindowsTest {
    private static final List<String> PIECES = List.of("Call me on +44 20 7946 0958 today.", "card 4111 1111 1111 1111",
            "IBAN GB82 WEST 1234 5698 7654 32", "mail jane.doe@example.org now", "see https://example.com/a?b=1",
            "born on 12 March 1984, aged 41", "ZIP: 10115", "my driver's license number is F162823540116",
            "server 10.0.0.12 and fe80::1ff:fe23:4567:890a", "SSN 078-05-1120", "the year 1999 was fine",
            "codice fiscale RSSMRA85T10A562S", "on Monday at 10", "Note: this is it.", "well-known v2.1 release",
            "a plain sentence without any numbers at all", "x1 y2 z3", "12/05/2023", "3 apples and 4 pears",
            "he is 41 years old", "see you Tuesday", "postal code 75001 Paris", "12th of September, 2020",
            "a summary of the market in may 2021");

    @Test
    void noRecogniserLosesAMatchOfTheWholeTextByLookingOnlyAtItsWindows() {
        // the windows may find more: the IBAN pattern over a whole text runs on into the next words and then fails
        // its check, where the digit cluster stops it at the end of the number
        Random r = new Random(11);
        for (int trial = 0; trial < 300; trial++) {
            StringBuilder b = new StringBuilder();
            int n = 1 + r.nextInt(12);
            for (int i = 0; i < n; i++) {
                b.append(PIECES.get(r.nextInt(PIECES.size()))).append(r.nextInt(5) == 0 ? "\n" : " ");
            }
            String text = b.toString();
            String lower = text.toLowerCase(Locale.ROOT);
            var cache = new HashMap<Object, int[]>();
            for (Recognizer rec : Recognizers.ALL) {
                assertThat(rec.find(text, lower, rec.windows(text, lower, cache)))
                        .as("%s on %s", rec.id(), text).containsAll(rec.find(text, lower));
            }
        }
    }

    @Test
    void digitClustersCountTheirDigitsAndStopAtWhitespaceBoundaries() {
        String text = "pay 4111 1111 1111 1111 now, or 7 later";
        int[] c = Windows.digitClusters(text);
        assertThat(c).hasSize(6);
        assertThat(text.substring(c[0], c[1])).isEqualTo("4111 1111 1111 1111");
        assertThat(c[2]).isEqualTo(16);
        assertThat(text.substring(c[3], c[4])).isEqualTo("7");
        assertThat(Windows.withDigits(c, 12)).containsExactly(c[0], c[1]);
    }

    @Test
    void aFullStopBeforeASpaceIsNoTriggerButOneInsideAWordIs() {
        assertThat(Windows.aroundChars("The end. Next one", ".")).isEmpty();
        String text = "see example.org now";
        int[] w = Windows.aroundChars(text, ".");
        assertThat(text.substring(w[0], w[1])).isEqualTo("example.org");
    }
}
