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

    private static List<String> read(String text, PiiMode mode) {
        int[] r = ContextStage.regions(text, mode);
        List<String> out = new java.util.ArrayList<>();
        for (int k = 0; k < r.length; k += 2) {
            out.add(text.substring(r[k], r[k + 1]));
        }
        return out;
    }

    @Test
    void theGateReadsOnlyTheSentencesWithACapitalisedWordThatCanBeAName() {
        String text = "What is the capital of the country? Then i met Jonathan at the station. It was raining.\n"
                + "Thanks for the help.";
        assertThat(read(text, PiiMode.BALANCED)).containsExactly("Then i met Jonathan at the station.");
    }

    @Test
    void neighbouringCandidateSentencesAreReadAsOneRegion() {
        String text = "How are you? Anna lives in Leeds. She works for Acme Corp. What now?";
        assertThat(read(text, PiiMode.BALANCED))
                .containsExactly("Anna lives in Leeds. She works for Acme Corp.");
    }

    @Test
    void textThatDoesNotCapitaliseNamesIsReadWhole() {
        String text = "met anna in leeds yesterday. how are you";
        assertThat(ContextStage.regions(text, PiiMode.BALANCED)).containsExactly(0, text.length());
    }

    @Test
    void aLongRunOfSentencesIsReadInRegionsOfAboutOneWindow() {
        String sentence = "Anna Berg met Tom Lee in Leeds and they talked about the weather for a while. ";
        String text = sentence.repeat(20).strip(); // 17 tokens a sentence, 340 in all
        List<String> parts = read(text, PiiMode.BALANCED);
        assertThat(parts).hasSizeGreaterThan(2).allMatch(p -> p.length() <= 6 * sentence.length());
        assertThat(String.join(" ", parts)).isEqualTo(text);
    }

    @Test
    void recallModeAlsoReadsSentencesWithADigit() {
        String text = "Who is Anna? we live at 12 oak street. how nice.";
        assertThat(read(text, PiiMode.BALANCED)).containsExactly("Who is Anna?");
        assertThat(String.join("|", read(text, PiiMode.RECALL))).contains("we live at 12 oak street.");
    }

    @Test
    void theEncoderIsNotCalledForTextWithNoCandidateSentence() {
        TokenVectors refuses = text -> {
            throw new AssertionError("the encoder was called");
        };
        String text = "What is the best way to learn? Please explain it simply.";
        PiiScanner gated = PiiScanner.defaults().withContext(new ContextStage(always(1), refuses,
                ContextStage.Combine.REPLACE, ContextStage.Gate.CANDIDATES, 0));
        PiiScanner whole = PiiScanner.defaults().withContext(new ContextStage(always(1), refuses,
                ContextStage.Combine.REPLACE, ContextStage.Gate.ALL, 0));
        assertThat(gated.find(text)).isEqualTo(PiiScanner.defaults().find(text));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> whole.find(text)).isInstanceOf(AssertionError.class);
    }

    @Test
    void gatedVectorsCarryTheSpansOfTheWholeText() {
        String text = "How are you? Anna lives in Leeds.";
        int[] r = ContextStage.regions(text, PiiMode.BALANCED);
        TokenVectors.Words w = WORDS.of(text, r).orElseThrow();
        assertThat(text.substring(w.start()[0], w.end()[0])).isEqualTo("Anna");
        assertThat(text.substring(w.start()[w.size() - 1], w.end()[w.size() - 1])).isEqualTo("Leeds.");
    }

    @Test
    void theBalancedFloorKeepsWordsBelowItOutOfSpans() {
        // a model that is unsure: for every word P(O) = 14/28 = 0.5, P(B-PERSON) = 7/28, each other tag 1/28
        int dim = ContextFeatures.DIM;
        float[] b2 = new float[ContextModel.TAGS];
        b2[0] = (float) Math.log(14);
        b2[1] = (float) Math.log(7);
        ContextModel unsure = new ContextModel("written for a test", false, dim, 0, new float[dim], new float[dim],
                new float[0], new float[0], new float[ContextModel.TAGS * dim], b2);
        String text = "Yesterday Kowalczyk Zbigniewski wrote from Przemysl.";
        PiiScanner low = PiiScanner.defaults().withContext(new ContextStage(unsure, WORDS,
                ContextStage.Combine.REPLACE, ContextStage.Gate.ALL, 0));
        PiiScanner high = PiiScanner.defaults().withContext(new ContextStage(unsure, WORDS,
                ContextStage.Combine.REPLACE, ContextStage.Gate.ALL, 0.6));
        assertThat(low.find(text)).anyMatch(c -> c.recognizer().equals("context-model"));
        assertThat(high.find(text)).noneMatch(c -> c.recognizer().equals("context-model"));
    }

    @Test
    void aFloorOutsideZeroToOneIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ContextStage(always(0), WORDS,
                ContextStage.Combine.FILL, ContextStage.Gate.ALL, 1.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
