package dev.bastion.privacy.fl.he;

import java.security.SecureRandom;

/** Keys dealt once per JVM for the tests: 1024-bit n (512-bit safe primes), far below 3072 to keep tests quick. */
final class HeFixture {
    static final int BITS = 1024;

    private static ThresholdPaillier.Dealt tenSitesSevenNeeded;
    private static ThresholdPaillier.Dealt fiveSitesThreeNeeded;

    private HeFixture() {
    }

    /** l = 10, t = 7: the default tolerance of a third. */
    static synchronized ThresholdPaillier.Dealt tenSites() {
        if (tenSitesSevenNeeded == null) {
            tenSitesSevenNeeded = ThresholdPaillier.deal(BITS, 10, 7, new SecureRandom());
        }
        return tenSitesSevenNeeded;
    }

    /** l = 5, t = 3: small enough to try every subset of holders. */
    static synchronized ThresholdPaillier.Dealt fiveSites() {
        if (fiveSitesThreeNeeded == null) {
            fiveSitesThreeNeeded = ThresholdPaillier.deal(BITS, 5, 3, new SecureRandom());
        }
        return fiveSitesThreeNeeded;
    }
}
