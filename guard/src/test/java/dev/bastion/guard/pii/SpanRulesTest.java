package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpanRulesTest {

    @Test
    void noWordThatIsNeverANameIsAKnownFirstName() {
        assertThat(SpanRules.NOT_NAMES).hasSizeGreaterThan(500);
        for (String first : Gazetteers.get().list(Gazetteers.FIRST)) {
            assertThat(SpanRules.NOT_NAMES).as(first).doesNotContain(first.toLowerCase(java.util.Locale.ROOT));
        }
    }

    @Test
    void typographicApostrophesReadAsStraightOnes() {
        assertThat(SpanRules.notName("don\u2019t")).isTrue();
        assertThat(SpanRules.notName("don't")).isTrue();
        assertThat(SpanRules.notName("martha")).isFalse();
    }

    @Test
    void aTextIsCasedWhenItHasBothCapitalisedAndLowerCaseWords() {
        assertThat(SpanRules.cased(Tokens.of("Hello there, my friend"))).isTrue();
        assertThat(SpanRules.cased(Tokens.of("hello there, my friend"))).isFalse();
        assertThat(SpanRules.cased(Tokens.of("NO ACUTE DISTRESS"))).isFalse();
    }
}
