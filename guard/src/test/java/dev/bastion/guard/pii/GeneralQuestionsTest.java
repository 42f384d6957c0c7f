package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The balanced mode's rule for general questions about a named subject, and for natural features (issue 14, part
 * 2, round nine), on text written for this test: a one-sentence question whose only candidates are names is not
 * redacted in the balanced mode; a question that ties the name to the user, carries another identifier, or runs
 * over several sentences or lines is; the recall mode reports every name.
 */
class GeneralQuestionsTest {

    private static List<String> found(PiiMode mode, String text) {
        return PiiScanner.defaults(mode).find(text).stream().map(c -> text.substring(c.start(), c.end())).toList();
    }

    @Test
    void aOneSentenceQuestionAboutANamedPersonIsNotRedactedInBalancedMode() {
        assertThat(found(PiiMode.BALANCED, "When was Marie Curie born?")).isEmpty();
        assertThat(found(PiiMode.BALANCED, "What if Napoleon Bonaparte had won the battle of Waterloo?")).isEmpty();
        assertThat(found(PiiMode.BALANCED, "Why did Ernest Shackleton sail south in 1914?")).isEmpty();
    }

    @Test
    void theRecallModeStillReportsTheName() {
        assertThat(found(PiiMode.RECALL, "When was Marie Curie born?")).contains("Marie Curie");
    }

    @Test
    void theSameNameOutsideTheQuestionFormIsStillReported() {
        assertThat(found(PiiMode.BALANCED, "Marie Curie was born in Warsaw.")).contains("Marie Curie");
    }

    @Test
    void aQuestionThatTiesTheNameToTheUserIsStillRedacted() {
        assertThat(found(PiiMode.BALANCED, "Why is my neighbour Tobias Lindqvist so rude to everyone?"))
                .contains("Tobias Lindqvist");
        assertThat(found(PiiMode.BALANCED, "Have you met Tobias Lindqvist before?")).contains("Tobias Lindqvist");
        assertThat(found(PiiMode.BALANCED, "Could Tobias Lindqvist drive us to Bergen tomorrow?"))
                .contains("Tobias Lindqvist");
    }

    @Test
    void aQuestionWithAnotherIdentifierKeepsItsNames() {
        String text = "Is tobias.lindqvist@example.org the address of Tobias Lindqvist?";
        assertThat(found(PiiMode.BALANCED, text)).contains("tobias.lindqvist@example.org", "Tobias Lindqvist");
    }

    @Test
    void aNameReportedInAnotherSegmentOfTheRequestIsReportedInTheQuestionToo() {
        // a pseudonym in the first message and the real name in the second would tell the model which is which
        PiiScanner scanner = PiiScanner.defaults(PiiMode.BALANCED);
        List<dev.bastion.guard.Finding> linked = scanner.scan(List.of(
                "My neighbour Tobias Lindqvist parks on our lawn.", "Why is Tobias Lindqvist so rude?"));
        assertThat(linked).anyMatch(f -> f.segment() == 0 && f.type().equals("PERSON"))
                .anyMatch(f -> f.segment() == 1 && f.type().equals("PERSON"));
        assertThat(scanner.scan(List.of("You are a helpful assistant.", "When was Marie Curie born?"))).isEmpty();
    }

    @Test
    void moreThanOneSentenceOrLineIsNotAGeneralQuestion() {
        assertThat(GeneralQuestions.matches(Tokens.of("When was Marie Curie born?"))).isTrue();
        assertThat(GeneralQuestions.matches(Tokens.of("Tobias Lindqvist called. When was he born?"))).isFalse();
        assertThat(GeneralQuestions.matches(Tokens.of("Patient: Tobias Lindqvist\nWhen was he admitted?"))).isFalse();
        assertThat(GeneralQuestions.matches(Tokens.of("Tobias Lindqvist, can you call back?"))).isFalse();
        assertThat(GeneralQuestions.matches(Tokens.of("When was Marie Curie born"))).isFalse();
        assertThat(GeneralQuestions.matches(Tokens.of("Was Robert Downey Jr. ever in Oslo?"))).isTrue();
    }

    @Test
    void aLongQuestionIsNotAGeneralQuestion() {
        String words = "word ".repeat(GeneralQuestions.MAX_WORDS);
        assertThat(GeneralQuestions.matches(Tokens.of("Why did Marie Curie " + words + "?"))).isFalse();
    }

    @Test
    void aNaturalFeatureIsNotReportedInBalancedModeButACityIs() {
        assertThat(Regions.naturalFeature(Tokens.of("Amazon River"), 0, 1)).isTrue();
        assertThat(Regions.naturalFeature(Tokens.of("Mount Kilimanjaro"), 0, 1)).isTrue();
        assertThat(Regions.naturalFeature(Tokens.of("the Dead Sea"), 0, 2)).isTrue();
        assertThat(Regions.naturalFeature(Tokens.of("River"), 0, 0)).isFalse(); // a first name
        assertThat(Regions.naturalFeature(Tokens.of("Tobias Lindqvist"), 0, 1)).isFalse();
        String text = "The expedition followed the Orinoco River for weeks before it reached Ciudad Bolivar.";
        assertThat(found(PiiMode.BALANCED, text)).noneMatch(s -> s.contains("River"));
        assertThat(refinedAs("ORGANIZATION", PiiMode.BALANCED, "Mount Kilimanjaro is tall.", 17)).isEmpty();
        assertThat(refinedAs("ORGANIZATION", PiiMode.RECALL, "Mount Kilimanjaro is tall.", 17)).hasSize(1);
    }

    private static List<Recognizer.Candidate> refinedAs(String type, PiiMode mode, String text, int end) {
        Tokens t = Tokens.of(text);
        List<Recognizer.Candidate> out = new java.util.ArrayList<>();
        SpanRules.refine(t, new Recognizer.Candidate(type, 0, end, 0.85, "name-model"), mode, SpanRules.cased(t), out);
        return out;
    }
}
