package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class VocabularyTest {

    private static final List<String> TOKENS = List.of("a", "b", "ab", "</s>", "<|eot_id|>", "<|im_end|>");

    private static Vocabulary vocabulary(float[] scores, int[] types, List<String> merges, int bos, int eos,
                                         OptionalInt eot) {
        return new Vocabulary("gpt2", "qwen2", TOKENS, scores, types, merges, bos, eos, eot, false);
    }

    @Test
    void aConsistentVocabularyIsAccepted() {
        var v = vocabulary(new float[0], new int[] {1, 1, 1, 3, 3, 1}, List.of("a b"), 0, 3, OptionalInt.of(4));
        assertThat(v.size()).isEqualTo(6);
        assertThat(v.merges()).containsExactly("a b");
    }

    @Test
    void scoresOfTheWrongLengthAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> vocabulary(new float[] {1f}, new int[0], List.of(), 0, 1, OptionalInt.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer.ggml.scores has 1 entries")
                .hasMessageContaining("6");
    }

    @Test
    void anUnknownTokenTypeIsRefusedWithItsIndex() {
        assertThatThrownBy(() -> vocabulary(new float[0], new int[] {1, 1, 9, 1, 1, 1}, List.of(), 0, 1,
                OptionalInt.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer.ggml.token_type[2] is 9");
    }

    @Test
    void specialTokenIdsOutsideTheVocabularyAreRefused() {
        assertThatThrownBy(() -> vocabulary(new float[0], new int[0], List.of(), 6, 1, OptionalInt.empty()))
                .hasMessageContaining("tokenizer.ggml.bos_token_id is 6");
        assertThatThrownBy(() -> vocabulary(new float[0], new int[0], List.of(), 0, -1, OptionalInt.empty()))
                .hasMessageContaining("tokenizer.ggml.eos_token_id is -1");
        assertThatThrownBy(() -> vocabulary(new float[0], new int[0], List.of(), 0, 1, OptionalInt.of(99)))
                .hasMessageContaining("tokenizer.ggml.eot_token_id is 99");
    }

    @Test
    void aMergeThatIsNotTwoTokensIsRefused() {
        assertThatThrownBy(() -> vocabulary(new float[0], new int[0], List.of("ab"), 0, 1, OptionalInt.empty()))
                .hasMessageContaining("tokenizer.ggml.merges[0]");
    }

    @Test
    void anEmptyVocabularyIsRefused() {
        assertThatThrownBy(() -> new Vocabulary("gpt2", "qwen2", List.of(), new float[0], new int[0], List.of(), 0,
                0, OptionalInt.empty(), false)).hasMessageContaining("tokenizer.ggml.tokens is empty");
    }

    @Test
    void endOfGenerationTokensAreEosEotAndNamedControlTokens() {
        var v = vocabulary(new float[0], new int[] {1, 1, 1, 3, 3, 3}, List.of(), 0, 1, OptionalInt.of(4));
        assertThat(v.endOfGenerationTokens()).containsExactly(1, 4, 3, 5);
    }

    @Test
    void namedTokensThatAreNotControlTokensDoNotEndGeneration() {
        var v = vocabulary(new float[0], new int[] {1, 1, 1, 1, 1, 1}, List.of(), 0, 1, OptionalInt.empty());
        assertThat(v.endOfGenerationTokens()).containsExactly(1);
    }

    @Test
    void arraysAreCopiedInAndOut() {
        float[] scores = {0, 1, 2, 3, 4, 5};
        var v = new Vocabulary("llama", "default", TOKENS, scores, new int[0], List.of(), 0, 1, OptionalInt.empty(),
                true);
        scores[0] = 42;
        v.scores()[1] = 42;
        assertThat(v.scores()).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(v).isEqualTo(new Vocabulary("llama", "default", TOKENS, new float[] {0, 1, 2, 3, 4, 5},
                new int[0], List.of(), 0, 1, OptionalInt.empty(), true));
    }
}
