package dev.bastion.privacy.fl.he;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * Safe primes p = 2p' + 1 (p' prime) with their top two bits set, so the product of two of them has exactly twice
 * their length.
 *
 * <p>Stateless and thread-safe.
 */
final class SafePrimes {
    /*
     * Search: a random odd start q0 of bits - 1 bits with its top two bits set, then the candidates p' = q0 + 2k for
     * k in a window of WINDOW values. A sieve over every odd prime l below 2^16 strikes each k for which l divides
     * p' or 2p' + 1 (two residues per l), so only about 0.3% of the window reaches a modular exponentiation. A
     * survivor must pass a base-2 Fermat test on p, then the JDK's Miller-Rabin and Lucas test on p'. Once p' is
     * prime, 2^(p-1) = 1 mod p proves p prime (Pocklington: p - 1 = 2p' with p' > sqrt(p), and gcd(2^2 - 1, p) = 1
     * because 3 does not divide p, which the sieve ensures). A random start gives each safe prime a probability
     * proportional to the gap before it, the usual bias of incremental search (Brandt and Damgard 1992), which
     * does not help factoring.
     */
    private static final int WINDOW = 1 << 16;
    private static final int[] SMALL = smallOddPrimes(1 << 16);
    private static final BigInteger TWO = BigInteger.TWO;

    private SafePrimes() {
    }

    /** A safe prime of exactly {@code bits} bits (at least 64) whose top two bits are set. */
    static BigInteger generate(int bits, SecureRandom random) {
        if (bits < 64) {
            throw new IllegalArgumentException("safe primes of at least 64 bits");
        }
        while (true) {
            BigInteger q0 = new BigInteger(bits - 1, random).setBit(bits - 2).setBit(bits - 3).setBit(0);
            boolean[] struck = sieve(q0);
            for (int k = 0; k < WINDOW; k++) {
                if (struck[k]) {
                    continue;
                }
                BigInteger pPrime = q0.add(BigInteger.valueOf(2L * k));
                BigInteger p = pPrime.shiftLeft(1).add(BigInteger.ONE);
                if (p.bitLength() != bits || !p.testBit(bits - 2)) {
                    break; // ran past the top of the range: draw a new start
                }
                if (TWO.modPow(p.subtract(BigInteger.ONE), p).equals(BigInteger.ONE) && pPrime.isProbablePrime(128)) {
                    return p;
                }
            }
        }
    }

    /** struck[k]: some small prime divides q0 + 2k or 2(q0 + 2k) + 1. */
    private static boolean[] sieve(BigInteger q0) {
        boolean[] struck = new boolean[WINDOW];
        for (int l : SMALL) {
            long r = q0.mod(BigInteger.valueOf(l)).longValue();
            long half = (l + 1) / 2; // the inverse of 2 mod l
            // q0 + 2k = 0 mod l  <=>  k = -r / 2
            long k1 = Math.floorMod(-r * half, l);
            // 2(q0 + 2k) + 1 = 0  <=>  q0 + 2k = -1/2  <=>  k = (-1/2 - r) / 2
            long k2 = Math.floorMod((-half - r) % l * half, l);
            for (long k = k1; k < WINDOW; k += l) {
                struck[(int) k] = true;
            }
            for (long k = k2; k < WINDOW; k += l) {
                struck[(int) k] = true;
            }
        }
        return struck;
    }

    private static int[] smallOddPrimes(int below) {
        boolean[] composite = new boolean[below];
        int count = 0;
        for (int i = 3; i < below; i += 2) {
            if (!composite[i]) {
                count++;
                for (long j = (long) i * i; j < below; j += 2L * i) {
                    composite[(int) j] = true;
                }
            }
        }
        int[] primes = new int[count];
        int at = 0;
        for (int i = 3; i < below; i += 2) {
            if (!composite[i]) {
                primes[at++] = i;
            }
        }
        return primes;
    }
}
