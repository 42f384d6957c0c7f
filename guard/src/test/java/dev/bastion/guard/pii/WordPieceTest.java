package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class WordPieceTest {
    /** A small vocabulary written for these tests, in id order. */
    private static final List<String> VOCAB = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "call", "john", "smith",
            "cafe", "un", "##aff", "##able", "##s", ",", ".", "'", "s", "!", "jo", "##hn", "naive", "a", "##b");
    private static final WordPiece WP = new WordPiece(VOCAB);

    private static List<String> pieces(String text) {
        WordPiece.Encoding e = WP.encode(text);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < e.size(); i++) {
            out.add(VOCAB.get(e.ids()[i]) + "@" + text.substring(e.start()[i], e.end()[i]));
        }
        return out;
    }

    @Test
    void wordsAreCutLongestPieceFirstWithContinuations() {
        assertThat(pieces("unaffable")).containsExactly("un@un", "##aff@aff", "##able@able");
        assertThat(pieces("Call JOHN Smith!")).containsExactly("call@Call", "john@JOHN", "smith@Smith", "!@!");
    }

    @Test
    void accentsAreStrippedButOffsetsPointAtTheOriginalCharacters() {
        assertThat(pieces("Café naïve")).containsExactly("cafe@Café", "naive@naïve");
        // decomposed input: e followed by a combining acute accent belongs to the same piece
        assertThat(pieces("cafe\u0301,")).containsExactly("cafe@cafe\u0301", ",@,");
    }

    @Test
    void punctuationIsAWordOfItsOwn() {
        WordPiece.Encoding e = WP.encode("john's");
        assertThat(pieces("john's")).containsExactly("john@john", "'@'", "s@s");
        assertThat(e.words()).isEqualTo(3);
    }

    @Test
    void anUncuttableOrOverlongWordIsOneUnknownPieceOverTheWholeWord() {
        assertThat(pieces("johnx smith")).containsExactly("[UNK]@johnx", "smith@smith");
        String longWord = "ab".repeat(51); // 102 characters: cuttable, but over BERT's limit of 100
        assertThat(pieces(longWord + " john")).containsExactly("[UNK]@" + longWord, "john@john");
    }

    @Test
    void controlCharactersAndWhitespaceProduceNoPieces() {
        assertThat(pieces("\u0000 \t\n\u200b")).isEmpty();
        assertThat(pieces("john\u00a0smith")).containsExactly("john@john", "smith@smith");
    }

    @Test
    void aVocabularyWithoutAnUnknownPieceIsRefused() {
        assertThatThrownBy(() -> new WordPiece(List.of("a", "b"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Property(tries = 300)
    void piecesAreInOrderInsideTheTextAndEveryWordHasOne(@ForAll String text) {
        WordPiece.Encoding e = WP.encode(text);
        int last = 0;
        int lastWord = -1;
        for (int i = 0; i < e.size(); i++) {
            assertThat(e.start()[i]).isGreaterThanOrEqualTo(last);
            assertThat(e.end()[i]).isGreaterThan(e.start()[i]).isLessThanOrEqualTo(text.length());
            assertThat(text.substring(e.start()[i], e.end()[i]).isBlank()).isFalse();
            assertThat(e.word()[i]).isBetween(lastWord, lastWord + 1);
            last = e.end()[i];
            lastWord = e.word()[i];
        }
        assertThat(lastWord + 1).isEqualTo(e.words());
    }
}
