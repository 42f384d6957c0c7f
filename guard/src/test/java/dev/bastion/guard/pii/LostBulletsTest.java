package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A run of question marks standing alone between spaces (a bullet or dash lost to a non-Unicode code page)
 * separates the parts of an address line (issue 14, part 2, round eleven), on a line written for this test; a
 * question mark that ends a question does not.
 */
class LostBulletsTest {

    @Test
    void aRunOfQuestionMarksBetweenSpacesIsASeparator() {
        Tokens t = Tokens.of("Tova Brennvik ??? 4417 Kaiveien 23 ??? Suite 7 ??? Hamar ??? Norway 21959");
        assertThat(AddressChains.lostBullet(t, 2)).isTrue();
        assertThat(AddressChains.lostBullet(t, 3)).isTrue();
    }

    @Test
    void questionMarksThatEndAQuestionAreNot() {
        Tokens t = Tokens.of("Is it at 4417 Kaiveien 23? Really?? Yes ?");
        for (int k = 0; k < t.size; k++) {
            assertThat(AddressChains.lostBullet(t, k)).as(t.word(k) + " at " + k).isFalse();
        }
    }

    @Test
    void theAddressRunsOverTheLostBullets() {
        String text = "Send it to 4417 Kaiveien 23 ??? Suite 7 ??? Hamar ??? Norway 21959 please";
        assertThat(PiiScanner.defaults(PiiMode.BALANCED).find(text))
                .anyMatch(c -> c.type().equals("STREET_ADDRESS") && text.substring(c.start(), c.end()).endsWith("21959"));
    }
}
