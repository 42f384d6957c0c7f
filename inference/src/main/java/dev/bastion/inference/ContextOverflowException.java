package dev.bastion.inference;

/** A prompt (with the room asked for its answer) does not fit the configured context. */
public final class ContextOverflowException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int promptTokens;
    private final int contextSize;

    ContextOverflowException(int promptTokens, int contextSize) {
        super("the prompt is " + promptTokens + " tokens but the context holds " + contextSize
                + " (shorten the conversation, or raise the model's context size)");
        this.promptTokens = promptTokens;
        this.contextSize = contextSize;
    }

    /** Tokens the prompt needs. */
    public int promptTokens() {
        return promptTokens;
    }

    /** Tokens the context holds. */
    public int contextSize() {
        return contextSize;
    }
}
