package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The char table must answer as the JDK's Character methods do, for every one of the 65,536 chars. */
class CharsTest {

    @Test
    void everyCharIsClassifiedExactlyAsCharacterDoes() {
        int mismatches = 0;
        int letters = 0;
        int spaces = 0;
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            char ch = (char) c;
            boolean same = Chars.space(ch) == Character.isWhitespace(ch) && Chars.letter(ch) == Character.isLetter(ch)
                    && Chars.digit(ch) == Character.isDigit(ch)
                    && Chars.letterOrDigit(ch) == Character.isLetterOrDigit(ch)
                    && Chars.upper(ch) == Character.isUpperCase(ch) && Chars.lower(ch) == Character.isLowerCase(ch);
            mismatches += same ? 0 : 1;
            letters += Chars.letter(ch) ? 1 : 0;
            spaces += Chars.space(ch) ? 1 : 0;
        }
        assertThat(mismatches).isZero();
        assertThat(letters).isGreaterThan(40_000); // the table is filled, not all false
        assertThat(spaces).isGreaterThan(20);
    }

    @Test
    void lettersOfSeveralScriptsAndTheirCasesAreSeen() {
        assertThat(Chars.upper('Ж')).isTrue();
        assertThat(Chars.lower('ж')).isTrue();
        assertThat(Chars.letter('名')).isTrue();
        assertThat(Chars.digit('٣')).isTrue(); // an Arabic-Indic digit
        assertThat(Chars.space('\u2003')).isTrue(); // an em space
        assertThat(Chars.space('\u00a0')).isFalse(); // no-break space: not whitespace for Character either
        assertThat(Chars.letterOrDigit('-')).isFalse();
    }
}
