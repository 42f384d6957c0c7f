package dev.bastion.privacy.fl.he;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Threshold Paillier with a trusted dealer: key generation, and the combination of t partial decryptions.
 *
 * <p>Trust assumption, stated plainly: {@link #deal} sees the factorisation of n and every share. In a federation it
 * is run once by the federation admin (the role of {@code bastion fl init}), who hands each site its share and must
 * then forget p, q and the shares; an admin who keeps them can decrypt every update. A distributed key generation
 * (Boneh-Franklin style biprimality testing, or Hazay et al. 2012) would remove the dealer and is not built.
 * Stateless and thread-safe.
 */
public final class ThresholdPaillier {
    /*
     * Damgard and Jurik, "A Generalisation, a Simplification and Some Applications of Paillier's Probabilistic
     * Public-Key System" (PKC 2001), section 4, with s = 1, which follows Shoup, "Practical Threshold Signatures"
     * (Eurocrypt 2000):
     *
     *   p = 2p' + 1, q = 2q' + 1 safe primes, n = pq, m = p'q'. The decryption exponent d satisfies d = 0 mod m and
     *   d = 1 mod n (CRT; gcd(n, m) = 1). f(X) = d + a_1 X + ... + a_{t-1} X^{t-1} with a_j uniform in Z_{nm};
     *   holder i gets s_i = f(i) mod nm. v is a random square in Z*_{n^2} (it generates the squares with
     *   overwhelming probability), v_i = v^(Delta s_i), Delta = l!.
     *
     *   Partial decryption: c_i = c^(2 Delta s_i). Combination over a set S of t holders:
     *     c' = prod_{i in S} c_i^(2 lambda_i),  lambda_i = Delta prod_{j in S, j != i} j / (j - i)  (an integer),
     *   so the exponent of c is 4 Delta sum_i lambda_i s_i = 4 Delta^2 f(0) = 4 Delta^2 d modulo the order of c^4,
     *   which divides nm. As d = 0 mod m the random part r^n vanishes and as d = 1 mod n,
     *   c' = (1 + n)^(4 Delta^2 M) = 1 + 4 Delta^2 M n mod n^2, hence M = L(c') (4 Delta^2)^-1 mod n.
     *
     * With fewer than t shares the values f(i) are uniform and independent of d (Shamir), which is why t - 1
     * holders learn nothing; the test checks the weaker, observable fact that interpolating t - 1 partials does not
     * give the plaintext.
     */

    /** The public key and the l shares, share i at index i - 1. */
    public record Dealt(PublicKey publicKey, List<KeyShare> shares, double primeSeconds) {
        public Dealt {
            shares = List.copyOf(shares);
        }
    }

    private ThresholdPaillier() {
    }

    /**
     * Generates n of {@code modulusBits} bits from two safe primes and splits d t-of-l.
     *
     * @param modulusBits even, at least 128 (3072 for 128-bit security; smaller only in tests)
     */
    public static Dealt deal(int modulusBits, int parties, int threshold, SecureRandom random) {
        if (modulusBits < 128 || modulusBits % 2 != 0 || parties < 2 || threshold < 2 || threshold > parties) {
            throw new IllegalArgumentException("need an even modulus size of at least 128 bits and 2 <= t <= l");
        }
        long start = System.nanoTime();
        BigInteger p = SafePrimes.generate(modulusBits / 2, random);
        BigInteger q;
        do {
            q = SafePrimes.generate(modulusBits / 2, random);
        } while (q.equals(p));
        double primeSeconds = (System.nanoTime() - start) / 1e9;
        BigInteger n = p.multiply(q);
        BigInteger m = p.shiftRight(1).multiply(q.shiftRight(1));
        BigInteger nm = n.multiply(m);
        BigInteger d = m.multiply(m.modInverse(n)); // 0 mod m, 1 mod n
        BigInteger[] coefficients = new BigInteger[threshold];
        coefficients[0] = d;
        for (int j = 1; j < threshold; j++) {
            coefficients[j] = uniformBelow(nm, random);
        }
        BigInteger n2 = n.multiply(n);
        BigInteger r;
        do {
            r = uniformBelow(n2, random);
        } while (r.signum() == 0 || !r.gcd(n).equals(BigInteger.ONE));
        BigInteger v = r.multiply(r).mod(n2);
        BigInteger delta = factorial(parties);
        List<KeyShare> shares = new ArrayList<>();
        List<BigInteger> verification = new ArrayList<>();
        for (int i = 1; i <= parties; i++) {
            BigInteger x = BigInteger.valueOf(i);
            BigInteger s = BigInteger.ZERO;
            for (int j = threshold - 1; j >= 0; j--) {
                s = s.multiply(x).add(coefficients[j]).mod(nm); // Horner
            }
            shares.add(new KeyShare(i, s));
            verification.add(v.modPow(delta.multiply(s), n2));
        }
        return new Dealt(new PublicKey(n, parties, threshold, v, verification), shares, primeSeconds);
    }

    /**
     * The plaintext of {@code c} from the partials of at least t distinct holders (the first t by index are used).
     * Verify each partial's proof first: this method trusts them.
     *
     * @throws IllegalArgumentException with fewer than t distinct holders
     */
    public static BigInteger combine(PublicKey key, Ciphertext c, List<PartialDecryption> partials) {
        key.check(c);
        TreeMap<Integer, PartialDecryption> byIndex = new TreeMap<>();
        for (PartialDecryption pd : partials) {
            byIndex.putIfAbsent(pd.index(), pd);
        }
        if (byIndex.size() < key.threshold()) {
            throw new IllegalArgumentException(byIndex.size() + " distinct partial decryptions, " + key.threshold()
                    + " needed");
        }
        return combineInsecure(key, byIndex.values().stream().limit(key.threshold()).toList());
    }

    /** The Lagrange combination over exactly the given holders, whatever their number (tests show t - 1 fails). */
    static BigInteger combineInsecure(PublicKey key, List<PartialDecryption> partials) {
        BigInteger n2 = key.nSquared();
        BigInteger delta = key.delta();
        BigInteger product = BigInteger.ONE;
        for (PartialDecryption pi : partials) {
            BigInteger numerator = delta;
            BigInteger denominator = BigInteger.ONE;
            for (PartialDecryption pj : partials) {
                if (pj.index() != pi.index()) {
                    numerator = numerator.multiply(BigInteger.valueOf(pj.index()));
                    denominator = denominator.multiply(BigInteger.valueOf(pj.index() - pi.index()));
                }
            }
            BigInteger lambda = numerator.divide(denominator); // exact: Delta clears every denominator
            BigInteger base = lambda.signum() < 0 ? pi.value().modInverse(n2) : pi.value();
            product = product.multiply(base.modPow(lambda.abs().shiftLeft(1), n2)).mod(n2);
        }
        BigInteger fourDeltaSquared = delta.multiply(delta).shiftLeft(2);
        return key.l(product).multiply(fourDeltaSquared.modInverse(key.n())).mod(key.n());
    }

    private static BigInteger factorial(int l) {
        BigInteger f = BigInteger.ONE;
        for (int i = 2; i <= l; i++) {
            f = f.multiply(BigInteger.valueOf(i));
        }
        return f;
    }

    private static BigInteger uniformBelow(BigInteger bound, SecureRandom random) {
        BigInteger x;
        do {
            x = new BigInteger(bound.bitLength(), random);
        } while (x.compareTo(bound) >= 0);
        return x;
    }
}
