package dev.bastion.privacy.fl.he;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * The public side of a threshold Paillier key (Damgard and Jurik 2001 with s = 1, Shoup's threshold RSA technique):
 * the modulus n = pq of two safe primes, the generator g = n + 1, the number of key holders l and the threshold t,
 * and the verification keys v and v_i = v^(Delta s_i) mod n^2 that let anyone check a partial decryption. Anyone
 * can encrypt and add; decryption needs t of the l {@link KeyShare}s. Immutable and thread-safe.
 *
 * @param verificationKeys v_1..v_l at indices 0..l-1
 */
public record PublicKey(BigInteger n, int parties, int threshold, BigInteger v, List<BigInteger> verificationKeys) {
    public PublicKey {
        if (n.bitLength() < 128 || !n.testBit(0) || parties < 2 || threshold < 2 || threshold > parties
                || verificationKeys.size() != parties) {
            throw new IllegalArgumentException("need an odd modulus of at least 128 bits, 2 <= t <= l and one "
                    + "verification key per holder");
        }
        verificationKeys = List.copyOf(verificationKeys);
    }

    public BigInteger nSquared() {
        return n.multiply(n);
    }

    /** Delta = l!, the factor that keeps Lagrange coefficients integral. */
    public BigInteger delta() {
        BigInteger d = BigInteger.ONE;
        for (int i = 2; i <= parties; i++) {
            d = d.multiply(BigInteger.valueOf(i));
        }
        return d;
    }

    /** The first 8 bytes of SHA-256 over n, in hex: travels with every ciphertext. */
    public String keyId() {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(
                    ("bastion-fl/paillier/" + n.toString(16)).getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** Bytes of one ciphertext on the wire: the length of n^2. */
    public int ciphertextBytes() {
        return (2 * n.bitLength() + 7) / 8;
    }

    /** The largest number of plaintext bits that can never reach n: bitLength(n) - 1. */
    public int plaintextBits() {
        return n.bitLength() - 1;
    }

    /** E(m) = (1 + n)^m r^n = (1 + m n) r^n mod n^2 with r uniform in Z*_n. */
    public Ciphertext encrypt(BigInteger m, SecureRandom random) {
        if (m.signum() < 0 || m.compareTo(n) >= 0) {
            throw new IllegalArgumentException("the plaintext must be in [0, n)");
        }
        BigInteger n2 = nSquared();
        BigInteger r;
        do {
            r = new BigInteger(n.bitLength(), random);
        } while (r.signum() == 0 || r.compareTo(n) >= 0 || !r.gcd(n).equals(BigInteger.ONE));
        BigInteger gm = BigInteger.ONE.add(m.multiply(n)).mod(n2);
        return new Ciphertext(keyId(), gm.multiply(r.modPow(n, n2)).mod(n2));
    }

    /** E(a) * E(b) = E(a + b mod n). */
    public Ciphertext add(Ciphertext a, Ciphertext b) {
        check(a);
        check(b);
        return new Ciphertext(a.keyId(), a.value().multiply(b.value()).mod(nSquared()));
    }

    /** @throws IllegalArgumentException if {@code c} is under another key or not in [1, n^2) */
    void check(Ciphertext c) {
        if (!c.keyId().equals(keyId()) || c.value().compareTo(nSquared()) >= 0) {
            throw new IllegalArgumentException("ciphertext under key " + c.keyId() + ", expected " + keyId());
        }
    }

    /** L(u) = (u - 1) / n. */
    BigInteger l(BigInteger u) {
        return u.subtract(BigInteger.ONE).divide(n);
    }
}
