package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The speakers of a transcript are people when one of them is a known first name (issue 14, part 2, round
 * eleven), on dialogues written for this test with invented names; role and section labels, a single label and a
 * text whose labels are all unknown words report nothing.
 */
class SpeakerLabelsTest {

    private static List<String> speakers(String text) {
        return SpeakerLabels.find(Tokens.of(text)).stream().map(c -> text.substring(c.start(), c.end())).toList();
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void anUnknownSpeakerBesideAKnownOneIsReported(PiiMode mode) {
        String text = "Brynjulv: Where were you last night? Michael: At the shop, as always.";
        assertThat(PiiScanner.defaults(mode).find(text)).extracting(c -> text.substring(c.start(), c.end()))
                .contains("Brynjulv", "Michael");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Brynjulv: Where were you?\nMichael: At the shop.",
        "Brynjulv: \"Where were you?\" Michael:\"At the shop.\""})
    void turnsOpenLinesOrSentences(String text) {
        assertThat(speakers(text)).containsExactly("Brynjulv", "Michael");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "User: hello there. Assistant: Hi, how can I help?",
        "Note: the form is due. Summary: nothing else.",
        "Michael: I will be late today.",
        "Status: stable. Plan: discharge tomorrow. Diet: regular.",
        "We met at ten: Michael arrived first."})
    void rolesSectionsAndSingleLabelsAreNoSpeakers(String text) {
        assertThat(speakers(text)).isEmpty();
    }
}
