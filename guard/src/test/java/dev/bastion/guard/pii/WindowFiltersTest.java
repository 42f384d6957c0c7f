package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The filters that drop prefilter regions a pattern provably cannot match in, and the keys hashed without copies. */
class WindowFiltersTest {

    @Test
    void regionsWithoutAnAsciiDigitAreDroppedAndTheOthersKeptInOrder() {
        String text = "march was cold; may 3 was warm; june \u0663 (an Arabic-Indic three); july 2020";
        int[] around = new int[8];
        String[] parts = text.split("; ");
        for (int p = 0, at = 0; p < parts.length; at += parts[p].length() + 2, p++) {
            around[2 * p] = at;
            around[2 * p + 1] = at + parts[p].length();
        }
        int[] kept = Windows.withAsciiDigit(text, around);
        assertThat(kept).containsExactly(around[2], around[3], around[6], around[7]);
        assertThat(text.substring(kept[0], kept[1])).isEqualTo("may 3 was warm");
        assertThat(text.substring(kept[2], kept[3])).isEqualTo("july 2020");
        assertThat(Windows.withAsciiDigit(text, new int[] {around[2], around[3]})).containsExactly(around[2], around[3]);
    }

    @Test
    void regionsWithoutALongEnoughAlphanumericRunAreDropped() {
        String text = "id ABCDE1234F and code AB-CD-12-34-EF and key \u212aBCDE1234F";
        int[] all = {0, 13, 14, 36, 37, text.length()};
        assertThat(Windows.withRun(text, all, 10)).containsExactly(0, 13, 37, text.length());
        assertThat(Windows.withRun(text, all, 11)).isEmpty();
        assertThat(Windows.withRun(text, all, 2)).isSameAs(all);
    }

    @Test
    void everyRegionARunFilteredPatternMatchesInIsKeptEvenWithLettersRe2FoldsOntoAscii() {
        // case-insensitive RE2 classes match the Kelvin sign and the long s as k and s, so the filter counts them
        List<String> samples = List.of("pan ABCPE1234F", "pan ABCP\u212a1234F", "pan \u017fBCPE1234F",
                "cf RSSMRA85T10A562S", "cf R\u017fSMRA85T10A562S", "btc 1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
                "eth 0x52908400098527886E0F7030069857D2E4169EE7", "short AB12", "x 1 2 3");
        int checked = 0;
        for (Recognizer r : Recognizers.ALL) {
            if (r.minRun() == 0) {
                continue;
            }
            for (String text : samples) {
                int[] region = {0, text.length()};
                if (r.pattern().matcher(text).find()) {
                    assertThat(Windows.withRun(text, region, r.minRun())).as(r.id() + " in " + text)
                            .containsExactly(region);
                    checked++;
                }
            }
        }
        assertThat(checked).as("the samples must exercise the filter").isEqualTo(6); // "\u017fBCPE1234F" is no match: \b is ASCII
        assertThat(Windows.withRun("short AB12", new int[] {0, 10}, 10)).isEmpty();
    }

    @Test
    void aShapeKeyIsTheKeyOfTheShapeString() {
        Tokens t = Tokens.of("McDonald SMITH 12-34 x O'Brien \u00e9t\u00e9 42nd ZO\u00cb a1b2c3d4e5");
        for (int i = 0; i < t.size; i++) {
            String shape = t.shape(i);
            assertThat(t.shapeKey(i)).as(shape).isEqualTo(shape.hashCode() * 0x100000001B3L + shape.length());
        }
    }
}
