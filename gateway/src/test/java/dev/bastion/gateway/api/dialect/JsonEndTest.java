package dev.bastion.gateway.api.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where streamed tool arguments end: examples that have ended and near misses that have not, whole and char by char. */
class JsonEndTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{}|true",
        "`  {\"city\":\"Paris\"}`|true",
        "[1,[2,{}]]|true",
        "`{\"q\":\"}]\"}`|true",
        "`{\"q\":\"a\\\"}\"}`|true",
        "`{\"q\":\"\\\\\"}`|true",
        "`{\"city\":\"Paris\"`|false",
        "`{\"q\":\"}`|false",
        "`{\"q\":\"\\\"}`|false",
        "`{\"a\":{\"b\":1}`|false",
        "`\"just a string\"`|false",
        "42|false",
        "`not json {}`|false",
        "`   `|false",
    })
    void argumentsHaveEndedOnlyWhenTheirOpeningBracketIsClosedOutsideStrings(String text, boolean ended) {
        JsonEnd whole = new JsonEnd();
        whole.push(text);
        assertThat(whole.complete()).isEqualTo(ended);
        JsonEnd pieces = new JsonEnd();
        text.chars().forEach(c -> pieces.push(Character.toString(c)));
        assertThat(pieces.complete()).as("char by char").isEqualTo(ended);
    }
}
