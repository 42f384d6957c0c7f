package dev.bastion.store.keys;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Persistent API keys, of which only a keyed hash is stored. Implementations are thread-safe and safe for several
 * processes sharing one database.
 */
public interface KeyRepository {
    /** Stores a new key. @throws IllegalStateException if the id or hash already exists */
    void insertKey(ApiKey key);

    /** The key whose hash is {@code hash}, revoked or not. */
    Optional<ApiKey> findKeyByHash(byte[] hash);

    Optional<ApiKey> findKey(String id);

    /** All keys, oldest first. */
    List<ApiKey> listKeys();

    /** Marks the key revoked at {@code at}; returns false if there is no such key or it was already revoked. */
    boolean revokeKey(String id, Instant at);

    /**
     * Replaces the per-key limits of key {@code id} ({@code empty}: the configured defaults apply again); false if
     * there is no such key.
     */
    boolean updateLimits(String id, Optional<Limits> limits);

    long countKeys();
}
