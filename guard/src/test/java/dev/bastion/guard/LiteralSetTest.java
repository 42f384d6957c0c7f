package dev.bastion.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LiteralSetTest {

    private static final List<String> LITERALS = List.of("a", "ab", "abc", "b", "ab", "-", "/", "zip", "caf\u00e9",
            "\u00e9t\u00e9", "\u212a", "x", "x", "", "password", "pass", "aws_secret", "s/n", "y.o");

    @Test
    void answersAsContainsForEveryLiteralOnRandomTexts() {
        LiteralSet set = new LiteralSet(LITERALS);
        assertThat(set.size()).isEqualTo(LITERALS.size());
        String alphabet = "abcxyzps/-._n\u00e9t\u212aow rdi";
        SplittableRandom r = new SplittableRandom(1);
        int hits = 0;
        int asked = 0;
        for (int t = 0; t < 20_000; t++) {
            StringBuilder b = new StringBuilder();
            int n = r.nextInt(12);
            for (int k = 0; k < n; k++) {
                b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            if (r.nextInt(10) == 0) {
                b.append(LITERALS.get(r.nextInt(LITERALS.size())));
            }
            String text = b.toString();
            boolean[] present = set.present(text);
            List<Boolean> expected = new ArrayList<>();
            List<Boolean> actual = new ArrayList<>();
            for (int id = 0; id < LITERALS.size(); id++) {
                expected.add(text.contains(LITERALS.get(id)));
                actual.add(present[id]);
                hits += present[id] ? 1 : 0;
                asked++;
            }
            assertThat(actual).as("'%s'", text).isEqualTo(expected);
        }
        assertThat(hits).as("both answers occur").isGreaterThan(20_000).isLessThan(asked);
    }

    @Test
    void answersAsContainsWithManyLiteralsOverManyLeadingPairs() {
        // Literals spread over the whole ASCII pair table (every word of its bitmap), several under one pair, of
        // lengths 1 to 6, with repeats: the texts are drawn from the same characters, so most positions start a pair
        // that leads some literal and the comparisons past the pair decide.
        SplittableRandom r = new SplittableRandom(7);
        String alphabet = " !/09:AZ_`az{~\u007f\u00e9\u212a";
        List<String> literals = new ArrayList<>();
        for (int k = 0; k < 400; k++) {
            StringBuilder b = new StringBuilder();
            int n = 1 + r.nextInt(6);
            for (int j = 0; j < n; j++) {
                b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            literals.add(b.toString());
        }
        literals.add(literals.get(3));
        LiteralSet set = new LiteralSet(literals);
        int hits = 0;
        for (int t = 0; t < 5_000; t++) {
            StringBuilder b = new StringBuilder();
            int n = r.nextInt(40);
            for (int k = 0; k < n; k++) {
                b.append(r.nextInt(4) == 0 ? literals.get(r.nextInt(literals.size()))
                        : String.valueOf(alphabet.charAt(r.nextInt(alphabet.length()))));
            }
            String text = b.toString();
            boolean[] present = set.present(text);
            for (int id = 0; id < literals.size(); id++) {
                assertThat(present[id]).as("'%s' in '%s'", literals.get(id), text).isEqualTo(text.contains(literals.get(id)));
                hits += present[id] ? 1 : 0;
            }
        }
        assertThat(hits).as("both answers occur").isGreaterThan(10_000).isLessThan(5_000 * literals.size());
    }
}
