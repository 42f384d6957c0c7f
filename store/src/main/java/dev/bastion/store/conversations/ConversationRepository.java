package dev.bastion.store.conversations;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Stored conversations, looked up by the subject's keyed hash. Implementations are thread-safe and safe for
 * several processes sharing one database.
 */
public interface ConversationRepository {
    /** Stores a new conversation. */
    void insertConversation(StoredConversation conversation);

    /** A subject's conversations, oldest first. */
    List<StoredConversation> conversations(String subjectHash);

    /** Deletes a subject's conversations; returns how many. */
    int deleteConversations(String subjectHash);

    /**
     * Applies retention at {@code now} in one transaction: drops the content of conversations whose content
     * retention ended before {@code now}, and deletes conversations whose retention ended before {@code now}.
     */
    Purged purgeExpiredConversations(Instant now);

    /** Subject hashes that still have stored content. */
    Set<String> subjectsWithContent();

    /** What one retention run removed. */
    record Purged(int contentDropped, int conversationsDeleted) {
        public Purged {
            if (contentDropped < 0 || conversationsDeleted < 0) {
                throw new IllegalArgumentException("counts cannot be negative");
            }
        }
    }
}
