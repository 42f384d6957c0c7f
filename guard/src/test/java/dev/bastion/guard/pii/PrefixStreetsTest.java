package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Streets written street word first ("ul. Brattska 61", "Via dei Brattini 17") and glued street words written as a
 * word of their own ("Brattska Strasse 89") are addresses (issue 14, part 2, round eleven), on sentences written
 * for this test with invented street names; a street word with no name or no number after it is not.
 */
class PrefixStreetsTest {

    private static String address(String text) {
        return PiiScanner.defaults(PiiMode.BALANCED).find(text).stream()
                .filter(c -> c.type().equals("STREET_ADDRESS")).map(c -> text.substring(c.start(), c.end()))
                .findFirst().orElse("");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Send it to ul. Brattska 53 please.|ul. Brattska 53",
        "She lives on Via dei Brattini 17 now.|Via dei Brattini 17",
        "Deliver to Rua do Brattal 46?|Rua do Brattal 46",
        "The bus station is on Brattska Strasse 89|Brattska Strasse 89"})
    void theStreetIsReported(String text, String expected) {
        assertThat(address(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "We walked along the via to 12 o'clock mass.|",
        "Take the rue and turn left.|",
        "Via Brattini is closed today.|"})
    void aStreetWordWithoutANameAndNumberIsNoAddress(String text, String expected) {
        assertThat(address(text)).isEmpty();
    }
}
