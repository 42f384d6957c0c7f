package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Card numbers after a card cue whatever their issuer prefix, and phone numbers with an extension (issue 14, part
 * 2, round nine), on values made for this test; each with its near miss.
 */
class CardAndPhoneCuesTest {

    private static List<String> found(String type, String text) {
        return PiiScanner.defaults().find(text).stream().filter(c -> c.type().equals(type))
                .map(c -> text.substring(c.start(), c.end())).toList();
    }

    @Test
    void aLuhnValidNumberAfterACardCueIsACardWhateverItsPrefix() {
        // 3522... is in no issuer range of Checksums.creditCard; the digits were made to pass Luhn for this test
        assertThat(Checksums.creditCard("3522000012345677")).isFalse();
        assertThat(found("CREDIT_CARD", "Please block my card 3522000012345677 today."))
                .containsExactly("3522000012345677");
        assertThat(found("CREDIT_CARD", "What is the number on your card? 3500 1111 2222 3336"))
                .containsExactly("3500 1111 2222 3336");
    }

    @Test
    void withoutTheCueOrWithABadCheckDigitItIsNot() {
        assertThat(found("CREDIT_CARD", "The reference 3522000012345677 is on the invoice.")).isEmpty();
        assertThat(found("CREDIT_CARD", "Please block my card 3522000012345678 today.")).isEmpty();
        assertThat(Checksums.cuedCard("352200001234")).isFalse(); // twelve digits: too short for a card
    }

    @Test
    void aPhoneNumberKeepsItsExtension() {
        assertThat(found("PHONE_NUMBER", "Reach the front desk at +1-212-555-0147x204 or by mail."))
                .containsExactly("+1-212-555-0147x204");
        assertThat(found("PHONE_NUMBER", "Reach the front desk at (212) 555-0147 ext. 31 after lunch."))
                .containsExactly("(212) 555-0147 ext. 31");
        assertThat(found("PHONE_NUMBER", "Reach the front desk at (212) 555-0147 after lunch."))
                .containsExactly("(212) 555-0147");
    }

    @Test
    void theExtensionIsFoundAtTheEndOnly() {
        assertThat(PiiScanner.extension("212-555-0147x204")).isEqualTo(12);
        assertThat(PiiScanner.extension("(212) 555-0147 ext. 31")).isEqualTo(14);
        assertThat(PiiScanner.extension("(212) 555-0147")).isEqualTo(14);
        assertThat(PiiScanner.extension("212 555 0147")).isEqualTo(12);
    }
}
