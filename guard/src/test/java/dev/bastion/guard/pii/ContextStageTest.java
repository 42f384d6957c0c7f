package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How the contextual stage meets the first stage, with written models and a fake encoder (no MiniLM here). */
class ContextStageTest {
    private static final String TEXT = "Yesterday Jonathan Miller wrote to anna.berg@example.com from Amsterdam.";

    /** A model that gives every word the same answer: tag {@code tag} with probability near 1. */
    private static ContextModel always(int tag) {
        int dim = ContextFeatures.DIM;
        float[] b2 = new float[ContextModel.TAGS];
        b2[tag] = 20;
        return new ContextModel("written for a test", false, dim, 0, new float[dim], new float[dim], new float[0],
                new float[0], new float[ContextModel.TAGS * dim], b2);
    }

    /** One zero vector per whitespace-separated word (enough for a model that ignores its input). */
    private static final TokenVectors WORDS = text -> {
        List<int[]> spans = new java.util.ArrayList<>();
        for (var m = java.util.regex.Pattern.compile("\\S+").matcher(text); m.find(); ) {
            spans.add(new int[] {m.start(), m.end()});
        }
        int[] s = spans.stream().mapToInt(a -> a[0]).toArray();
        int[] e = spans.stream().mapToInt(a -> a[1]).toArray();
        return Optional.of(new TokenVectors.Words(s, e, new float[s.length * TokenVectors.DIMENSIONS]));
    };

    private static List<String> types(PiiScanner s) {
        return s.find(TEXT).stream().map(c -> c.type() + ":" + TEXT.substring(c.start(), c.end())).toList();
    }

    @Test
    void aBusyEncoderLeavesTheFirstStagesFindingsUnchanged() {
        PiiScanner first = PiiScanner.defaults();
        PiiScanner busy = first.withContext(new ContextStage(always(1), text -> Optional.empty(),
                ContextStage.Combine.REPLACE));
        assertThat(types(busy)).isEqualTo(types(first)).contains("PERSON:Jonathan Miller");
        assertThat(busy.contextual()).isTrue();
        assertThat(first.contextual()).isFalse();
    }

    @Test
    void replaceLetsAStageThatSeesNothingRemoveNamesButNotPatternMatches() {
        PiiScanner s = PiiScanner.defaults().withContext(new ContextStage(always(0), WORDS,
                ContextStage.Combine.REPLACE));
        assertThat(types(s)).contains("EMAIL_ADDRESS:anna.berg@example.com")
                .noneMatch(t -> t.startsWith("PERSON") || t.startsWith("LOCATION"));
    }

    @Test
    void fillNeverRemovesAFirstStageSpan() {
        PiiScanner s = PiiScanner.defaults().withContext(new ContextStage(always(0), WORDS,
                ContextStage.Combine.FILL));
        assertThat(types(s)).isEqualTo(types(PiiScanner.defaults()));
    }

    @Test
    void wordsInsideAPatternMatchAreNeverPartOfAContextualSpan() {
        // a model that calls every word a person: the e-mail address stays an e-mail address
        PiiScanner s = PiiScanner.defaults(PiiMode.RECALL).withContext(new ContextStage(always(1), WORDS,
                ContextStage.Combine.REPLACE));
        assertThat(types(s)).contains("EMAIL_ADDRESS:anna.berg@example.com")
                .noneMatch(t -> t.startsWith("PERSON") && t.contains("@"));
    }
}
