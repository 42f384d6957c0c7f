package dev.bastion.privacy.fl;

import com.google.crypto.tink.subtle.Ed25519Verify;
import dev.bastion.crypto.SigningKey;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Ed25519 verification of roster signatures for one client's round: the same check as
 * {@link SigningKey#verify} (RFC 8032 Ed25519, S below the group order), done by Tink's verifier: 0.48 against 1.29 ms
 * per verification in a side measurement under load, where the JDK path also decoded the key on every call; the
 * N = 1,000 scale runs did not isolate the gain (docs/federated-learning.md, "Scale").
 * A client verifies hundreds of signatures a round in SecAgg+ (every neighbour's advertised keys, then every
 * consistency signature), so this dominated its time. Each roster key's verifier is built once and kept for the
 * round. A key that is not a plain X.509 Ed25519 key (44 bytes, the fixed prefix) goes to {@link SigningKey#verify}.
 *
 * <p>A signature that verified is remembered with its signer and message: a client that keeps one verifier for a
 * session of several rounds ({@link SecAggSession}) checks each peer's session advertisement once, however many
 * rounds present it again. Only successes are remembered, so a forged signature is checked (and refused) every time.
 *
 * <p>Not thread-safe: one per client.
 */
final class RosterVerifier {
    /** SubjectPublicKeyInfo of an Ed25519 key, before its 32 raw bytes (RFC 8410). */
    private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private final Map<Integer, Ed25519Verify> verifiers = new HashMap<>();
    private final Set<Verified> verified = new HashSet<>();
    private int checks;

    /** A signature that verified: by whom, over what. ByteBuffers compare by content. */
    private record Verified(int id, ByteBuffer key, ByteBuffer data, ByteBuffer signature) {
    }

    /** Whether {@code signature} over {@code data} verifies under {@code publicKeyX509}, the roster key of {@code id}. */
    boolean verify(int id, byte[] publicKeyX509, byte[] data, byte[] signature) {
        Verified seen = new Verified(id, ByteBuffer.wrap(publicKeyX509.clone()), ByteBuffer.wrap(data.clone()),
                ByteBuffer.wrap(signature.clone()));
        if (verified.contains(seen)) {
            return true;
        }
        checks++;
        boolean ok = check(id, publicKeyX509, data, signature);
        if (ok) {
            verified.add(seen);
        }
        return ok;
    }

    /** How many signatures were checked with Ed25519 (not answered from the remembered ones): for tests. */
    int checks() {
        return checks;
    }

    private boolean check(int id, byte[] publicKeyX509, byte[] data, byte[] signature) {
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
