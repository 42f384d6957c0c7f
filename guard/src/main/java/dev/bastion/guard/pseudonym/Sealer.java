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

    /**
     * A sealer whose ciphertexts carry their own wrapped data key, so any process holding the same master key opens
     * them: what replicas sharing a cache of sealed tables use, each with its own data key (made at its start) and no
     * key to agree on. A ciphertext is {@code [2-byte length][wrapped data key][AEAD ciphertext]}; a wrapped key that
     * the master key did not wrap for {@code subject} does not open, so a writer without the master key cannot forge
     * a table.
     */
    static Sealer portable(Envelope envelope, byte[] wrappedKey, String subject) {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(subject, "subject");
        byte[] key = wrappedKey.clone();
        if (key.length > 0xFFFF) {
            throw new IllegalArgumentException("a wrapped data key longer than 65535 bytes");
        }
        return new Sealer() {
            @Override
            public byte[] seal(byte[] plaintext, byte[] context) {
                byte[] sealed = envelope.encrypt(key, subject, plaintext, context);
                return java.nio.ByteBuffer.allocate(2 + key.length + sealed.length).putShort((short) key.length).put(key)
                        .put(sealed).array();
            }

            @Override
            public byte[] open(byte[] ciphertext, byte[] context) throws GeneralSecurityException {
                if (ciphertext.length < 2) {
                    throw new GeneralSecurityException("a sealed table shorter than its header");
                }
                int n = ((ciphertext[0] & 0xFF) << 8) | (ciphertext[1] & 0xFF);
                if (ciphertext.length < 2 + n) {
                    throw new GeneralSecurityException("a sealed table shorter than its wrapped key");
                }
                byte[] wrapped = java.util.Arrays.copyOfRange(ciphertext, 2, 2 + n);
                byte[] body = java.util.Arrays.copyOfRange(ciphertext, 2 + n, ciphertext.length);
                return envelope.decrypt(wrapped, subject, body, context);
            }
        };
    }
}
