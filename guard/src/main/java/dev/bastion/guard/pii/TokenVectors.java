package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Contextual vectors for the words of a text: the gateway supplies the local MiniLM encoder (all-MiniLM-L6-v2,
 * quantised, run by ONNX Runtime), which keeps the ONNX dependency out of {@code guard}. Words are those of BERT's
 * basic tokenizer ({@link WordPiece}: whitespace-separated, every punctuation character alone); a word's vector is
 * the mean of its pieces' last hidden states. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface TokenVectors {
    int DIMENSIONS = 384;

    /**
     * The vectors, or empty when the encoder is unavailable (the caller then goes without). An encoder with a bounded
     * number of concurrent calls waits for one rather than answering empty, so that findings do not depend on load.
     */
    Optional<Words> of(String text);

    /**
     * The vectors of the words inside {@code regions} of {@code text} (flat [start, end) pairs in order, not
     * overlapping), each region encoded as a text of its own, with spans in {@code text}'s offsets; empty when the
     * encoder is unavailable for any of them.
     */
    default Optional<Words> of(String text, int[] regions) {
        List<Words> parts = new ArrayList<>();
        int words = 0;
        for (int r = 0; r < regions.length; r += 2) {
            Optional<Words> w = of(text.substring(regions[r], regions[r + 1]));
            if (w.isEmpty()) {
                return Optional.empty();
            }
            parts.add(w.get());
            words += w.get().size();
        }
        int[] start = new int[words];
        int[] end = new int[words];
        float[] vectors = new float[words * DIMENSIONS];
        int at = 0;
        for (int k = 0; k < parts.size(); k++) {
            Words w = parts.get(k);
            int shift = regions[2 * k];
            for (int i = 0; i < w.size(); i++) {
                start[at + i] = w.start()[i] + shift;
                end[at + i] = w.end()[i] + shift;
            }
            System.arraycopy(w.vectors(), 0, vectors, at * DIMENSIONS, w.size() * DIMENSIONS);
            at += w.size();
        }
        return Optional.of(new Words(start, end, vectors));
    }

    /**
     * Words in order, each with its UTF-16 start and end and its vector (row {@code i} of {@code vectors}, {@code
     * DIMENSIONS} floats per row).
     */
    record Words(int[] start, int[] end, float[] vectors) {
        public Words {
            if (start.length != end.length || vectors.length != start.length * DIMENSIONS) {
                throw new IllegalArgumentException("word arrays and vectors differ in length");
            }
            for (int i = 0; i < start.length; i++) {
                if (start[i] < 0 || end[i] <= start[i] || (i > 0 && start[i] < end[i - 1])) {
                    throw new IllegalArgumentException("word " + i + " has a bad or overlapping span");
                }
            }
        }

        public int size() {
            return start.length;
        }
    }
}
