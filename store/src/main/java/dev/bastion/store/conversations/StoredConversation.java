package dev.bastion.store.conversations;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One stored conversation. The data subject is kept only as a keyed hash; {@code content} is base64 ciphertext
 * under the subject's data key, absent when only metadata was kept or after the content's retention ended.
 *
 * @param id the conversation's id
 * @param subjectHash keyed hash of the data subject
 * @param requestId the request that produced it
 * @param route the route's name
 * @param model the model called
 * @param createdAt when it was stored
 * @param expiresAt when the whole row is deleted
 * @param contentExpiresAt when the content is dropped (not after {@code expiresAt} in practice)
 * @param metadata JSON metadata (no prompt text)
 * @param content base64 ciphertext of the messages and the answer, if kept
 */
public record StoredConversation(String id, String subjectHash, String requestId, String route, String model,
        Instant createdAt, Instant expiresAt, Instant contentExpiresAt, String metadata, Optional<String> content) {
    public StoredConversation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(subjectHash, "subjectHash");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(contentExpiresAt, "contentExpiresAt");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(content, "content");
        if (expiresAt.isBefore(createdAt) || contentExpiresAt.isBefore(createdAt)) {
            throw new IllegalArgumentException("a conversation cannot expire before it was stored");
        }
    }
}
