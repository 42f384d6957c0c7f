package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our encoder against the reference Hugging Face tokenizer (Rust, through DJL), both built from the same
 * tokenizer.json, on the texts of {@link TextCorpus}: the ids must agree exactly.
 */
class TokenizerDifferentialTest {

    static final int GENERATED_TEXTS = 500;

    @ParameterizedTest
    @EnumSource(ReferenceTokenizers.Family.class)
    void encodeAgreesWithTheReferenceTokenizerOnEveryCorpusText(ReferenceTokenizers.Family family)
            throws IOException {
        HfVocabularies.Converted converted = HfVocabularies.load(family);
        Tokenizer ours = Tokenizer.of(converted.vocabulary());
        List<String> texts = TextCorpus.texts(GENERATED_TEXTS);
        var mismatches = new ArrayList<String>();
        long tokens = 0;
        try (var reference = HuggingFaceTokenizer.builder().optTokenizerPath(converted.tokenizerJson())
                .optAddSpecialTokens(false).build()) {
            for (String text : texts) {
                int[] expected = Arrays.stream(reference.encode(text).getIds()).mapToInt(Math::toIntExact).toArray();
                int[] actual = ours.encode(text);
                tokens += expected.length;
                if (!Arrays.equals(expected, actual)) {
                    mismatches.add(describe(ours, text, expected, actual));
                }
            }
        }
        System.out.printf("%s: %d texts, %d reference tokens, %d mismatches%n", family, texts.size(), tokens,
                mismatches.size());
        assertThat(texts).hasSizeGreaterThan(600);
        assertThat(mismatches).as(family + ": texts encoded differently from the reference").isEmpty();
    }

    private static String describe(Tokenizer t, String text, int[] expected, int[] actual) {
        return "text " + quote(text) + "\n  expected " + pieces(t, expected) + "\n  actual   " + pieces(t, actual);
    }

    private static String pieces(Tokenizer t, int[] ids) {
        var sb = new StringBuilder();
        for (int id : ids) {
            sb.append(id).append(':').append(quote(t.token(id))).append(' ');
        }
        return sb.toString();
    }

    static String quote(String s) {
        var sb = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7F) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.append('"').toString();
    }
}
