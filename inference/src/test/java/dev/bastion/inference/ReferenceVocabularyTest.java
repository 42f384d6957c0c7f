package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Properties of our tokenizer on the three reference vocabularies, over the corpus and seeded random text. */
class ReferenceVocabularyTest {

    static final int RANDOM_TEXTS = 400;

    @ParameterizedTest
    @EnumSource(ReferenceTokenizers.Family.class)
    void decodeOfEncodeIsTheTextForCorpusAndRandomText(ReferenceTokenizers.Family family) {
        var t = Tokenizer.of(HfVocabularies.load(family).vocabulary());
        var texts = new ArrayList<>(TextCorpus.texts(100));
        var random = new SplittableRandom(family.ordinal() * 7919L + 1);
        for (int i = 0; i < RANDOM_TEXTS; i++) {
            texts.add(RandomText.next(random, 60, true));
        }
        for (String text : texts) {
            assertThat(t.decode(t.encode(text))).as(TokenizerDifferentialTest.quote(text))
                    .isEqualTo(expectedRoundTrip(family, text));
        }
    }

    /** The text itself; for SentencePiece a literal U+2581 comes back as the space it stands for. */
    private static String expectedRoundTrip(ReferenceTokenizers.Family family, String text) {
        return family == ReferenceTokenizers.Family.LLAMA2 ? text.replace('\u2581', ' ') : text;
    }

    @ParameterizedTest
    @EnumSource(ReferenceTokenizers.Family.class)
    void encodeAgreesWithTheReferenceOnRandomText(ReferenceTokenizers.Family family) throws Exception {
        HfVocabularies.Converted converted = HfVocabularies.load(family);
        var t = Tokenizer.of(converted.vocabulary());
        var random = new SplittableRandom(family.ordinal() * 104729L + 3);
        var mismatches = new ArrayList<String>();
        try (var reference = HuggingFaceTokenizer.builder().optTokenizerPath(converted.tokenizerJson())
                .optAddSpecialTokens(false).build()) {
            for (int i = 0; i < RANDOM_TEXTS; i++) {
                // NFC, as Qwen's tokenizer.json normalises; assigned code points only (Unicode versions differ).
                String text = Normalizer.normalize(RandomText.next(random, 40, false), Normalizer.Form.NFC);
                if (text.isEmpty()) {
                    continue;
                }
                int[] expected = Arrays.stream(reference.encode(text).getIds()).mapToInt(Math::toIntExact).toArray();
                if (!Arrays.equals(expected, t.encode(text))) {
                    mismatches.add(TokenizerDifferentialTest.quote(text));
                }
            }
        }
        assertThat(mismatches).as(family + ": random texts encoded differently from the reference").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ReferenceTokenizers.Family.class)
    void plainTextWithEveryControlTokenStringHasNoControlToken(ReferenceTokenizers.Family family) {
        Vocabulary v = HfVocabularies.load(family).vocabulary();
        var t = Tokenizer.of(v);
        int[] types = v.tokenTypes();
        var controls = new StringBuilder();
        List<Integer> controlIds = new ArrayList<>();
        for (int id = 0; id < v.size(); id++) {
            if (types[id] == Vocabulary.CONTROL) {
                controls.append(v.tokens().get(id)).append("x ");
                controlIds.add(id);
            }
        }
        assertThat(controlIds).isNotEmpty();
        int[] plain = t.encode(controls.toString());
        for (int id : plain) {
            assertThat(types[id]).as("token " + id + " (" + t.token(id) + ")").isNotEqualTo(Vocabulary.CONTROL);
        }
        assertThat(t.decode(plain)).isEqualTo(controls.toString());
        int[] special = t.encodeWithSpecialTokens(controls.toString());
        assertThat(Arrays.stream(special).filter(id -> types[id] == Vocabulary.CONTROL).count())
                .isEqualTo(controlIds.size());
    }

    @ParameterizedTest
    @EnumSource(ReferenceTokenizers.Family.class)
    void encodeChatEqualsEncodingTheRenderedPromptWhenContentIsHonest(ReferenceTokenizers.Family family) {
        var t = Tokenizer.of(HfVocabularies.load(family).vocabulary());
        ChatTemplate template = switch (family) {
            case LLAMA3 -> ChatTemplate.LLAMA3;
            case QWEN3 -> ChatTemplate.CHATML;
            case LLAMA2 -> ChatTemplate.LLAMA2;
        };
        var chat = List.of(ChatMessage.system("Réponds en français."), ChatMessage.user("What's 2+2? 🤔"),
                ChatMessage.assistant("4."), ChatMessage.user("  Et  10 × 10 ?\n"));
        for (ChatTemplate each : family == ReferenceTokenizers.Family.LLAMA2
                ? List.of(template, ChatTemplate.MISTRAL) : List.of(template)) {
            String prompt = each.render(chat, true);
            assertThat(each.encodeChat(t, chat, true)).as(each.name())
                    .containsExactly(t.encodeWithSpecialTokens(prompt));
            assertThat(t.decode(each.encodeChat(t, chat, true))).isEqualTo(prompt);
        }
    }

    @ParameterizedTest
    @EnumSource(ReferenceTokenizers.Family.class)
    void streamedTextEqualsDecodedText(ReferenceTokenizers.Family family) {
        var t = Tokenizer.of(HfVocabularies.load(family).vocabulary());
        var random = new SplittableRandom(family.ordinal() + 17L);
        var texts = new ArrayList<>(TextCorpus.texts(50));
        for (int i = 0; i < 100; i++) {
            texts.add(RandomText.next(random, 50, true));
        }
        for (String text : texts) {
            var decoder = new TokenTextDecoder(t);
            var streamed = new StringBuilder();
            for (int id : t.encode(text)) {
                String piece = decoder.push(id);
                assertThat(piece).doesNotContain("\ufffd");
                streamed.append(piece);
            }
            streamed.append(decoder.flush());
            assertThat(streamed.toString()).as(TokenizerDifferentialTest.quote(text))
                    .isEqualTo(expectedRoundTrip(family, text));
        }
    }

    @ParameterizedTest
    @EnumSource(ReferenceTokenizers.Family.class)
    void endOfGenerationTokensAreTheFamilysTurnEnds(ReferenceTokenizers.Family family) {
        Vocabulary v = HfVocabularies.load(family).vocabulary();
        var names = v.endOfGenerationTokens().stream().map(id -> v.tokens().get(id)).toList();
        switch (family) {
            case LLAMA3 -> assertThat(names).contains("<|end_of_text|>", "<|eot_id|>");
            case QWEN3 -> assertThat(names).contains("<|im_end|>", "<|endoftext|>");
            case LLAMA2 -> assertThat(names).containsExactly("</s>");
        }
    }
}
