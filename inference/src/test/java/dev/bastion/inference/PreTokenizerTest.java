package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreTokenizerTest {

    private static List<String> words(PreTokenizer p, String text) {
        int[] cps = text.codePoints().toArray();
        var out = new ArrayList<String>();
        int[] start = {0};
        p.split(cps, end -> {
            out.add(new String(cps, start[0], end - start[0]));
            start[0] = end;
        });
        return out;
    }

    @Test
    void aWordTakesTheSpaceOrPunctuationBeforeIt() {
        assertThat(words(PreTokenizer.llama3(), "Hello world, (x)"))
                .containsExactly("Hello", " world", ",", " (", "x", ")");
    }

    @Test
    void contractionsAreSplitOffCaseInsensitively() {
        assertThat(words(PreTokenizer.llama3(), "it's WE'RE they'Ll"))
                .containsExactly("it", "'s", " WE", "'RE", " they", "'Ll");
    }

    @Test
    void anApostropheNotStartingAContractionJoinsTheFollowingLetters() {
        assertThat(words(PreTokenizer.llama3(), "'hello 'x"))
                .containsExactly("'hello", " '", "x");
    }

    @Test
    void llama3GroupsDigitsByThreeAndQwenSplitsEveryDigit() {
        assertThat(words(PreTokenizer.llama3(), "1234567")).containsExactly("123", "456", "7");
        assertThat(words(PreTokenizer.qwen2(), "1234")).containsExactly("1", "2", "3", "4");
    }

    @Test
    void aSpaceBeforeADigitIsItsOwnWord() {
        assertThat(words(PreTokenizer.llama3(), "a 12")).containsExactly("a", " ", "12");
    }

    @Test
    void aRunOfSpacesLeavesItsLastSpaceToTheNextWord() {
        assertThat(words(PreTokenizer.llama3(), "a    b")).containsExactly("a", "   ", " b");
    }

    @Test
    void trailingWhiteSpaceIsOneWord() {
        assertThat(words(PreTokenizer.llama3(), "a   ")).containsExactly("a", "   ");
    }

    @Test
    void whiteSpaceRunsEndAtTheirLastNewline() {
        assertThat(words(PreTokenizer.llama3(), "a \n\n  b")).containsExactly("a", " \n\n", " ", " b");
    }

    @Test
    void symbolsTakeTheNewlinesAfterThem() {
        assertThat(words(PreTokenizer.llama3(), "x!!\n\ny")).containsExactly("x", "!!\n\n", "y");
    }

    @Test
    void aTabBeforeLettersJoinsThemButNotANewline() {
        assertThat(words(PreTokenizer.llama3(), "\tx\ny")).containsExactly("\tx", "\n", "y");
    }

    @Test
    void noBreakSpaceIsWhiteSpaceAsInUnicode() {
        assertThat(PreTokenizer.isWhitespace('\u00a0')).isTrue();
        assertThat(PreTokenizer.isWhitespace('\u200b')).isFalse();
        assertThat(words(PreTokenizer.llama3(), "a\u00a0\u00a01")).containsExactly("a", "\u00a0", "\u00a0", "1");
    }

    @Test
    void lettersOfAnyScriptAndSupplementaryCodePointsAreLetters() {
        assertThat(words(PreTokenizer.llama3(), "日本語 𝐁𝐨𝐥𝐝 😀😀"))
                .containsExactly("日本語", " 𝐁𝐨𝐥𝐝", " 😀😀");
    }

    @Test
    void aMegabyteOfMixedTextSplitsIntoTheExpectedWords() {
        // Large on purpose: the splitter is linear, and a quadratic one would make this test crawl.
        String unit = "word  12345 !!\n\t ";
        String text = unit.repeat(1_000_000 / unit.length());
        int[] cps = text.codePoints().toArray();
        int[] count = {0};
        PreTokenizer.llama3().split(cps, end -> count[0]++);
        assertThat(count[0]).isEqualTo(text.length() / unit.length() * 7);
    }
}
