package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Capitalised nationality and group words before the thing they describe are NRP in the recall mode only (issue
 * 14, part 2, round eleven), on sentences written for this test; lower-case words and upper-case lines are not.
 */
class DemonymsTest {

    private static List<String> nrp(PiiMode mode, String text) {
        return PiiScanner.defaults(mode).find(text).stream().filter(c -> c.type().equals("NRP"))
                .map(c -> text.substring(c.start(), c.end())).toList();
    }

    @Test
    void aGroupWordBeforeAThingIsReportedInTheRecallModeOnly() {
        String text = "Tonight's pick is a 2014 Estonian crime drama; the Finnish coast guard is in it.";
        assertThat(nrp(PiiMode.RECALL, text)).containsExactly("Estonian", "Finnish");
        assertThat(nrp(PiiMode.BALANCED, text)).isEmpty();
    }

    @Test
    void lowerCaseWordsAndUpperCaseLinesAreLeftAlone() {
        assertThat(Demonyms.find(Tokens.of("we ate danish pastries"))).isEmpty();
        assertThat(Demonyms.find(Tokens.of("PT SPEAKS POLISH ONLY, INTERPRETER CALLED"))).isEmpty();
    }
}
