package dev.bastion.guard.pseudonym;

import dev.bastion.crypto.Envelope;
import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * Authenticated encryption of small values (Tink AEAD through {@link Envelope}): the key id travels inside each
 * ciphertext, and the context is authenticated, so a ciphertext opens only under the key and context it was sealed
 * with. Implementations are thread-safe.
 */
public interface Sealer {
    /** Encrypts {@code plaintext}, binding {@code context}. */
    byte[] seal(byte[] plaintext, byte[] context);

    /** @throws GeneralSecurityException when the key, context or ciphertext does not match */
    byte[] open(byte[] ciphertext, byte[] context) throws GeneralSecurityException;

    /**
     * A sealer with one data key, wrapped by the master key in {@code envelope} and bound to {@code subject}
     * (see {@link Envelope#newWrappedKey(String)}).
     */
    static Sealer envelope(Envelope envelope, byte[] wrappedKey, String subject) {
        Objects.requireNonNull(envelope, "envelope");
        byte[] key = wrappedKey.clone();
        Objects.requireNonNull(subject, "subject");
        return new Sealer() {
            @Override
            public byte[] seal(byte[] plaintext, byte[] context) {
                return envelope.encrypt(key, subject, plaintext, context);
            }

            @Override
            public byte[] open(byte[] ciphertext, byte[] context) throws GeneralSecurityException {
                return envelope.decrypt(key, subject, ciphertext, context);
            }
        };
    }
}
