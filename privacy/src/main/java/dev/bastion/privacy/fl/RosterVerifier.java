package dev.bastion.privacy.fl;

import dev.bastion.crypto.SigningKey;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Ed25519 verification of roster signatures for one client's round: the same check as
 * {@link SigningKey#verify} (RFC 8032 Ed25519, S below the group order), done by Bouncy Castle's RFC 8032 code on a
 * public point decoded once per roster key: 75-81 against 197-213 us of CPU per verification for Tink's verifier,
 * which it replaced in round ten (same signature, one thread, load 27; Tink had replaced the JDK's in round seven).
 * A client verifies hundreds of signatures a round in SecAgg+ (every neighbour's advertised keys, then every
 * consistency signature), so this dominated its time. Each roster key is decoded once (by its bytes) and kept for
 * the round. A key that is not a plain X.509 Ed25519 key (44 bytes, the fixed prefix) goes to
 * {@link SigningKey#verify}.
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

    /** Each roster key (its 32 raw bytes) decoded and checked once: empty when it is not a valid Ed25519 point. */
    private final Map<ByteBuffer, Optional<Ed25519.PublicPoint>> points = new HashMap<>();
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
        ByteBuffer raw = ByteBuffer.wrap(Arrays.copyOfRange(publicKeyX509, X509_PREFIX.length, publicKeyX509.length));
        Optional<Ed25519.PublicPoint> point = points.computeIfAbsent(raw, k -> Optional.ofNullable(
                Ed25519.validatePublicKeyPartialExport(k.array(), 0)));
        if (point.isEmpty() || signature.length != Ed25519.SIGNATURE_SIZE) {
            return false;
        }
        try {
            return Ed25519.verify(signature, 0, point.get(), data, 0, data.length);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
