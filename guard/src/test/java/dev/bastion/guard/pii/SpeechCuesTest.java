package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ones who speak in reported speech and narrative are people (issue 14, part 2, round twelve), on sentences
 * written for this test with invented names; pronouns, role words and publications are not.
 */
class SpeechCuesTest {

    private static List<String> speakers(String text) {
        return SpeechCues.find(Tokens.of(text)).stream().map(c -> text.substring(c.start(), c.end())).toList();
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void aSpeakerAfterAQuotationIsReported(PiiMode mode) {
        String text = "\"The river will rise again,\" says Skaarvold.";
        assertThat(PiiScanner.defaults(mode).find(text)).extracting(c -> text.substring(c.start(), c.end()))
                .contains("Skaarvold");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\"It is late,\" says Skaarvold.",
        "'Fine!' replied Skaarvold.",
        "\u201cNo.\u201d said Skaarvold",
        "Skaarvold shouted at the dog.",
        "Yes. Skaarvold whispered something."})
    void theSpeakerOfAQuotationOrAVerbOfShouting(String text) {
        assertThat(speakers(text)).containsExactly("Skaarvold");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"Go!\" said Tovald to Ilse", "Tovald shouted at Ilse"})
    void theOneSpokenToIsAPersonToo(String text) {
        assertThat(speakers(text)).containsExactly("Tovald", "Ilse");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\"It is late,\" she said.",
        "However, said the teacher, it is late.",
        "\"It is late,\" says The Guardian.",
        "Everyone shouted at once.",
        "The old Tovald shouted.",
        "He said Tovald was late."})
    void otherSubjectsAreNoSpeakers(String text) {
        assertThat(speakers(text)).isEmpty();
    }
}
