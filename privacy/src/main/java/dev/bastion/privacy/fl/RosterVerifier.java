package dev.bastion.privacy.fl;

import com.google.crypto.tink.subtle.Ed25519Verify;
import dev.bastion.crypto.SigningKey;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Ed25519 verification of roster signatures for one client's round: the same check as
 * {@link SigningKey#verify} (RFC 8032 Ed25519, S below the group order), done by Tink's verifier: 0.48 against 1.29 ms
 * per verification in a side measurement under load, where the JDK path also decoded the key on every call; the
 * N = 1,000 scale runs did not isolate the gain (docs/federated-learning.md, "Scale").
 * A client verifies hundreds of signatures a round in SecAgg+ (every neighbour's advertised keys, then every
 * consistency signature), so this dominated its time. Each roster key's verifier is built once and kept for the
 * round. A key that is not a plain X.509 Ed25519 key (44 bytes, the fixed prefix) goes to {@link SigningKey#verify}.
 *
 * <p>Not thread-safe: one per client.
 */
final class RosterVerifier {
    /** SubjectPublicKeyInfo of an Ed25519 key, before its 32 raw bytes (RFC 8410). */
    private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private final Map<Integer, Ed25519Verify> verifiers = new HashMap<>();

    /** Whether {@code signature} over {@code data} verifies under {@code publicKeyX509}, the roster key of {@code id}. */
    boolean verify(int id, byte[] publicKeyX509, byte[] data, byte[] signature) {
        if (publicKeyX509.length != X509_PREFIX.length + 32
                || !Arrays.equals(publicKeyX509, 0, X509_PREFIX.length, X509_PREFIX, 0, X509_PREFIX.length)) {
            return SigningKey.verify(SigningKey.Algorithm.ED25519, publicKeyX509, data, signature);
        }
        Ed25519Verify verifier = verifiers.computeIfAbsent(id, k -> new Ed25519Verify(
                Arrays.copyOfRange(publicKeyX509, X509_PREFIX.length, publicKeyX509.length)));
        try {
            verifier.verify(signature, data);
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
