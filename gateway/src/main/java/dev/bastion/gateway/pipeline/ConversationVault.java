package dev.bastion.gateway.pipeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.crypto.Envelope;
import dev.bastion.crypto.KeyedHasher;
import dev.bastion.crypto.RandomTokens;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.config.RouteSettings;
import dev.bastion.gateway.config.Storage;
import dev.bastion.store.conversations.ConversationRepository;
import dev.bastion.store.conversations.StoredConversation;
import dev.bastion.store.subjects.SubjectKeyRepository;
import dev.bastion.store.usage.UsageRepository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * Stored conversations and the data subjects' rights over them.
 *
 * <p>A route's {@code storage} decides what is kept: nothing (the default), metadata, or content. Content is
 * encrypted with the subject's own data key (envelope encryption under the master key), bound to the
 * conversation's id. Subjects are stored only as keyed hashes. {@link #export} returns everything held about a
 * subject; {@link #erase} destroys the subject's key (so every copy of its ciphertext, backups included, becomes
 * unreadable) and deletes its rows. Thread-safe.
 */
public final class ConversationVault {
    private final ConversationRepository store;
    private final UsageRepository usage;
    private final SubjectKeyRepository keyring;
    private final Envelope envelope;
    private final KeyedHasher hasher;
    private final RandomTokens random;
    private final Clock clock;
    /**
     * Storing takes the read side, the retention purge the write side: a subject's key is created before its
     * conversation row exists, and a purge in between saw a subject without content and destroyed the fresh key,
     * leaving the new conversation unreadable (ConversationsTest caught it under load).
     */
    private final java.util.concurrent.locks.ReentrantReadWriteLock purging = new java.util.concurrent.locks.ReentrantReadWriteLock();

    /** What an erasure removed. */
    public record Erasure(String subjectHash, boolean keyDestroyed, int conversationsDeleted) {
    }

    public ConversationVault(ConversationRepository store, UsageRepository usage, SubjectKeyRepository keyring,
            Envelope envelope, KeyedHasher hasher, RandomTokens random, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.usage = Objects.requireNonNull(usage, "usage");
        this.keyring = Objects.requireNonNull(keyring, "keyring");
        this.envelope = Objects.requireNonNull(envelope, "envelope");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The keyed hash a subject is stored under (domain-separated from API-key hashes). */
    public String subjectHash(String subject) {
        return HexFormat.of().formatHex(hasher.hash(("subject\u0000" + subject).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Keeps what the route's storage policy says.
     *
     * @param content the request messages and the answer; used only when the route stores content
     */
    public void store(String subject, String requestId, RouteSettings route, String model, ObjectNode metadata,
            ObjectNode content) {
        if (route.storage() == Storage.OFF) {
            return;
        }
        String hash = subjectHash(subject);
        String id = random.identifier("conv_", 12);
        Instant now = clock.instant();
        Optional<String> ciphertext = Optional.empty();
        purging.readLock().lock();
        try {
            if (route.storage() == Storage.CONTENT) {
                byte[] key = keyring.findOrStore(hash, envelope.newWrappedKey(hash));
                byte[] sealed = envelope.encrypt(key, hash, content.toString().getBytes(StandardCharsets.UTF_8),
                        id.getBytes(StandardCharsets.UTF_8));
                ciphertext = Optional.of(Base64.getEncoder().encodeToString(sealed));
            }
            store.insertConversation(new StoredConversation(id, hash, requestId, route.name(), model, now,
                    now.plus(route.retention()), now.plus(route.contentRetention()), metadata.toString(), ciphertext));
        } finally {
            purging.readLock().unlock();
        }
    }

    /** Everything held about a subject, content decrypted; content that cannot be decrypted is reported as such. */
    public ObjectNode export(String subject) {
        String hash = subjectHash(subject);
        Optional<byte[]> key = keyring.find(hash);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("subject_hash", hash);
        if (subject.startsWith("key:")) {
            ArrayNode usage = out.putArray("usage");
            for (var u : this.usage.usage(Optional.empty(), Optional.of(subject.substring(4)))) {
                ObjectNode row = usage.addObject();
                row.put("day", u.day().toString());
                row.put("model", u.model());
                row.put("requests", u.requests());
                row.put("prompt_tokens", u.promptTokens());
                row.put("completion_tokens", u.completionTokens());
            }
        }
        ArrayNode list = out.putArray("conversations");
        for (StoredConversation row : store.conversations(hash)) {
            ObjectNode c = list.addObject();
            c.put("id", row.id());
            c.put("request_id", row.requestId());
            c.put("route", row.route());
            c.put("model", row.model());
            c.put("created_at", row.createdAt().toString());
            c.put("expires_at", row.expiresAt().toString());
            try {
                c.set("metadata", Json.MAPPER.readTree(row.metadata()));
                if (row.content().isPresent()) {
                    c.set("content", key.isEmpty() ? null : Json.MAPPER.readTree(envelope.decrypt(key.get(), hash,
                            Base64.getDecoder().decode(row.content().get()), row.id().getBytes(StandardCharsets.UTF_8))));
                }
            } catch (IOException | GeneralSecurityException e) {
                c.put("content_error", "this conversation's content cannot be decrypted");
            }
        }
        return out;
    }

    /** Destroys the subject's data key and deletes its conversations. */
    public Erasure erase(String subject) {
        String hash = subjectHash(subject);
        boolean destroyed = keyring.destroy(hash);
        int deleted = store.deleteConversations(hash);
        return new Erasure(hash, destroyed, deleted);
    }

    /** What a retention run removed. */
    public record Purge(int contentDropped, int conversationsDeleted, int keysDestroyed) {
        public boolean removedAnything() {
            return contentDropped + conversationsDeleted + keysDestroyed > 0;
        }
    }

    /**
     * Applies retention: drops expired content, deletes expired conversations, and destroys the keys of subjects
     * that no longer have any content.
     */
    public Purge purgeExpired() {
        purging.writeLock().lock();
        try {
            return purgeExpiredLocked();
        } finally {
            purging.writeLock().unlock();
        }
    }

    private Purge purgeExpiredLocked() {
        ConversationRepository.Purged purged = store.purgeExpiredConversations(clock.instant());
        java.util.Set<String> withContent = store.subjectsWithContent();
        int destroyed = 0;
        for (String subject : keyring.subjects()) {
            if (!withContent.contains(subject) && keyring.destroy(subject)) {
                destroyed++;
            }
        }
        return new Purge(purged.contentDropped(), purged.conversationsDeleted(), destroyed);
    }

    /** Re-wraps every subject key under the master key's current primary key (after a master key rotation). */
    public int rewrapAll() {
        int n = 0;
        for (String subject : keyring.subjects()) {
            java.util.Optional<byte[]> wrapped = keyring.find(subject);
            if (wrapped.isPresent()) {
                keyring.replace(subject, envelope.rewrap(wrapped.get(), subject));
                n++;
            }
        }
        return n;
    }

    /** For tests of crypto-shredding: decrypts one stored ciphertext with whatever key the keyring still holds. */
    public Optional<byte[]> tryDecrypt(String subjectHash, String conversationId, String base64Ciphertext) {
        Optional<byte[]> key = keyring.find(subjectHash);
        if (key.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(envelope.decrypt(key.get(), subjectHash, Base64.getDecoder().decode(base64Ciphertext),
                    conversationId.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            return Optional.empty();
        }
    }
}
