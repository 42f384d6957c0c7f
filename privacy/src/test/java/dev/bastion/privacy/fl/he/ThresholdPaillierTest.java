package dev.bastion.privacy.fl.he;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThresholdPaillierTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] CONTEXT = "test/round-1/ct-0".getBytes(StandardCharsets.US_ASCII);

    private static List<PartialDecryption> partials(ThresholdPaillier.Dealt dealt, Ciphertext c, int... holders) {
        List<PartialDecryption> out = new ArrayList<>();
        for (int i : holders) {
            out.add(dealt.shares().get(i - 1).decrypt(dealt.publicKey(), c, CONTEXT, RANDOM));
        }
        return out;
    }

    @Test
    void safePrimesAreSafeAndHaveTheirTopTwoBitsSet() {
        for (int i = 0; i < 3; i++) {
            BigInteger p = SafePrimes.generate(256, RANDOM);
            assertEquals(256, p.bitLength());
            assertTrue(p.testBit(254), "second bit set, so a product of two has exactly 512 bits");
            assertTrue(p.isProbablePrime(100));
            assertTrue(p.shiftRight(1).isProbablePrime(100), "(p - 1) / 2 is prime");
        }
    }

    @Test
    void theDealtModulusHasTheRequestedSizeAndTheKeyNamesItsHolders() {
        PublicKey key = HeFixture.fiveSites().publicKey();
        assertEquals(HeFixture.BITS, key.n().bitLength());
        assertEquals(5, key.verificationKeys().size());
        assertEquals(BigInteger.valueOf(120), key.delta());
        assertEquals(2 * HeFixture.BITS / 8, key.ciphertextBytes());
    }

    @Test
    void encryptionThenThresholdDecryptionGivesThePlaintextBack() {
        ThresholdPaillier.Dealt dealt = HeFixture.fiveSites();
        PublicKey key = dealt.publicKey();
        for (BigInteger m : List.of(BigInteger.ZERO, BigInteger.ONE, new BigInteger(1000, RANDOM),
                key.n().subtract(BigInteger.ONE))) {
            Ciphertext c = key.encrypt(m, RANDOM);
            assertEquals(m, ThresholdPaillier.combine(key, c, partials(dealt, c, 1, 2, 3)));
        }
    }

    @Test
    void encryptingTheSameValueTwiceGivesDifferentCiphertexts() {
        PublicKey key = HeFixture.fiveSites().publicKey();
        assertNotEquals(key.encrypt(BigInteger.TEN, RANDOM).value(), key.encrypt(BigInteger.TEN, RANDOM).value());
    }

    @Test
    void multiplyingCiphertextsAddsThePlaintextsModN() {
        ThresholdPaillier.Dealt dealt = HeFixture.fiveSites();
        PublicKey key = dealt.publicKey();
        BigInteger a = new BigInteger(900, RANDOM);
        BigInteger b = new BigInteger(900, RANDOM);
        Ciphertext sum = key.add(key.encrypt(a, RANDOM), key.encrypt(b, RANDOM));
        assertEquals(a.add(b), ThresholdPaillier.combine(key, sum, partials(dealt, sum, 2, 4, 5)));
        BigInteger big = key.n().subtract(BigInteger.TWO);
        Ciphertext wrapped = key.add(key.encrypt(big, RANDOM), key.encrypt(BigInteger.valueOf(5), RANDOM));
        assertEquals(BigInteger.valueOf(3), ThresholdPaillier.combine(key, wrapped, partials(dealt, wrapped, 1, 3, 5)),
                "addition is mod n");
    }

    @Test
    void everySetOfTHoldersDecryptsAndEveryProofChecks() {
        ThresholdPaillier.Dealt dealt = HeFixture.fiveSites();
        PublicKey key = dealt.publicKey();
        BigInteger m = new BigInteger(700, RANDOM);
        Ciphertext c = key.encrypt(m, RANDOM);
        List<PartialDecryption> all = partials(dealt, c, 1, 2, 3, 4, 5);
        for (PartialDecryption p : all) {
            assertTrue(p.verify(key, c, CONTEXT), "holder " + p.index());
        }
        int sets = 0;
        for (int a = 0; a < 5; a++) {
            for (int b = a + 1; b < 5; b++) {
                for (int d = b + 1; d < 5; d++) {
                    assertEquals(m, ThresholdPaillier.combine(key, c, List.of(all.get(a), all.get(b), all.get(d))));
                    sets++;
                }
            }
        }
        assertEquals(10, sets);
    }

    @Test
    void tMinusOneHoldersAreRefusedAndInterpolatingTheirPartialsDoesNotGiveThePlaintext() {
        ThresholdPaillier.Dealt dealt = HeFixture.fiveSites();
        PublicKey key = dealt.publicKey();
        BigInteger m = new BigInteger(700, RANDOM);
        Ciphertext c = key.encrypt(m, RANDOM);
        List<PartialDecryption> two = partials(dealt, c, 2, 5);
        assertThrows(IllegalArgumentException.class, () -> ThresholdPaillier.combine(key, c, two));
        List<PartialDecryption> repeated = new ArrayList<>(two);
        repeated.add(two.getFirst());
        assertThrows(IllegalArgumentException.class, () -> ThresholdPaillier.combine(key, c, repeated),
                "the same holder twice counts once");
        assertNotEquals(m, ThresholdPaillier.combineInsecure(key, two));
        assertEquals(m, ThresholdPaillier.combineInsecure(key, partials(dealt, c, 2, 3, 5)),
                "the same interpolation with t holders works, so the failure is the missing share");
    }

    @Test
    void aPartialDecryptionFailsItsProofForAnotherCiphertextContextOrHolder() {
        ThresholdPaillier.Dealt dealt = HeFixture.fiveSites();
        PublicKey key = dealt.publicKey();
        Ciphertext c = key.encrypt(BigInteger.valueOf(42), RANDOM);
        Ciphertext other = key.encrypt(BigInteger.valueOf(42), RANDOM);
        PartialDecryption p = partials(dealt, c, 3).getFirst();
        assertTrue(p.verify(key, c, CONTEXT));
        assertFalse(p.verify(key, other, CONTEXT), "another ciphertext");
        assertFalse(p.verify(key, c, "test/round-2/ct-0".getBytes(StandardCharsets.US_ASCII)), "another context");
        PartialDecryption claimedByFour = new PartialDecryption(4, p.value(), p.challenge(), p.response());
        assertFalse(claimedByFour.verify(key, c, CONTEXT), "another holder's verification key");
        PartialDecryption wrongValue = new PartialDecryption(3, p.value().multiply(BigInteger.TWO)
                .mod(key.nSquared()), p.challenge(), p.response());
        assertFalse(wrongValue.verify(key, c, CONTEXT), "a value not made with the share");
    }

    @Test
    void aCiphertextUnderAnotherKeyIsRefused() {
        ThresholdPaillier.Dealt small = ThresholdPaillier.deal(256, 3, 2, RANDOM);
        PublicKey key = HeFixture.fiveSites().publicKey();
        Ciphertext foreign = small.publicKey().encrypt(BigInteger.ONE, RANDOM);
        assertThrows(IllegalArgumentException.class, () -> key.add(key.encrypt(BigInteger.ONE, RANDOM), foreign));
        assertThrows(IllegalArgumentException.class,
                () -> HeFixture.fiveSites().shares().getFirst().decrypt(key, foreign, CONTEXT, RANDOM));
    }

    @Test
    void aKeyShareNeverPrintsItsSecret() {
        KeyShare share = HeFixture.fiveSites().shares().get(1);
        assertEquals("KeyShare[holder 2]", share.toString());
    }
}
