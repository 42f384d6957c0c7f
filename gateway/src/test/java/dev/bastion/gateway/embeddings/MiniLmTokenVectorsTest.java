package dev.bastion.gateway.embeddings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.guard.pii.TokenVectors;
import dev.bastion.guard.pii.WordPiece;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class MiniLmTokenVectorsTest {
    private static final MiniLmTokenVectors VECTORS = new MiniLmTokenVectors(1, 1);

    @AfterAll
    static void close() {
        VECTORS.close();
    }

    @Test
    void theShippedVocabularyCutsTextAsBertDoes() {
        // ids of bert-base-uncased / all-MiniLM-L6-v2: hello 7592, "," 1010, world 2088, "!" 999
        WordPiece.Encoding e = VECTORS.tokenizer().encode("Hello, World!");
        assertThat(e.ids()).containsExactly(7592, 1010, 2088, 999);
    }

    @Test
    void everyWordOfALongTextGetsAVectorAndItsOwnCharacters() {
        String sentence = "Dr. Amelia Okafor saw the patient in Leeds on Monday. ";
        String text = sentence.repeat(40); // about 2,200 characters: many overlapping windows
        TokenVectors.Words w = VECTORS.of(text).orElseThrow();
        assertThat(w.size()).isEqualTo(VECTORS.tokenizer().encode(text).words());
        for (int i = 0; i < w.size(); i++) {
            assertThat(text.substring(w.start()[i], w.end()[i]).isBlank()).isFalse();
            double norm = 0;
            for (int d = 0; d < TokenVectors.DIMENSIONS; d++) {
                norm += w.vectors()[i * TokenVectors.DIMENSIONS + d] * w.vectors()[i * TokenVectors.DIMENSIONS + d];
            }
            assertThat(norm).isGreaterThan(0).isFinite();
        }
    }

    @Test
    void aWordDeepInsideALongTextReadsAsItDoesInAShortOne() {
        String sentence = "Dr. Amelia Okafor saw the patient in Leeds on Monday. ";
        TokenVectors.Words longText = VECTORS.of(sentence.repeat(40)).orElseThrow();
        TokenVectors.Words shortText = VECTORS.of(sentence.repeat(3)).orElseThrow();
        int perSentence = shortText.size() / 3;
        // "Leeds" in the middle sentence of each: its window gives it context on both sides
        int inShort = perSentence + 8;
        int inLong = 20 * perSentence + 8;
        assertThat(cosine(longText, inLong, shortText, inShort)).isGreaterThan(0.9);
    }

    @Test
    void regionsReadTogetherGiveTheVectorsEachGivesAloneAtTheirPlaceInTheText() {
        String text = "How are you today? Amelia Okafor lives in Leeds. It rains a lot. Tom Baker works at Acme in York.";
        int a = text.indexOf("Amelia");
        int b = text.indexOf(" It");
        int c = text.indexOf("Tom");
        TokenVectors.Words both = VECTORS.of(text, new int[] {a, b, c, text.length()}).orElseThrow();
        TokenVectors.Words first = VECTORS.of(text.substring(a, b)).orElseThrow();
        TokenVectors.Words second = VECTORS.of(text.substring(c)).orElseThrow();
        assertThat(both.size()).isEqualTo(first.size() + second.size());
        for (int i = 0; i < both.size(); i++) {
            boolean inFirst = i < first.size();
            TokenVectors.Words alone = inFirst ? first : second;
            int j = inFirst ? i : i - first.size();
            int shift = inFirst ? a : c;
            assertThat(both.start()[i]).isEqualTo(alone.start()[j] + shift);
            assertThat(both.end()[i]).isEqualTo(alone.end()[j] + shift);
            // not identical: the quantised model scales its int8 activations per tensor, so what shares a batch
            // (the other region, the padding) moves them a little; measured at 0.98 and above
            assertThat(cosine(both, i, alone, j)).isGreaterThan(0.95);
        }
        assertThat(text.substring(both.start()[0], both.end()[0])).isEqualTo("Amelia");
    }

    /**
     * With every slot taken, a caller waits for one instead of going without: the PII contextual stage must give the
     * same findings under load as alone. An interrupted caller goes without and keeps its interrupt.
     */
    @Test
    void aCallerWaitsForASlotAndAnInterruptedOneGoesWithout() throws Exception {
        String text = "Call Amelia Okafor in Leeds.";
        TokenVectors.Words alone = VECTORS.of(text).orElseThrow();
        java.util.concurrent.Semaphore held = VECTORS.slots();
        int slots = held.availablePermits();
        held.acquire(slots);
        java.util.concurrent.CompletableFuture<java.util.Optional<TokenVectors.Words>> waiting =
                new java.util.concurrent.CompletableFuture<>();
        Thread caller = Thread.ofVirtual().start(() -> waiting.complete(VECTORS.of(text)));
        java.util.concurrent.CompletableFuture<Boolean> interruptKept = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<java.util.Optional<TokenVectors.Words>> abandoned =
                new java.util.concurrent.CompletableFuture<>();
        Thread gone = Thread.ofVirtual().start(() -> {
            abandoned.complete(VECTORS.of(text));
            interruptKept.complete(Thread.currentThread().isInterrupted());
        });
        try {
            Thread.sleep(100);
            assertThat(waiting).isNotDone();
            gone.interrupt();
            assertThat(abandoned.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEmpty();
            assertThat(interruptKept.get(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(waiting).isNotDone();
        } finally {
            held.release(slots);
        }
        TokenVectors.Words underLoad = waiting.get(30, java.util.concurrent.TimeUnit.SECONDS).orElseThrow();
        caller.join();
        assertThat(underLoad.start()).containsExactly(alone.start());
        assertThat(underLoad.vectors()).containsExactly(alone.vectors());
        assertThat(held.availablePermits()).isEqualTo(slots);
    }

    private static double cosine(TokenVectors.Words a, int i, TokenVectors.Words b, int j) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int d = 0; d < TokenVectors.DIMENSIONS; d++) {
            float x = a.vectors()[i * TokenVectors.DIMENSIONS + d];
            float y = b.vectors()[j * TokenVectors.DIMENSIONS + d];
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        return dot / Math.sqrt(na * nb);
    }
}
