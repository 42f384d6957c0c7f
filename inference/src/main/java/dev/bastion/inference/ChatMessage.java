package dev.bastion.inference;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One message of a chat, as a {@link ChatTemplate} renders it.
 *
 * @param role       {@code system}, {@code user}, {@code assistant} or {@code tool}
 * @param content    the text; it is always encoded as plain text, so it cannot produce control tokens
 * @param name       the name of the tool or participant, where the OpenAI request had one (no template below uses
 *                   it)
 * @param toolCallId for a {@code tool} message, the id of the call it answers (Mistral's template needs it)
 */
public record ChatMessage(String role, String content, Optional<String> name, Optional<String> toolCallId) {

    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

    /**
     * @throws IllegalArgumentException when the role is not one of the four
     */
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(toolCallId, "toolCallId");
        if (!ROLES.contains(role)) {
            throw new IllegalArgumentException("chat message role \"" + role
                    + "\" is not one of system, user, assistant, tool");
        }
    }

    /** A system message. */
    public static ChatMessage system(String content) {
        return new ChatMessage("system", content, Optional.empty(), Optional.empty());
    }

    /** A user message. */
    public static ChatMessage user(String content) {
        return new ChatMessage("user", content, Optional.empty(), Optional.empty());
    }

    /** An assistant message. */
    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content, Optional.empty(), Optional.empty());
    }

    /** A tool result answering the call {@code toolCallId}. */
    public static ChatMessage tool(String content, String toolCallId) {
        return new ChatMessage("tool", content, Optional.empty(), Optional.of(toolCallId));
    }
}
