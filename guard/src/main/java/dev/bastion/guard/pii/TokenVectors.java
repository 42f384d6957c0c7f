package dev.bastion.guard.pii;

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

    /** The vectors, or empty when the encoder is busy or unavailable (the caller then goes without). */
    Optional<Words> of(String text);

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
