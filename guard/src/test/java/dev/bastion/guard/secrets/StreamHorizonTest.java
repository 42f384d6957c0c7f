package dev.bastion.guard.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StreamHorizonTest {
    private static final SecretsScanner SCANNER = SecretsScanner.builtIn();

    private static int settled(String text) {
        return SCANNER.settledBefore(text).getAsInt();
    }

    @Test
    void proseEndingInTheStartOfAQuoteOpeningKeywordIsNotHeld() {
        // "for " ends in "or ", the start of the keyword `or "`; "and " is the start of `and "`.
        for (String text : new String[] {"Refer the patient to cardiology for ", "Salt and ", "Ask if "}) {
            assertThat(settled(text)).as(text).isEqualTo(text.length());
        }
    }

    @Test
    void aWholeQuoteOpeningKeywordStillHoldsItsLine() {
        String text = "first line\nif \"hunter2";
        assertThat(settled(text)).isEqualTo("first line\n".length());
    }

    @Test
    void aCutKeywordOfASpanningMatchStillHolds() {
        // The start of a key block's keyword is held, since the block's match may begin before it.
        String text = "here it is:\n-----BEGIN RSA PRIV";
        assertThat(settled(text)).isLessThanOrEqualTo("here it is:\n".length());
    }
}
