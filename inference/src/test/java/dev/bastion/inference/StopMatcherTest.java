package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopMatcherTest {
    @Test
    void aStopSplitAcrossPiecesIsNeverReleased() {
        StopMatcher m = new StopMatcher(List.of("</answer>"));
        StringBuilder out = new StringBuilder();
        for (String piece : List.of("The result", " is 4</ans", "wer> and more")) {
            out.append(m.push(piece));
        }
        assertThat(out.toString()).isEqualTo("The result is 4");
        assertThat(m.stopped()).isTrue();
        assertThat(m.flush()).isEmpty();
    }

    @Test
    void textThatOnlyLooksLikeTheStartOfAStopIsReleasedLater() {
        StopMatcher m = new StopMatcher(List.of("STOP"));
        assertThat(m.push("a ST")).isEqualTo("a ");
        assertThat(m.push("ATION")).isEqualTo("STATION");
        assertThat(m.push(" ST")).isEqualTo(" ");
        assertThat(m.flush()).isEqualTo("ST");
        assertThat(m.stopped()).isFalse();
    }

    @Test
    void theEarliestOfSeveralStopsWins() {
        StopMatcher m = new StopMatcher(List.of("\n\n", "User:"));
        assertThat(m.push("hello User: x\n\ny")).isEqualTo("hello ");
    }

    @Test
    void theStopThatEndedTheTextIsNamedAndNoneIsNamedBeforeOneMatches() {
        StopMatcher m = new StopMatcher(List.of("User:", "\n\n"));
        assertThat(m.push("hello\n")).isEqualTo("hello");
        assertThat(m.matched()).isEmpty();
        assertThat(m.push("\nUser: x")).isEmpty();
        assertThat(m.matched()).contains("\n\n");
    }

    @Test
    void atTheSameStartTheShorterStopIsTheOneThatMatched() {
        StopMatcher m = new StopMatcher(List.of("END!", "END"));
        assertThat(m.push("done END! now")).isEqualTo("done ");
        assertThat(m.matched()).contains("END");
    }

    @Test
    void aGenerationWithoutAStopNamesNone() {
        StopMatcher m = new StopMatcher(List.of("STOP"));
        assertThat(m.push("a ST")).isEqualTo("a ");
        assertThat(m.flush()).isEqualTo("ST");
        assertThat(m.matched()).isEmpty();
    }
}
