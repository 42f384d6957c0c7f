package dev.bastion.guard.pseudonym;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import dev.bastion.guard.pii.Checksums;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class SurrogatesTest {
    private final Surrogates realistic = Surrogates.forTesting(Style.REALISTIC, new Random(7));

    @Test
    void tagSurrogatesAreNumberedTypeTags() {
        assertThat(Surrogates.of(Style.TAG).candidate("PERSON", "Ada", 3, 0)).isEqualTo("<PERSON_3>");
        assertThat(Surrogates.of(Style.TAG).candidate("PERSON", "Ada", 3, 2)).isEqualTo("<PERSON_5>");
    }

    @RepeatedTest(20)
    void aFakeCardIsLuhnValidWithTheSameIssuerLengthAndGrouping() {
        String fake = realistic.candidate("CREDIT_CARD", "4111 1111 1111 1111", 1, 0);
        assertThat(fake).matches("4111 \\d{4} \\d{4} \\d{4}").isNotEqualTo("4111 1111 1111 1111");
        assertThat(Checksums.creditCard(fake.replace(" ", ""))).isTrue();
        String amex = realistic.candidate("CREDIT_CARD", "3782-822463-10005", 1, 0);
        assertThat(amex).matches("3782-\\d{6}-\\d{5}");
        assertThat(Checksums.creditCard(amex.replace("-", ""))).isTrue();
    }

    @RepeatedTest(20)
    void aFakeIbanHasValidCheckDigitsForTheSameCountryAndShape() {
        String fake = realistic.candidate("IBAN_CODE", "GB82 WEST 1234 5698 7654 32", 1, 0);
        assertThat(fake).matches("GB\\d\\d [A-Z]{4} \\d{4} \\d{4} \\d{4} \\d{2}").isNotEqualTo("GB82 WEST 1234 5698 7654 32");
        assertThat(Checksums.iban(fake.replace(" ", ""))).isTrue();
        String de = realistic.candidate("IBAN_CODE", "DE89370400440532013000", 1, 0);
        assertThat(de).startsWith("DE").hasSize(22);
        assertThat(Checksums.iban(de)).isTrue();
    }

    @RepeatedTest(10)
    void aFakePhoneKeepsTheCountryCodeAndFormatAndIsValid() throws Exception {
        String fake = realistic.candidate("PHONE_NUMBER", "+44 20 7946 0958", 1, 0);
        assertThat(fake).matches("\\+44 2\\d \\d{4} \\d{4}").isNotEqualTo("+44 20 7946 0958");
        PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
        assertThat(phones.isValidNumber(phones.parse(fake, "ZZ"))).isTrue();
        String us = realistic.candidate("PHONE_NUMBER", "(415) 555-2671", 1, 0);
        assertThat(us).matches("\\(\\d{3}\\) \\d{3}-\\d{4}");
    }

    @Test
    void aFakeEmailUsesAReservedExampleDomain() {
        assertThat(realistic.candidate("EMAIL_ADDRESS", "maria.rossi@example.org", 1, 0))
                .matches("[a-z]+\\.[a-z]+@example\\.(com|org|net)");
    }

    @Test
    void aFakeNameKeepsTitlesInitialsWordCountAndCase() {
        assertThat(realistic.candidate("PERSON", "Dr. Jonathan Q. Miller", 1, 0)).matches("Dr\\. [A-Z][a-z]+ Q\\. [A-Z][a-z]+");
        assertThat(realistic.candidate("PERSON", "JONATHAN MILLER", 1, 0)).matches("[A-Z]+ [A-Z]+");
        assertThat(realistic.candidate("PERSON", "miller", 1, 0)).matches("[a-z]+");
    }

    @Test
    void fakeNamesAreNeverCommonWords() {
        for (int i = 0; i < 2000; i++) {
            String fake = realistic.candidate("PERSON", "Miller", 1, 0);
            assertThat(fake).matches("[A-Z][a-z]{3,9}");
            assertThat(java.util.List.of("Will", "May", "Mark", "Hope", "Grace", "Hunter", "Dean")).doesNotContain(fake);
        }
    }

    @Test
    void typesWithoutARealisticFormGetTheTag() {
        assertThat(realistic.candidate("US_SSN", "078-05-1120", 2, 0)).isEqualTo("<US_SSN_2>");
    }

    @Test
    void checkDigitHelpersAgreeWithTheValidators() {
        assertThat(Surrogates.luhnCheckDigit("411111111111111")).isEqualTo(1);
        assertThat(Surrogates.mod97("370400440532013000DE00")).isEqualTo(98 - 89);
    }
}
