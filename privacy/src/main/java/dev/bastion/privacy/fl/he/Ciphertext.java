package dev.bastion.privacy.fl.he;

import java.math.BigInteger;

/**
 * A Paillier ciphertext, an element of Z*_{n^2}, with the id of the public key it belongs to, so a value can
 * never be combined with or decrypted under another key. Immutable and thread-safe.
 */
public record Ciphertext(String keyId, BigInteger value) {
    public Ciphertext {
        if (keyId.isBlank() || value.signum() <= 0) {
            throw new IllegalArgumentException("a ciphertext needs a key id and a positive value");
        }
    }

    @Override
    public String toString() {
        return "Ciphertext[key " + keyId + ", " + value.bitLength() + " bits]";
    }
}
