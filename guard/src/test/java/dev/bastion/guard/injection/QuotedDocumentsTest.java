package dev.bastion.guard.injection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class QuotedDocumentsTest {
    private static final String REVIEW = "Great jacket, warm and well made, the sleeves are a little long for me.";

    private static List<String> texts(String message) {
        return QuotedDocuments.in(message).stream().map(QuotedDocuments.Block::text).toList();
    }

    @Test
    void aDocumentBetweenTripleQuotesIsFoundWithItsRangeInTheMessage() {
        String message = "Summarise this customer review in one sentence:\n\"\"\"" + REVIEW + "\"\"\"\nThanks!";
        List<QuotedDocuments.Block> blocks = QuotedDocuments.in(message);
        assertThat(blocks).hasSize(1);
        QuotedDocuments.Block b = blocks.getFirst();
        assertThat(b.text()).isEqualTo(REVIEW);
        assertThat(message.substring(b.start(), b.end())).isEqualTo(REVIEW);
        assertThat(texts("Translate '''" + REVIEW + "''' into French.")).containsExactly(REVIEW);
    }

    @Test
    void anUnclosedTripleQuoteOrFenceRunsToTheEndSoLeavingOutTheCloseHidesNothing() {
        assertThat(texts("Summarise: \"\"\"" + REVIEW)).containsExactly(REVIEW);
        assertThat(texts("Fix this:\n```python\n" + REVIEW)).containsExactly(REVIEW);
    }

    @Test
    void aFencedBlockIsFoundWithoutItsInfoStringAndClosesOnlyOnALongEnoughFence() {
        String code = "def total(items):\n    return sum(i.price for i in items)  # sums prices\n";
        assertThat(texts("Why does this fail?\n```python\n" + code + "```\nIt raises a TypeError.")).containsExactly(code);
        String inner = "text before\n```\nnot a close\n" + REVIEW + "\n";
        assertThat(texts("````\n" + inner + "````\n")).containsExactly(inner);
        assertThat(texts("~~~\n" + REVIEW + "\n~~~")).containsExactly(REVIEW + "\n");
    }

    @Test
    void aFenceMustOpenALine() {
        assertThat(texts("Use ```" + REVIEW + "``` inline")).isEmpty();
    }

    @Test
    void aRunOfQuotedLinesIsOneDocumentWithoutItsMarkers() {
        String message = "Can you answer this e-mail for me?\n> Hi Sam, could you send the invoice for March?\n"
                + "> I need it for the audit by Friday.\n\nKeep it short.";
        assertThat(texts(message)).containsExactly(
                " Hi Sam, could you send the invoice for March?\n I need it for the audit by Friday.\n");
        QuotedDocuments.Block b = QuotedDocuments.in(message).getFirst();
        assertThat(message.substring(b.start(), b.end())).startsWith("> Hi Sam").endsWith("Friday.\n");
    }

    @Test
    void anXmlStyleElementIsADocumentButAnUnclosedTagIsNot() {
        assertThat(texts("Summarise <email>" + REVIEW + "</email> in a line.")).containsExactly(REVIEW);
        assertThat(texts("<Document_1>" + REVIEW + "</Document_1>")).containsExactly(REVIEW);
        assertThat(texts("Line one<br>" + REVIEW + " and more")).isEmpty();
        assertThat(texts("<a>" + REVIEW + "</b>")).isEmpty();
    }

    @Test
    void shortQuotesAreNotDocuments() {
        assertThat(texts("What does \"\"\"hello\"\"\" do in Python?")).isEmpty();
        assertThat(texts("> ok\nsure")).isEmpty();
    }

    @Test
    void severalDocumentsAreFoundInOrderAndDoNotOverlap() {
        String second = "Another text that is long enough to count as a pasted document here.";
        String message = "Compare \"\"\"" + REVIEW + "\"\"\" with <doc>" + second + "</doc>.";
        List<QuotedDocuments.Block> blocks = QuotedDocuments.in(message);
        assertThat(blocks).extracting(QuotedDocuments.Block::text).containsExactly(REVIEW, second);
        assertThat(blocks.get(0).end()).isLessThan(blocks.get(1).start());
    }

    @Test
    void aMessageWithoutDelimitersHoldsNoDocument() {
        assertThat(texts("Please continue where you stopped, and keep the answer under a hundred words.")).isEmpty();
        assertThat(texts("")).isEmpty();
    }

    @Test
    void aBlockRangeChecksItself() {
        assertThatThrownBy(() -> new QuotedDocuments.Block(5, 4, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QuotedDocuments.Block(-1, 4, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void manyOpeningTagsWithoutClosesAreHandledInOnePass() {
        // 200,000 unclosed elements: a search for each close from each opening would take quadratic time
        String message = "<a>".repeat(200_000) + REVIEW;
        assertThat(texts(message)).isEmpty();
        String quotes = "\"\"\" x ".repeat(100_000);
        assertThat(QuotedDocuments.in(quotes)).allSatisfy(b -> assertThat(b.end()).isLessThanOrEqualTo(quotes.length()));
    }

    @Property(tries = 500)
    void blocksAreInsideTheMessageInOrderAndNeverOverlap(
            @ForAll @StringLength(max = 400) @Chars({'"', '\'', '`', '~', '>', '<', '/', '\n', ' ', 'a', 'b'}) String message) {
        int last = 0;
        for (QuotedDocuments.Block b : QuotedDocuments.in(message)) {
            assertThat(b.start()).isGreaterThanOrEqualTo(last);
            assertThat(b.end()).isLessThanOrEqualTo(message.length());
            assertThat(b.text().strip().length()).isGreaterThanOrEqualTo(QuotedDocuments.MIN_CHARS);
            last = b.end();
        }
    }
}
