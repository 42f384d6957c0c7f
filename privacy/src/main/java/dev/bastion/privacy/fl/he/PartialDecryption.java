package dev.bastion.privacy.fl.he;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Holder i's share of the decryption of one ciphertext c: c_i = c^(2 Delta s_i) mod n^2, with a non-interactive
 * proof (e, z) that log_{c^4}(c_i^2) = log_v(v_i), i.e. that c_i was made with the same share the verification key
 * v_i commits to. Immutable and thread-safe.
 */
public record PartialDecryption(int index, BigInteger value, BigInteger challenge, BigInteger response) {
    /*
     * The proof is Shoup's (Eurocrypt 2000, section 2.1, as used by Damgard and Jurik 2001, section 4.1): a
     * Chaum-Pedersen proof of equal discrete logarithms in a group of unknown order, made non-interactive by
     * Fiat-Shamir. The prover draws r of |n^2| + |Delta| + 2 * 128 bits, sends a = (c^4)^r, b = v^r, derives the
     * 128-bit challenge e = H(context, c^4, c_i^2, v, v_i, a, b) and answers z = r + e * Delta * s_i over the
     * integers; r is that much longer than e * Delta * s_i so z statistically hides the share. The verifier
     * recomputes a = (c^4)^z (c_i^2)^-e and b = v^z v_i^-e and checks that they hash to e. The context binds the
     * proof to the federation, round and ciphertext it was made for, so it cannot be replayed elsewhere.
     */
    static final int CHALLENGE_BITS = 128;

    public PartialDecryption {
        if (index < 1 || value.signum() <= 0 || challenge.signum() < 0 || response.signum() < 0) {
            throw new IllegalArgumentException("a partial decryption needs an index >= 1 and positive values");
        }
    }

    /** Bytes on the wire: the index, c_i (as long as n^2), the 16-byte challenge and the response. */
    public long wireBytes(PublicKey key) {
        return 4 + key.ciphertextBytes() + CHALLENGE_BITS / 8 + (response.bitLength() + 8) / 8;
    }

    /** Whether the proof shows c_i was made from {@code c} with holder {@code index}'s share. */
    public boolean verify(PublicKey key, Ciphertext c, byte[] context) {
        key.check(c);
        if (index > key.parties() || value.compareTo(key.nSquared()) >= 0) {
            return false;
        }
        BigInteger n2 = key.nSquared();
        BigInteger c4 = c.value().modPow(BigInteger.valueOf(4), n2);
        BigInteger ci2 = value.modPow(BigInteger.TWO, n2);
        BigInteger vi = key.verificationKeys().get(index - 1);
        BigInteger ciInverse;
        BigInteger viInverse;
        try {
            ciInverse = ci2.modInverse(n2);
            viInverse = vi.modInverse(n2);
        } catch (ArithmeticException notInvertible) {
            return false;
        }
        BigInteger a = c4.modPow(response, n2).multiply(ciInverse.modPow(challenge, n2)).mod(n2);
        BigInteger b = key.v().modPow(response, n2).multiply(viInverse.modPow(challenge, n2)).mod(n2);
        return challenge(context, List.of(c4, ci2, key.v(), vi, a, b)).equals(challenge);
    }

    static BigInteger challenge(byte[] context, List<BigInteger> values) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("bastion-fl/paillier/partial-decryption/v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            sha.update(lengthPrefix(context.length));
            sha.update(context);
            for (BigInteger v : values) {
                byte[] b = v.toByteArray();
                sha.update(lengthPrefix(b.length));
                sha.update(b);
            }
            byte[] h = sha.digest();
            return new BigInteger(1, java.util.Arrays.copyOf(h, CHALLENGE_BITS / 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static byte[] lengthPrefix(int length) {
        return java.nio.ByteBuffer.allocate(4).putInt(length).array();
    }

    @Override
    public String toString() {
        return "PartialDecryption[holder " + index + "]";
    }
}
