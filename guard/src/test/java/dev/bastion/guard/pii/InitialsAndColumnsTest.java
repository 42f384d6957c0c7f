package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A boundary rule of {@link SpanRules#refine} (issue 14, part 2, round twelve), on text written for this test: a
 * middle initial that is also the pronoun I or the article A stays inside the name; and the column gap that
 * {@link CompanyForms} does not cross.
 */
class InitialsAndColumnsTest {

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void aMiddleInitialStaysInsideTheName(PiiMode mode) {
        for (String name : new String[] {"Maren I. Stokkeland", "Trond A. Hegvik"}) {
            String text = "Ask " + name + " about the invoice.";
            assertThat(PiiScanner.defaults(mode).find(text)).extracting(c -> text.substring(c.start(), c.end()))
                    .contains(name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Maren I. Stokkeland", "Ask Trond A. Hegvik"})
    void theInitialIsOneCapitalAndAFullStopBetweenTwoNameWords(String text) {
        Tokens t = Tokens.of(text);
        int k = text.contains(" I.") ? 1 : 2;
        assertThat(SpanRules.middleInitial(t, k, t.size - 1)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"so I. Stokkeland left", "Maren I. said", "Maren I Stokkeland", "Maren A.\nHegvik"})
    void otherwiseIAndAAreNoInitials(String text) {
        Tokens t = Tokens.of(text);
        int k = 1;
        assertThat(SpanRules.middleInitial(t, k, t.size - 1)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Tuva Lid  Hamar", "Tuva Lid\tHamar", "Tuva Lid \t Hamar"})
    void twoSpacesOrATabAreAColumnGap(String text) {
        Tokens t = Tokens.of(text);
        assertThat(SpanRules.columnGap(t, 2)).isTrue();
        assertThat(SpanRules.columnGap(t, 1)).isFalse();
    }
}
