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
}
