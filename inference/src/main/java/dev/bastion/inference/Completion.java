package dev.bastion.inference;

/**
 * The outcome of one generation.
 *
 * @param text everything generated, stop text excluded
 * @param promptTokens tokens of the prompt
 * @param completionTokens tokens generated
 * @param finishReason why it ended
 * @param cachedPromptTokens prompt tokens reused from the previous request's cache (not recomputed)
 * @param promptNanos time spent processing the prompt (to the first generated token)
 * @param generationNanos time spent generating after the first token
 * @param stopSequence the stop sequence of the request that ended the generation, empty when none did (an
 *     end-of-generation token, the length limit, or a cancelled generation)
 */
public record Completion(String text, int promptTokens, int completionTokens, FinishReason finishReason,
        int cachedPromptTokens, long promptNanos, long generationNanos, String stopSequence) {

    public Completion {
        java.util.Objects.requireNonNull(text, "text");
        java.util.Objects.requireNonNull(finishReason, "finishReason");
        java.util.Objects.requireNonNull(stopSequence, "stopSequence");
        if (!stopSequence.isEmpty() && finishReason != FinishReason.STOP) {
            throw new IllegalArgumentException("a stop sequence ends a generation with STOP, not " + finishReason);
        }
    }

    /** Why a generation ended, in OpenAI's words. */
    public enum FinishReason {
        /** An end-of-generation token or a stop sequence. */
        STOP,
        /** max_tokens reached, or the context is full. */
        LENGTH,
        /** The consumer stopped listening (the client went away). */
        CANCELLED
    }
}
