package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden tests on a real trained model: Karpathy's stories260K (llama2.c, TinyStories; MIT), converted to GGUF, in
 * the shared models folder (see its SOURCE.txt). It is a base model with a 512-token SentencePiece vocabulary and
 * no chat template, which random-weight models cannot stand in for.
 *
 * <p>The golden texts are llama.cpp's greedy continuations of {@value #TOKENS} tokens (de.kherud:llama 4.2.0,
 * ignore_eos, temperature 0), recorded once and checked again live by
 * {@link #continuationsAreWhatLlamaCppGives}. The first one is the story SOURCE.txt and llama2.c document for this
 * checkpoint. The file is found from the module directory (../../shared/models); without it these tests are
 * skipped, not passed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Stories260KTest {
    static final int TOKENS = 40;
    static final List<Path> PLACES = List.of(Path.of("../../shared/models/stories260K.gguf"),
            Path.of("../shared/models/stories260K.gguf"));

    private Path file;
    private LocalModel model;

    @BeforeAll
    void load() throws Exception {
        Optional<Path> found = PLACES.stream().filter(Files::isRegularFile).findFirst();
        assumeTrue(found.isPresent(), "stories260K.gguf not found at " + PLACES);
        file = found.get();
        model = LocalModel.load(file, new LocalModel.Options(512, 1, 0));
    }

    @AfterAll
    void close() {
        if (model != null) {
            model.close();
        }
    }

    static Stream<Arguments> golden() {
        return Stream.of(
                Arguments.of("Once upon a time", ", there was a little girl named Lily. She loved to play outside in "
                        + "the park. One day, she saw a big, red ball."),
                Arguments.of("The little girl", " named Lily went to the park with her mom. She saw a big box with a "
                        + "big box. She wanted to play with it, but it was too"),
                Arguments.of("Tom and his dog", ", Max, who lived in a big house. They liked to play with their toys "
                        + "and run around the house."),
                Arguments.of("One day, Ben went to the", " park with his mom. They saw a big box with a big box. The "
                        + "box was very small and small. Ben wanted to"),
                Arguments.of("Lily was sad because", " she loved to play with her toys. One day, she went to the park "
                        + "to play with her friends. They saw a big box with a big b"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("golden")
    void greedyContinuationIsTheGoldenTextByteForByte(String prompt, String expected) throws Exception {
        Completion c = model.generate(model.rawPrompt(prompt), greedy(), text -> true);
        assertThat(c.text()).isEqualTo(expected);
        assertThat(c.completionTokens()).isEqualTo(TOKENS);
        assertThat(c.finishReason()).isEqualTo(Completion.FinishReason.LENGTH);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("golden")
    void continuationsAreWhatLlamaCppGives(String prompt, String expected) {
        try (LlamaCpp cpp = new LlamaCpp(file, 512, 1)) {
            assertThat(String.join("", cpp.greedy(prompt, TOKENS))).isEqualTo(expected);
        }
    }

    @Test
    void theFirstGeneratedTokenKeepsTheSpaceBeforeItsWord() throws Exception {
        StringBuilder streamed = new StringBuilder();
        Completion c = model.generate(model.rawPrompt("The little girl"), new GenerationRequest(2, List.of(),
                SamplingParameters.greedy()), text -> {
                    streamed.append(text);
                    return true;
                });
        assertThat(c.text()).isEqualTo(" named Lily");
        assertThat(streamed.toString()).isEqualTo(c.text());
    }

    @Test
    void aTextContinuationIsWhatDecodingPromptAndAnswerTogetherAddsToThePrompt() throws Exception {
        Tokenizer t = model.tokenizer();
        int[] prompt = model.rawPrompt("Tom and his dog");
        Completion c = model.generate(prompt, greedy(), text -> true);
        int[] whole = model.rawPrompt("Tom and his dog" + c.text());
        assertThat(t.decode(whole)).isEqualTo(t.decode(prompt) + c.text());
    }

    @Test
    void theModelHasNoChatTemplateAndAChatIsRefusedSayingWhy() {
        assertThat(model.chatTemplate()).isEmpty();
        assertThatThrownBy(() -> model.chatPrompt(List.of(ChatMessage.user("Hello"))))
                .isInstanceOf(NoChatTemplateException.class)
                .hasMessageContaining("cannot chat")
                .hasMessageContaining("architecture \"llama\" with 512 tokens")
                .hasMessageContaining("no tokenizer.chat_template")
                .hasMessageContaining("base model")
                .hasMessageNotContaining("Hello");
        assertThatThrownBy(model::requireChatTemplate).isInstanceOf(NoChatTemplateException.class);
    }

    @Test
    void aGenerationEndedByAStopSequenceNamesItAndOneThatRanOutNamesNone() throws Exception {
        StringBuilder streamed = new StringBuilder();
        Completion stopped = model.generate(model.rawPrompt("Once upon a time"),
                new GenerationRequest(TOKENS, List.of("park", "Lily"), SamplingParameters.greedy()), text -> {
                    streamed.append(text);
                    return true;
                });
        assertThat(stopped.text()).isEqualTo(", there was a little girl named ").hasToString(streamed.toString());
        assertThat(stopped.finishReason()).isEqualTo(Completion.FinishReason.STOP);
        assertThat(stopped.stopSequence()).isEqualTo("Lily");
        Completion ran = model.generate(model.rawPrompt("Once upon a time"), greedy(), text -> true);
        assertThat(ran.finishReason()).isEqualTo(Completion.FinishReason.LENGTH);
        assertThat(ran.stopSequence()).isEmpty();
    }

    private static GenerationRequest greedy() {
        return new GenerationRequest(TOKENS, List.of(), SamplingParameters.greedy());
    }
}
