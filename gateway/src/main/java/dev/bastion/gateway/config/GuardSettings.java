package dev.bastion.gateway.config;

/**
 * Built-in structural limits (keys under {@code guard}).
 *
 * @param maxMessages most messages in one chat request
 * @param maxMessageChars most characters in one message
 * @param streamWindowChars how many characters of a streamed answer may be held back so that output scanners that
 *     cannot settle their own findings see matches spanning two chunks; also the released text kept as their context
 * @param streamPadding pad the text of every streamed event to a multiple of 32 bytes, hiding token lengths from
 *     an observer of encrypted traffic
 * @param pseudonymTtl how long a conversation's pseudonyms are kept after its last request
 * @param piiContext run the contextual stage of the {@code pii} scanner (MiniLM token vectors; off by default)
 */
public record GuardSettings(int maxMessages, int maxMessageChars, int streamWindowChars, boolean streamPadding,
        boolean injectionEmbeddings, int streamCoalesceBytes, java.time.Duration streamCoalesceInterval,
        java.time.Duration pseudonymTtl, boolean piiContext) {

    /** Settings with stream padding on. */
    public GuardSettings(int maxMessages, int maxMessageChars, int streamWindowChars) {
        this(maxMessages, maxMessageChars, streamWindowChars, true, false, 0, java.time.Duration.ZERO,
                java.time.Duration.ofHours(24), false);
    }

    public GuardSettings {
        if (streamCoalesceBytes < 0 || streamCoalesceBytes > 65536) {
            throw new IllegalArgumentException("guard.stream-coalesce-bytes must be 0..65536, got " + streamCoalesceBytes);
        }
        if (streamCoalesceInterval.isNegative() || streamCoalesceInterval.compareTo(java.time.Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException("guard.stream-coalesce-interval must be between 0 and 10s");
        }
        ServerSettings.requirePositive(pseudonymTtl, "guard.pseudonym-ttl");
        if (maxMessages < 1) {
            throw new IllegalArgumentException("guard.max-messages must be at least 1, got " + maxMessages);
        }
        if (maxMessageChars < 1) {
            throw new IllegalArgumentException("guard.max-message-chars must be at least 1, got " + maxMessageChars);
        }
        if (streamWindowChars < 0 || streamWindowChars > 65536) {
            throw new IllegalArgumentException("guard.stream-window-chars must be 0..65536, got " + streamWindowChars);
        }
    }
}
