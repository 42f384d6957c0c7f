package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A full name that answers a question for a name is a person (issue 14, part 2, round twelve), on transcripts
 * written for this test with invented names; one word, a longer answer or a question about something else is not.
 */
class NameAnswersTest {

    private static List<String> answers(String text) {
        return NameAnswers.find(Tokens.of(text)).stream().map(c -> text.substring(c.start(), c.end())).toList();
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void aFullNameAnsweringANameQuestionIsReported(PiiMode mode) {
        String text = "Agent: What's the name on the policy? Caller: Brynjulva Skaarvold";
        assertThat(PiiScanner.defaults(mode).find(text)).extracting(c -> text.substring(c.start(), c.end()))
                .contains("Brynjulva Skaarvold");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "What's the name on the policy? Caller: Brynjulva Skaarvold",
        "Your full name?\nBrynjulva Skaarvold.",
        "Which names are on the lease? Brynjulva Skaarvold"})
    void theAnswerTurnIsTheName(String text) {
        assertThat(answers(text)).containsExactly("Brynjulva Skaarvold");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "What is the name of the river? Tana.",
        "What's the name on the policy? Brynjulva Skaarvold and her son",
        "Where do you live? Brynjulva Skaarvold",
        "Name the river. Is it long? Tana Elva"})
    void otherAnswersAreNoNames(String text) {
        assertThat(answers(text)).isEmpty();
    }
}
