package dev.bastion.store.subjects;

import java.util.List;
import java.util.Optional;

/**
 * The data subjects' wrapped data keys, by subject hash. Destroying a key is crypto-shredding: every copy of the
 * subject's stored ciphertext becomes unreadable. Implementations keep the keys apart from the conversations
 * (so a copy of the conversation database is useless once a key is gone) and are thread-safe.
 */
public interface SubjectKeyRepository extends AutoCloseable {
    /** The subject's wrapped key, if it has one. */
    Optional<byte[]> find(String subjectHash);

    /** Stores {@code wrapped} for the subject unless it already has a key; returns the subject's key. */
    byte[] findOrStore(String subjectHash, byte[] wrapped);

    /** Every subject hash that has a key. */
    List<String> subjects();

    /** Replaces a subject's wrapped key (after re-wrapping it under a new master key); false if it had none. */
    boolean replace(String subjectHash, byte[] wrapped);

    /** Destroys a subject's key; false if it had none. */
    boolean destroy(String subjectHash);

    @Override
    void close();
}
