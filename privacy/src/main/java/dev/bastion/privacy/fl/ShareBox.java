package dev.bastion.privacy.fl;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM for the shares one client sends another through the server: a random 96-bit nonce is prepended to the
 * ciphertext, and the associated data binds it to the federation, round, stage, sender and recipient, so the server
 * can neither read a share, nor move it to another peer, round or stage. Per-round keys are single-use per (round,
 * pair); a session's key seals one message a round for each pair, so a session would need about 2^32 rounds before
 * random 96-bit nonces risk repeating under one key (NIST SP 800-38D, section 8.3). Thread-safe: the cipher object is
 * looked up once per thread and initialised afresh for every message.
 */
public final class ShareBox {
    private static final SecureRandom NONCES = new SecureRandom();
    private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is unavailable", e);
        }
    });

    private ShareBox() {
    }

    public static byte[] seal(byte[] key, byte[] plaintext, byte[] associatedData) {
        byte[] nonce = new byte[12];
        NONCES.nextBytes(nonce);
        try {
            Cipher gcm = GCM.get();
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            gcm.updateAAD(associatedData);
            byte[] body = gcm.doFinal(plaintext);
            byte[] out = Arrays.copyOf(nonce, 12 + body.length);
            System.arraycopy(body, 0, out, 12, body.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is unavailable", e);
        }
    }

    /** The plaintext, or empty when the ciphertext, key or associated data do not match. */
    public static Optional<byte[]> open(byte[] key, byte[] sealed, byte[] associatedData) {
        if (sealed.length < 12 + 16) {
            return Optional.empty();
        }
        try {
            Cipher gcm = GCM.get();
            gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
                    new GCMParameterSpec(128, sealed, 0, 12));
            gcm.updateAAD(associatedData);
            return Optional.of(gcm.doFinal(sealed, 12, sealed.length - 12));
        } catch (javax.crypto.AEADBadTagException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is unavailable", e);
        }
    }
}
