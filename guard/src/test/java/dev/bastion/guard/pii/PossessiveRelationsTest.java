package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The owner of a relative or of contact data, named in the possessive, is a person (issue 14, part 2, round
 * twelve), on sentences written for this test with invented names; calendar words, pronouns and other owners are
 * not.
 */
class PossessiveRelationsTest {

    private static List<String> owners(String text) {
        return PossessiveRelations.find(Tokens.of(text)).stream().map(c -> text.substring(c.start(), c.end())).toList();
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void theOwnerOfARelativeIsReported(PiiMode mode) {
        String text = "Ilse: \"Who are you?\" Tracy: \"I'm Brynjulva's daughter.\"";
        assertThat(PiiScanner.defaults(mode).find(text)).extracting(c -> text.substring(c.start(), c.end()))
                .contains("Brynjulva");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Tovald's wife called.", "Send it to Tovald's address.", "Tovald\u2019s phone is off.",
        "i met henrik's sister"})
    void aPossessiveBeforeARelativeOrContactData(String text) {
        assertThat(owners(text)).hasSize(1).allMatch(o -> o.equalsIgnoreCase("tovald") || o.equals("henrik"));
    }

    @Test
    void aFullNameInThePossessiveIsTakenWhole() {
        assertThat(owners("Tovald Skaarvik's son lives here.")).containsExactly("Tovald Skaarvik");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Today's son of the nation.", "Everyone's friend.", "The company's address.",
        "My mother's sister.", "Tovald's car is red.", "glorp's sister"})
    void otherOwnersAreNoNames(String text) {
        assertThat(owners(text)).isEmpty();
    }
}
