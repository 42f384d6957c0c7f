package dev.bastion.privacy.attacks;

/**
 * A language model seen one token at a time, as the memorisation probes need it: push a token, get the logits of
 * the next one; rewind to a shorter prefix. The GGUF engine is adapted to it in the command line; tests use small
 * models written in Java. Implementations need not be thread-safe.
 */
public interface NextTokenModel {

    /** The length of every logits array. */
    int vocabularySize();

    /** Tokens this model's sequence may hold. */
    int capacity();

    /** Tokens held now. */
    int length();

    /** The tokens held now, in order. */
    int[] tokens();

    /** Appends {@code token} and returns the logits (vocabulary size) of the token that follows it. */
    float[] push(int token);

    /** Forgets every position from {@code length} on. */
    void truncate(int length);
}
