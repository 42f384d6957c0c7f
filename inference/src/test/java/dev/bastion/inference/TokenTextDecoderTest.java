package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class TokenTextDecoderTest {

    private static final Tokenizer BYTES = Tokenizer.of(TinyVocabularies.byteLevel("qwen2", List.of()));

    @Test
    void aCharacterSplitAcrossTokensIsHeldBackUntilComplete() {
        int[] ids = BYTES.encode("a😀b");
        assertThat(ids).hasSize(6);
        var decoder = new TokenTextDecoder(BYTES);
        var pieces = new ArrayList<String>();
        for (int id : ids) {
            pieces.add(decoder.push(id));
        }
        assertThat(pieces).containsExactly("a", "", "", "", "😀", "b");
        assertThat(decoder.flush()).isEmpty();
    }

    @Test
    void flushTurnsAnIncompleteCharacterIntoAReplacementCharacter() {
        int[] ids = BYTES.encode("é");
        var decoder = new TokenTextDecoder(BYTES);
        assertThat(decoder.push(ids[0])).isEmpty();
        assertThat(decoder.flush()).isEqualTo("\ufffd");
        assertThat(decoder.flush()).isEmpty();
    }

    @Test
    void aStrayContinuationByteIsReplacedNotHeld() {
        int[] ids = BYTES.encode("é");
        var decoder = new TokenTextDecoder(BYTES);
        assertThat(decoder.push(ids[1]) + decoder.push(BYTES.encode("x")[0])).isEqualTo("\ufffdx");
    }

    @Test
    void controlTokensProduceNoText() {
        var decoder = new TokenTextDecoder(BYTES);
        int imEnd = BYTES.specialToken("<|im_end|>").orElseThrow();
        assertThat(decoder.push(BYTES.encode("a")[0]) + decoder.push(imEnd)).isEqualTo("a");
    }

    @Test
    void sentencePieceDropsTheSpaceItPutBeforeTheText() {
        var t = Tokenizer.of(TinyVocabularies.sentencePiece(List.of("▁", "h", "i", "▁hi"),
                new float[] {0, 0, 0, -1}));
        var decoder = new TokenTextDecoder(t);
        var out = new StringBuilder();
        for (int id : t.encode("hi hi")) {
            out.append(decoder.push(id));
        }
        assertThat(out.append(decoder.flush()).toString()).isEqualTo("hi hi");
    }

    @Test
    void aContinuationOfTextKeepsTheSpaceBeforeItsFirstWord() {
        var t = Tokenizer.of(TinyVocabularies.sentencePiece(List.of("▁", "h", "i", "▁hi"),
                new float[] {0, 0, 0, -1}));
        int hi = 262; // after 3 specials, 256 bytes, ▁, h and i
        assertThat(t.token(hi)).isEqualTo("▁hi");
        assertThat(new TokenTextDecoder(t).push(hi)).isEqualTo("hi");
        assertThat(TokenTextDecoder.continuing(t, new int[] {1, hi}).push(hi)).isEqualTo(" hi");
        assertThat(TokenTextDecoder.continuing(t, new int[] {1}).push(hi)).as("after a control token").isEqualTo("hi");
        assertThat(TokenTextDecoder.continuing(t, new int[0]).push(hi)).as("no prompt").isEqualTo("hi");
    }

    @Property(tries = 300)
    void streamingAContinuationAddsWhatDecodeAddsToThePrompt(
            @ForAll @Size(max = 8) List<@IntRange(min = 1, max = 262) Integer> prompt,
            @ForAll @Size(max = 8) List<@IntRange(min = 3, max = 262) Integer> answer) {
        // Ids 1 and 2 are control tokens, 3 to 258 bytes, 259 to 262 the pieces ▁, h, i, ▁hi. The answer has no
        // control tokens: a stream shows them as no text, decode as their text.
        var t = Tokenizer.of(TinyVocabularies.sentencePiece(List.of("▁", "h", "i", "▁hi"),
                new float[] {0, 0, 0, -1}));
        int[] p = prompt.stream().mapToInt(Integer::intValue).toArray();
        int[] a = answer.stream().mapToInt(Integer::intValue).toArray();
        int[] whole = java.util.stream.IntStream.concat(java.util.Arrays.stream(p), java.util.Arrays.stream(a))
                .toArray();
        var decoder = TokenTextDecoder.continuing(t, p);
        var out = new ByteArrayOutputStream();
        for (int id : a) {
            out.writeBytes(decoder.push(id).getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(decoder.flush().getBytes(StandardCharsets.UTF_8));
        // Compared as bytes of each side's own decoding; only the split of a character across the prompt's end
        // can differ, so the property is stated where the prompt ends on a whole character.
        String promptText = t.decode(p);
        if (!promptText.contains("\ufffd") && !t.decode(whole).contains("\ufffd")) {
            assertThat(promptText + out.toString(StandardCharsets.UTF_8)).isEqualTo(t.decode(whole));
        }
    }

    @Test
    void anIdOutsideTheVocabularyIsRefused() {
        assertThatThrownBy(() -> new TokenTextDecoder(BYTES).push(-5)).hasMessageContaining("token id -5");
    }

    @Property(tries = 500)
    void streamingAnyByteSequenceGivesWhatDecodeGives(
            @ForAll @Size(max = 24) List<@IntRange(max = 255) Integer> bytes) {
        // In the tiny vocabulary, token b is the byte-level character of byte b.
        int[] ids = bytes.stream().mapToInt(Integer::intValue).toArray();
        for (int i = 0; i < ids.length; i++) {
            assertThat(BYTES.tokenBytes(ids[i])).containsExactly(bytes.get(i).byteValue());
        }
        var decoder = new TokenTextDecoder(BYTES);
        var out = new StringBuilder();
        for (int id : ids) {
            out.append(decoder.push(id));
        }
        assertThat(out.append(decoder.flush()).toString()).isEqualTo(BYTES.decode(ids));
    }

    @Property(tries = 300)
    void streamingOneByteTokensGivesBackAnyText(@ForAll @StringLength(max = 40) String text) {
        String clean = BYTES.decode(BYTES.encode(text));
        var decoder = new TokenTextDecoder(BYTES);
        var out = new StringBuilder();
        for (int id : BYTES.encode(text)) {
            out.append(decoder.push(id));
        }
        assertThat(out.append(decoder.flush()).toString()).isEqualTo(clean);
        assertThat(clean.codePoints().noneMatch(cp -> cp >= 0xD800 && cp <= 0xDFFF)).isTrue();
    }
}
