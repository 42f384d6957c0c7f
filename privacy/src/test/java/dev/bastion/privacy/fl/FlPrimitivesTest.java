package dev.bastion.privacy.fl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FlPrimitivesTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void prgKeyStreamMatchesNistSp800_38aCtrAes256() {
        // SP 800-38A, F.5.5 CTR-AES256.Encrypt, blocks 1 and 2
        byte[] key = HEX.parseHex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
        byte[] counter = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
        byte[] plain = HEX.parseHex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
        byte[] expected = HEX.parseHex("601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5");
        byte[] stream = Prg.keystream(key, counter, 32);
        byte[] cipher = new byte[32];
        for (int i = 0; i < 32; i++) {
            cipher[i] = (byte) (plain[i] ^ stream[i]);
        }
        assertArrayEquals(expected, cipher);
    }

    @Test
    void aMaskOfAtMost32BitsIsTheKeyStreamReadAsLittleEndian4ByteWordsCutToBBits() {
        // the format changed on purpose in round seven (8-byte big-endian words before): half the key stream
        byte[] seed = new byte[32];
        new Random(3).nextBytes(seed);
        for (int bits : new int[] {1, 20, 32}) {
            long[] mask = Prg.mask(seed, "fl/test", 9, bits);
            ByteBuffer words = ByteBuffer.wrap(Prg.keystream(seed, Prg.initialCounter("fl/test"), 36))
                    .order(ByteOrder.LITTLE_ENDIAN);
            for (long m : mask) {
                assertEquals(Integer.toUnsignedLong(words.getInt()) & ((1L << bits) - 1), m);
                assertTrue(m >= 0 && m < (1L << bits));
            }
        }
    }

    @Test
    void aMaskOfMoreThan32BitsIsTheKeyStreamReadAsLittleEndian8ByteWordsCutToBBits() {
        byte[] seed = new byte[32];
        new Random(4).nextBytes(seed);
        for (int bits : new int[] {33, 40, 62}) {
            long[] mask = Prg.mask(seed, "fl/test", 5, bits);
            ByteBuffer words = ByteBuffer.wrap(Prg.keystream(seed, Prg.initialCounter("fl/test"), 40))
                    .order(ByteOrder.LITTLE_ENDIAN);
            for (long m : mask) {
                assertEquals(words.getLong() & ((1L << bits) - 1), m);
                assertTrue(m >= 0 && m < (1L << bits));
            }
        }
    }

    @Test
    void theDomainSeparatesMasksOfTheSameSeed() {
        byte[] seed = new byte[32];
        assertFalse(Arrays.equals(Prg.mask(seed, "fed/1/self", 8, 40), Prg.mask(seed, "fed/1/pair", 8, 40)));
        assertFalse(Arrays.equals(Prg.mask(seed, "fed/1/self", 8, 40), Prg.mask(seed, "fed/2/self", 8, 40)));
    }

    @Test
    void everyBitOfTheSeedMatters() {
        byte[] seed = new byte[32];
        long[] base = Prg.mask(seed, "d", 4, 62);
        for (int bit = 0; bit < 256; bit += 17) {
            byte[] flipped = seed.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            assertFalse(Arrays.equals(base, Prg.mask(flipped, "d", 4, 62)), "bit " + bit);
        }
    }

    @Test
    void bothPartiesDeriveTheSamePairwiseKeyAndOthersDoNot() {
        KeyAgreement.Pair a = KeyAgreement.generate();
        KeyAgreement.Pair b = KeyAgreement.generate();
        KeyAgreement.Pair c = KeyAgreement.generate();
        byte[] info = "fed/7/mask/1/2".getBytes(StandardCharsets.UTF_8);
        byte[] ab = KeyAgreement.agree(a.privateKey(), b.publicKey(), info);
        assertArrayEquals(ab, KeyAgreement.agree(b.privateKey(), a.publicKey(), info));
        assertEquals(32, ab.length);
        assertFalse(Arrays.equals(ab, KeyAgreement.agree(c.privateKey(), b.publicKey(), info)));
        assertFalse(Arrays.equals(ab, KeyAgreement.agree(a.privateKey(), b.publicKey(), "other".getBytes())));
    }

    @Test
    void aPrivateKeyRebuiltFromItsSharedScalarAgreesLikeTheOriginal() {
        KeyAgreement.Pair a = KeyAgreement.generate();
        KeyAgreement.Pair b = KeyAgreement.generate();
        byte[] info = {1, 2, 3};
        byte[] scalar = a.insecureScalar();
        byte[] rebuilt = Shamir.reconstruct(Shamir.split(scalar, 3, 5, new Random(9)).subList(1, 4));
        assertArrayEquals(KeyAgreement.agree(a.privateKey(), b.publicKey(), info),
                KeyAgreement.agree(KeyAgreement.privateKey(rebuilt), b.publicKey(), info));
    }

    @Test
    void jdkHkdfMatchesRfc5869TestCase1() throws Exception {
        // RFC 5869 A.1: checks the JDK HKDF wiring that KeyAgreement.hkdf uses with its own salt
        javax.crypto.KDF kdf = javax.crypto.KDF.getInstance("HKDF-SHA256");
        byte[] okm = kdf.deriveData(javax.crypto.spec.HKDFParameterSpec.ofExtract()
                .addIKM(HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"))
                .addSalt(HEX.parseHex("000102030405060708090a0b0c"))
                .thenExpand(HEX.parseHex("f0f1f2f3f4f5f6f7f8f9"), 42));
        assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865", HEX.formatHex(okm));
    }

    @Test
    void sharesOpenOnlyWithTheSameKeyAndAssociatedData() {
        byte[] key = new byte[32];
        byte[] ad = "fed|1|share|3->4".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = ShareBox.seal(key, new byte[] {1, 2, 3}, ad);
        assertArrayEquals(new byte[] {1, 2, 3}, ShareBox.open(key, sealed, ad).orElseThrow());
        assertTrue(ShareBox.open(key, sealed, "fed|1|share|3->5".getBytes(StandardCharsets.UTF_8)).isEmpty());
        byte[] other = new byte[32];
        other[0] = 1;
        assertTrue(ShareBox.open(other, sealed, ad).isEmpty());
        sealed[sealed.length - 1] ^= 1;
        assertTrue(ShareBox.open(key, sealed, ad).isEmpty());
    }

    @Test
    void quantisedSumsDecodeToTheWeightedSumAndCountWithoutWrapping() {
        Quantizer q = new Quantizer(1.0, 16, 1000, 10);
        Random random = new Random(5);
        double[][] updates = new double[10][3];
        long[] sum = new long[4];
        double[] exact = new double[3];
        long totalCount = 0;
        for (int k = 0; k < 10; k++) {
            long count = 1000; // the extreme: every client at the count bound and the clip
            Arrays.fill(updates[k], k % 2 == 0 ? -1.0 : 1.0);
            updates[k][2] = -1.0;
            q.addInto(sum, q.encode(updates[k], count, random));
            for (int j = 0; j < 3; j++) {
                exact[j] += count * updates[k][j];
            }
            totalCount += count;
        }
        double[] decoded = q.decode(sum);
        for (int j = 0; j < 3; j++) {
            assertEquals(exact[j], decoded[j], 1e-6 * 10_000, "coordinate " + j);
        }
        assertEquals(totalCount, decoded[3]);
    }

    @Test
    void stochasticRoundingIsUnbiased() {
        Quantizer q = new Quantizer(1.0, 4, 1, 1);
        Random random = new Random(11);
        double value = 0.3; // 0.3 * 7 = 2.1 levels: rounds to 2 or 3
        double mean = 0;
        int runs = 20_000;
        for (int i = 0; i < runs; i++) {
            mean += q.decode(q.encode(new double[] {value}, 1, random))[0];
        }
        assertEquals(value, mean / runs, 0.01);
    }
}
