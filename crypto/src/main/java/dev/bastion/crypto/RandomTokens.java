package dev.bastion.crypto;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Generates bearer tokens and identifiers from a cryptographically secure source.
 *
 * <p>Tokens are {@code prefix + base64url(bytes)} without padding. This class is thread-safe.
 */
public final class RandomTokens {
    private final RandomGenerator random;

    private RandomTokens(RandomGenerator random) {
        this.random = random;
    }

    /** A generator backed by {@link SecureRandom}. */
    public static RandomTokens secure() {
        return new RandomTokens(new SecureRandom());
    }

    /** For tests only: a generator with a caller-chosen (for example seeded) source. */
    static RandomTokens forTesting(RandomGenerator random) {
        return new RandomTokens(Objects.requireNonNull(random));
    }

    /** A secret token: {@code prefix} followed by {@code bytes} random bytes in base64url. */
    public SecretBytes token(String prefix, int bytes) {
        if (bytes < 16) {
            throw new IllegalArgumentException("a token needs at least 128 bits of randomness, got " + bytes * 8);
        }
        String body = Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(bytes));
        return SecretBytes.ofUtf8(prefix + body, InsecureSecretAccess.get());
    }

    /** A public identifier: {@code prefix} followed by {@code bytes} random bytes in lower-case hex. */
    public String identifier(String prefix, int bytes) {
        return prefix + HexFormat.of().formatHex(randomBytes(bytes));
    }

    private byte[] randomBytes(int n) {
        byte[] out = new byte[n];
        random.nextBytes(out);
        return out;
    }
}
