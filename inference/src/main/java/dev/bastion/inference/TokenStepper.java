package dev.bastion.inference;

import java.util.Arrays;

/**
 * One sequence of its own, run a token at a time, that hands back the logits after each token: what scoring a
 * text token by token (teacher forcing) and greedy decoding need, and what {@link LocalModel#generate} does not
 * expose. Rewinding ({@link #truncate}) keeps the cache of a shared prefix, so many texts that start alike cost
 * only their own tails.
 *
 * <p>Not thread-safe: one caller at a time. It does not take one of the model's generation slots.
 */
public final class TokenStepper {
    private final Transformer transformer;
    private final Transformer.Sequence sequence;
    private final int[] tokens; // (capacity) the tokens the cache holds, in order

    TokenStepper(Transformer transformer, int capacity) {
        this.transformer = transformer;
        this.sequence = transformer.newSequence(capacity);
        this.tokens = new int[capacity];
    }

    /** Tokens the vocabulary has (the length of every logits array). */
    public int vocabularySize() {
        return transformer.config.vocabularySize();
    }

    /** Tokens this sequence may hold. */
    public int capacity() {
        return tokens.length;
    }

    /** Tokens held now. */
    public int length() {
        return sequence.cache.length();
    }

    /** The tokens held now, in order (a copy). */
    public int[] tokens() {
        return Arrays.copyOf(tokens, length());
    }

    /**
     * Runs {@code token} at the next position and returns the logits (vocab) of the token that would follow it.
     *
     * @throws ContextOverflowException when the sequence is full
     */
    public float[] push(int token) {
        int at = length();
        if (at >= tokens.length) {
            throw new ContextOverflowException(at + 1, tokens.length);
        }
        tokens[at] = token;
        float[] logits = new float[vocabularySize()];
        transformer.forward(sequence, tokens, at, 1, logits);
        return logits;
    }

    /** Forgets every position from {@code newLength} on; the ones before it stay cached. */
    public void truncate(int newLength) {
        sequence.cache.truncate(newLength);
    }
}
