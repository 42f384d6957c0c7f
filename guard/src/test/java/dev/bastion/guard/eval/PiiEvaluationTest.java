package dev.bastion.guard.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PiiEvaluationTest {
    private static final String TEXT = "Anna Berg lives in Oslo.";

    @Test
    void anExactSpanNeedsTheSameTypeStartAndEndUnderTheStrictNames() {
        PiiEvaluation e = new PiiEvaluation(0);
        e.add(TEXT, List.of(new PiiTokenScore.Span("PERSON", 0, 9), new PiiTokenScore.Span("GPE", 19, 23)),
                List.of(new PiiTokenScore.Span("PERSON", 0, 4), new PiiTokenScore.Span("LOCATION", 19, 23)));
        assertThat(e.exactSpans()).containsOnlyKeys("PERSON", "LOCATION");
        assertThat(e.exactSpans().get("LOCATION")).containsExactly(1, 1, 1); // GPE and LOCATION are one name
        assertThat(e.exactSpans().get("PERSON")).containsExactly(0, 1, 1);
    }

    @Test
    void everyModeScoresTheSameTextAndOnlyTheStrictOneKeepsErrors() {
        PiiEvaluation e = new PiiEvaluation(5);
        e.add(TEXT, List.of(new PiiTokenScore.Span("PERSON", 0, 9)), List.of(new PiiTokenScore.Span("PERSON", 0, 4)));
        assertThat(e.tokenScores()).extracting(PiiTokenScore::mode).containsExactlyElementsOf(PiiEvaluation.MODES);
        assertThat(e.tokenScores()).allSatisfy(s -> assertThat(s.counts("PERSON", false)).containsExactly(1, 1, 2));
        assertThat(e.tokenScores().get(0).errors()).singleElement().asString().startsWith("PERSON -> O\tBerg");
        assertThat(e.tokenScores().get(1).errors()).isEmpty();
    }
}
