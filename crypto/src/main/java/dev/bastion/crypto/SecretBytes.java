package dev.bastion.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * Secret material (an API key, an upstream credential) that never prints itself.
 *
 * <p>{@link #toString()} is redacted, so a secret that reaches a log line by accident shows as
 * {@code SecretBytes[redacted]}. Reading the bytes requires {@link InsecureSecretAccess}. Equality is constant
 * time. This class is immutable and thread-safe.
 */
public final class SecretBytes {
    private final byte[] bytes;

    private SecretBytes(byte[] bytes) {
        this.bytes = bytes.clone();
    }

    public static SecretBytes copyOf(byte[] bytes, InsecureSecretAccess access) {
        Objects.requireNonNull(access, "access");
        return new SecretBytes(Objects.requireNonNull(bytes, "bytes"));
    }

    public static SecretBytes ofUtf8(String secret, InsecureSecretAccess access) {
        Objects.requireNonNull(access, "access");
        return new SecretBytes(Objects.requireNonNull(secret, "secret").getBytes(StandardCharsets.UTF_8));
    }

    public byte[] toByteArray(InsecureSecretAccess access) {
        Objects.requireNonNull(access, "access");
        return bytes.clone();
    }

    public String toUtf8(InsecureSecretAccess access) {
        Objects.requireNonNull(access, "access");
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public int length() {
        return bytes.length;
    }

    /** Constant-time comparison of the contents. */
    public boolean equalsSecret(SecretBytes other) {
        return MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretBytes other && equalsSecret(other);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new byte[] {(byte) bytes.length});
    }

    @Override
    public String toString() {
        return "SecretBytes[redacted]";
    }
}
