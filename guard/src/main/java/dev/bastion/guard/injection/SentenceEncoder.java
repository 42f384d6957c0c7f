package dev.bastion.guard.injection;

/**
 * Turns text into a sentence embedding (the gateway supplies the local MiniLM model, 384 dimensions, L2-normalised).
 * Implementations must be thread-safe.
 */
@FunctionalInterface
public interface SentenceEncoder {
    int DIMENSIONS = 384;

    /**
     * The embedding, or null when the encoder is unavailable (the caller then goes without). An encoder behind a
     * scanner should wait when it is busy rather than return null, so that a verdict does not depend on load.
     */
    float[] encode(String text);
}
