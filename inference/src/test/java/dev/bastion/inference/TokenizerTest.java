package dev.bastion.inference;

import static dev.bastion.inference.TinyVocabularies.bl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalInt;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The tokenizer on small hand-made vocabularies (the reference vocabularies are in the differential tests). */
class TokenizerTest {

    private static String pieces(Tokenizer t, int[] ids) {
        var sb = new StringBuilder();
        for (int id : ids) {
            sb.append('[').append(t.token(id)).append(']');
        }
        return sb.toString();
    }

    @Test
    void theLowestRankedMergeIsAppliedFirst() {
        var elFirst = Tokenizer.of(TinyVocabularies.byteLevel("qwen2", List.of("e l", "l l")));
        var llFirst = Tokenizer.of(TinyVocabularies.byteLevel("qwen2", List.of("l l", "e l")));
        assertThat(pieces(elFirst, elFirst.encode("ell"))).isEqualTo("[el][l]");
        assertThat(pieces(llFirst, llFirst.encode("ell"))).isEqualTo("[e][ll]");
    }

    @Test
    void mergesBuildWholeWordsIncludingTheirLeadingSpace() {
        var t = Tokenizer.of(TinyVocabularies.byteLevel("qwen2",
                List.of("h e", "l l", "he ll", "hell o", bl(" ") + " w", bl(" w") + " o")));
        assertThat(pieces(t, t.encode("hello wo"))).isEqualTo("[hello][" + bl(" wo") + "]");
    }

    @Test
    void withoutMergesEveryUtf8ByteIsAToken() {
        var t = Tokenizer.of(TinyVocabularies.byteLevel("llama-bpe", List.of()));
        assertThat(t.encode("é😀")).hasSize(6);
        assertThat(t.decode(t.encode("é😀"))).isEqualTo("é😀");
    }

    @Test
    void plainTextNeverProducesControlTokensButTemplatesDo() {
        var t = Tokenizer.of(TinyVocabularies.byteLevel("qwen2", List.of()));
        int imStart = t.specialToken("<|im_start|>").orElseThrow();
        assertThat(t.encode("<|im_start|>system")).doesNotContain(imStart).hasSize("<|im_start|>system".length());
        assertThat(t.encodeWithSpecialTokens("<|im_start|>system")).startsWith(imStart)
                .hasSize(1 + "system".length());
    }

    @Test
    void userDefinedTokensAreMatchedInPlainText() {
        var t = Tokenizer.of(TinyVocabularies.byteLevel("qwen2", List.of()));
        int tool = t.specialToken("<tool>").orElseThrow();
        assertThat(t.encode("a<tool>b")).containsExactly(t.encode("a")[0], tool, t.encode("b")[0]);
    }

    @Test
    void specialTokenFindsOnlyExactControlOrUserDefinedTexts() {
        var t = Tokenizer.of(TinyVocabularies.byteLevel("qwen2", List.of()));
        assertThat(t.specialToken("<|im_end|>")).isPresent();
        assertThat(t.specialToken("<|im_end|> ")).isEmpty();
        assertThat(t.specialToken("a")).isEqualTo(OptionalInt.empty());
    }

    @Test
    void decodingShowsControlTokensAsTheirText() {
        var t = Tokenizer.of(TinyVocabularies.byteLevel("qwen2", List.of()));
        String text = "<|im_start|>user\nhi<|im_end|>";
        assertThat(t.decode(t.encodeWithSpecialTokens(text))).isEqualTo(text);
    }

    @Test
    void loneSurrogatesAreEncodedAsReplacementCharacters() {
        var t = Tokenizer.of(TinyVocabularies.byteLevel("qwen2", List.of()));
        assertThat(t.decode(t.encode("a\ud800b\udc00"))).isEqualTo("a\ufffdb\ufffd");
        assertThat(t.decode(t.encode("😀"))).isEqualTo("😀");
    }

    @Test
    void idsOutsideTheVocabularyAreRefusedWithTheId() {
        var t = Tokenizer.of(TinyVocabularies.byteLevel("qwen2", List.of()));
        assertThatThrownBy(() -> t.decode(new int[] {0, t.vocabularySize()}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token id " + t.vocabularySize() + " is outside the vocabulary");
        assertThatThrownBy(() -> t.tokenBytes(-1)).hasMessageContaining("token id -1");
        assertThatThrownBy(() -> t.token(1 << 20)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tokenBytesIsACopy() {
        var t = Tokenizer.of(TinyVocabularies.byteLevel("qwen2", List.of()));
        int a = t.encode("a")[0];
        t.tokenBytes(a)[0] = 'z';
        assertThat(t.tokenBytes(a)).containsExactly('a');
    }

    @Test
    void anUnsupportedPreTokenizerIsRefusedNamingWhatIsSupported() {
        var v = new Vocabulary("gpt2", "deepseek-llm", List.of("a"), new float[0], new int[0], List.of(), 0, 0,
                OptionalInt.empty(), false);
        assertThatThrownBy(() -> Tokenizer.of(v)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer.ggml.pre = \"deepseek-llm\"")
                .hasMessageContaining("llama-bpe").hasMessageContaining("qwen2");
    }

    @Test
    void llamaCppsOtherNamesOfThePreTokenizersAreAccepted() {
        var merges = List.of("1 2", "12 3");
        int[] llama3 = Tokenizer.of(TinyVocabularies.byteLevel("llama-bpe", merges)).encode("1234 x");
        int[] qwen2 = Tokenizer.of(TinyVocabularies.byteLevel("qwen2", merges)).encode("1234 x");
        assertThat(llama3).isNotEqualTo(qwen2);
        assertThat(Tokenizer.of(TinyVocabularies.byteLevel("llama3", merges)).encode("1234 x")).isEqualTo(llama3);
        assertThat(Tokenizer.of(TinyVocabularies.byteLevel("llama-v3", merges)).encode("1234 x")).isEqualTo(llama3);
        assertThat(Tokenizer.of(TinyVocabularies.byteLevel("deepseek-r1-qwen", merges)).encode("1234 x"))
                .isEqualTo(qwen2);
    }

    @Test
    void anUnsupportedModelIsRefused() {
        var v = new Vocabulary("bert", "default", List.of("a"), new float[0], new int[0], List.of(), 0, 0,
                OptionalInt.empty(), false);
        assertThatThrownBy(() -> Tokenizer.of(v)).hasMessageContaining("tokenizer.ggml.model = \"bert\"");
    }

    @Test
    void aByteLevelVocabularyWithoutAllByteTokensIsRefused() {
        var v = new Vocabulary("gpt2", "qwen2", List.of("a", "b"), new float[0], new int[0], List.of(), 0, 0,
                OptionalInt.empty(), false);
        assertThatThrownBy(() -> Tokenizer.of(v)).hasMessageContaining("lacks the token for byte 0x0");
    }

    @Test
    void aMergeNamingAnUnknownTokenIsRefused() {
        var tokens = new java.util.ArrayList<>(TinyVocabularies.byteLevel("qwen2", List.of()).tokens());
        var v = new Vocabulary("gpt2", "qwen2", tokens, new float[0], new int[0], List.of("a b"), 0, 0,
                OptionalInt.empty(), false);
        assertThatThrownBy(() -> Tokenizer.of(v)).hasMessageContaining("tokenizer.ggml.merges[0]");
    }

    @Test
    void sentencePieceMergesTheHighestScoringPairFirst() {
        var abWins = Tokenizer.of(TinyVocabularies.sentencePiece(List.of("▁", "a", "b", "c", "ab", "bc"),
                new float[] {0, 0, 0, 0, -1, -2}));
        var bcWins = Tokenizer.of(TinyVocabularies.sentencePiece(List.of("▁", "a", "b", "c", "ab", "bc"),
                new float[] {0, 0, 0, 0, -2, -1}));
        assertThat(pieces(abWins, abWins.encode("abc"))).isEqualTo("[▁][ab][c]");
        assertThat(pieces(bcWins, bcWins.encode("abc"))).isEqualTo("[▁][a][bc]");
    }

    @Test
    void sentencePieceWritesSpacesAsU2581AndFallsBackToBytes() {
        var t = Tokenizer.of(TinyVocabularies.sentencePiece(List.of("▁", "h", "i", "▁h", "▁hi"),
                new float[] {0, 0, 0, -2, -1}));
        assertThat(pieces(t, t.encode("hi hé"))).isEqualTo("[▁hi][▁h][<0xC3>][<0xA9>]");
        assertThat(t.decode(t.encode("hi hé"))).isEqualTo("hi hé");
        assertThat(t.decode(t.encode("  hi"))).isEqualTo("  hi");
    }

    @Test
    void sentencePieceNeverBuildsAControlTokenFromText() {
        var t = Tokenizer.of(TinyVocabularies.sentencePiece(List.of("▁", "<", "s", ">", "<s", "s>"),
                new float[] {0, 0, 0, 0, -1, -1}));
        assertThat(t.encode("<s>")).doesNotContain(1);
        assertThat(t.encodeWithSpecialTokens("<s>x")).startsWith(1);
        assertThat(t.decode(t.encodeWithSpecialTokens("<s>x"))).isEqualTo("<s>x");
    }

    @Test
    void sentencePieceWithoutScoresIsRefused() {
        var v = new Vocabulary("llama", "default", List.of("a"), new float[0], new int[0], List.of(), 0, 0,
                OptionalInt.empty(), false);
        assertThatThrownBy(() -> Tokenizer.of(v)).hasMessageContaining("tokenizer.ggml.scores is missing");
    }

    @Test
    void aLongRunOfOneCharacterIsMergedPairwise() {
        // 200,000 spaces are one word: large on purpose, as merging is O(n log n) and a quadratic merge would crawl.
        var t = Tokenizer.of(TinyVocabularies.byteLevel("llama-bpe",
                List.of(bl(" ") + " " + bl(" "), bl("  ") + " " + bl("  "))));
        String text = " ".repeat(200_000) + "x";
        int[] ids = t.encode(text);
        assertThat(t.decode(ids)).isEqualTo(text);
        // 199,999 spaces: 49,999 four-space tokens and 3 spaces left (a pair and a single), then " x" (2 bytes)
        assertThat(ids).hasSize(49_999 + 2 + 2);
    }

    private static final Tokenizer SMALL_BPE = Tokenizer.of(TinyVocabularies.byteLevel("llama-bpe",
            List.of("h e", "l l", "he ll", bl(" ") + " t", "t h", bl(" ") + " th", bl("  ") + " " + bl("  "),
                    bl(" ") + " " + bl(" "))));
    private static final Tokenizer SMALL_SPM = Tokenizer.of(TinyVocabularies.sentencePiece(
            List.of("▁", "a", "e", "t", "h", "▁t", "th", "▁th", "▁the", "é"),
            new float[] {0, 0, 0, 0, 0, -3, -2, -1, -4, 0}));

    @Property(tries = 400)
    void byteLevelDecodeOfEncodeIsAnyTextWithoutLoneSurrogates(@ForAll("text") String text) {
        assertThat(SMALL_BPE.decode(SMALL_BPE.encode(text))).isEqualTo(text);
    }

    @Property(tries = 400)
    void sentencePieceDecodeOfEncodeIsAnyTextWithoutLoneSurrogatesOrU2581(@ForAll("text") String text) {
        String withoutU2581 = text.replace('\u2581', '_');
        assertThat(SMALL_SPM.decode(SMALL_SPM.encode(withoutU2581))).isEqualTo(withoutU2581);
    }

    @Test
    void sentencePieceReadsALiteralU2581AsTheSpaceItStandsFor() {
        // SentencePiece writes spaces as U+2581, so one in the text becomes a space, as in SentencePiece itself.
        assertThat(SMALL_SPM.encode("a\u2581t")).isEqualTo(SMALL_SPM.encode("a t"));
        assertThat(SMALL_SPM.decode(SMALL_SPM.encode("a\u2581t"))).isEqualTo("a t");
    }

    @Provide
    Arbitrary<String> text() {
        Arbitrary<Integer> codePoints = Arbitraries.oneOf(
                Arbitraries.of((int) ' ', (int) 'a', (int) 'e', (int) 't', (int) 'h', (int) '\n', (int) 'é', 0x2581),
                Arbitraries.integers().between(0, 0x10FFFF).filter(cp -> cp < 0xD800 || cp > 0xDFFF));
        return codePoints.list().ofMaxSize(30).map(list -> {
            var sb = new StringBuilder();
            list.forEach(sb::appendCodePoint);
            return sb.toString();
        });
    }
}
