package dev.bastion.guard.pseudonym;

import dev.bastion.crypto.KeyedHasher;
import dev.bastion.guard.Pseudonymizer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * What replaces a found value. Every operator is a pure function of (type, value) apart from {@link Pseudonymise},
 * which extends its table. Thread-safety follows the parts: all are thread-safe except {@link Pseudonymise}.
 */
public sealed interface Operator {
    /** The replacement for {@code value}, found as {@code type}. */
    String apply(String type, String value);

    /** Removes the value. */
    record Redact() implements Operator {
        @Override
        public String apply(String type, String value) {
            return "";
        }
    }

    /** Replaces the value with its type tag, {@code <EMAIL_ADDRESS>}. */
    record Tag() implements Operator {
        @Override
        public String apply(String type, String value) {
            return "<" + type + ">";
        }
    }

    /** Replaces all but the last {@code keepLast} characters with {@code *}. */
    record Mask(int keepLast) implements Operator {
        public Mask {
            if (keepLast < 0 || keepLast > 64) {
                throw new IllegalArgumentException("mask keeps 0 to 64 characters, got " + keepLast);
            }
        }

        @Override
        public String apply(String type, String value) {
            int keep = Math.min(keepLast, value.length());
            return "*".repeat(value.length() - keep) + value.substring(value.length() - keep);
        }
    }

    /**
     * A keyed hash (HMAC-SHA256): {@code <TYPE:16 hex digits>}, equal values giving equal hashes under one key;
     * nothing reverses it. The digits are the first 64 bits of the tag (after Tink's key-id prefix, which is the
     * same for every value and so would add nothing).
     */
    record Hash(KeyedHasher hasher) implements Operator {
        public Hash {
            Objects.requireNonNull(hasher, "hasher");
        }

        @Override
        public String apply(String type, String value) {
            byte[] mac = hasher.hash(value.getBytes(StandardCharsets.UTF_8));
            return "<" + type + ":" + HexFormat.of().formatHex(Arrays.copyOfRange(mac, mac.length - 32, mac.length - 24)) + ">";
        }
    }

    /**
     * Authenticated encryption: {@code ENC<base64url>}, the Tink ciphertext with its key id inside; a holder of the
     * key reverses it with {@link #decrypt}.
     */
    record Encrypt(Sealer sealer) implements Operator {
        private static final byte[] CONTEXT = "bastion pii operator v1".getBytes(StandardCharsets.UTF_8);

        public Encrypt {
            Objects.requireNonNull(sealer, "sealer");
        }

        @Override
        public String apply(String type, String value) {
            return "ENC<" + Base64.getUrlEncoder().withoutPadding().encodeToString(sealer.seal(
                    value.getBytes(StandardCharsets.UTF_8), CONTEXT)) + ">";
        }

        /** The value inside the base64url body of an {@code ENC<...>} token, or empty if it does not open. */
        public Optional<String> decrypt(String body) {
            try {
                return Optional.of(new String(sealer.open(Base64.getUrlDecoder().decode(body), CONTEXT), StandardCharsets.UTF_8));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }

    /** Replaces the value with its surrogate (see {@link Pseudonymizer}). */
    record Pseudonymise(Pseudonymizer pseudonymizer) implements Operator {
        public Pseudonymise {
            Objects.requireNonNull(pseudonymizer, "pseudonymizer");
        }

        @Override
        public String apply(String type, String value) {
            return pseudonymizer.surrogate(type, value);
        }
    }
}
