package dev.bastion.privacy.fl.he;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.List;

/**
 * Holder i's share s_i = f(i) mod nm of the Paillier decryption exponent d. One share decrypts nothing; t of them
 * decrypt together through {@link ThresholdPaillier#combine}. The share never appears in {@link #toString()}.
 * Immutable and thread-safe.
 */
public final class KeyShare {
    private final int index;
    private final BigInteger secret;

    KeyShare(int index, BigInteger secret) {
        if (index < 1 || secret.signum() < 0) {
            throw new IllegalArgumentException("share index must be >= 1 and the share non-negative");
        }
        this.index = index;
        this.secret = secret;
    }

    public int index() {
        return index;
    }

    /**
     * c_i = c^(2 Delta s_i) mod n^2 with its proof of correctness bound to {@code context}.
     *
     * @param context what this decryption is for (federation, round, which ciphertext): the proof is bound to it
     */
    public PartialDecryption decrypt(PublicKey key, Ciphertext c, byte[] context, SecureRandom random) {
        key.check(c);
        BigInteger n2 = key.nSquared();
        BigInteger exponent = key.delta().multiply(secret); // Delta s_i
        BigInteger ci = c.value().modPow(exponent.shiftLeft(1), n2);
        BigInteger c4 = c.value().modPow(BigInteger.valueOf(4), n2);
        BigInteger ci2 = ci.modPow(BigInteger.TWO, n2);
        BigInteger vi = key.verificationKeys().get(index - 1);
        int rBits = n2.bitLength() + key.delta().bitLength() + 2 * PartialDecryption.CHALLENGE_BITS;
        BigInteger r = new BigInteger(rBits, random);
        BigInteger a = c4.modPow(r, n2);
        BigInteger b = key.v().modPow(r, n2);
        BigInteger e = PartialDecryption.challenge(context, List.of(c4, ci2, key.v(), vi, a, b));
        BigInteger z = r.add(e.multiply(exponent));
        return new PartialDecryption(index, ci, e, z);
    }

    @Override
    public String toString() {
        return "KeyShare[holder " + index + "]";
    }
}
