package dev.bastion.privacy.fl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The X25519 behind {@link KeyAgreement} (Bouncy Castle's) gives the JDK's bytes and RFC 7748's answers. */
class KeyAgreementX25519Test {
    private static final HexFormat HEX = HexFormat.of();
    private static final String X509_PREFIX = "302a300506032b656e032100";

    private static PublicKey publicKey(String uHex) {
        return KeyAgreement.publicKey(HEX.parseHex(X509_PREFIX + uHex));
    }

    private static PrivateKey privateKey(String scalarHex) {
        return KeyAgreement.privateKey(HEX.parseHex(scalarHex));
    }

    @Test
    void rfc7748Section52VectorsComeOutOfBothImplementations() {
        String[][] vectors = {
            {"a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
                "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
                "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"},
            // u with its top bit set: RFC 7748 says to ignore it
            {"4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
                "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
                "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"},
        };
        for (String[] v : vectors) {
            byte[] expected = HEX.parseHex(v[2]);
            assertArrayEquals(expected, KeyAgreement.sharedSecret(privateKey(v[0]), publicKey(v[1])));
            assertArrayEquals(expected, KeyAgreement.jdkSharedSecret(privateKey(v[0]), publicKey(v[1])));
        }
    }

    @Test
    void rfc7748Section61DiffieHellmanGivesBothSidesTheSameSecret() {
        String alice = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
        String alicePublic = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
        String bob = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
        String bobPublic = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
        byte[] shared = HEX.parseHex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        assertArrayEquals(shared, KeyAgreement.sharedSecret(privateKey(alice), publicKey(bobPublic)));
        assertArrayEquals(shared, KeyAgreement.sharedSecret(privateKey(bob), publicKey(alicePublic)));
    }

    @Test
    void randomKeysAndOutOfRangeCoordinatesGiveTheJdksBytes() {
        Random random = new Random(10);
        byte[] info = "pair-mask".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < 200; i++) {
            KeyAgreement.Pair mine = KeyAgreement.generate();
            PublicKey theirs;
            if (i % 4 == 3) { // any 32 bytes as u: top bit set or not, values at or above p included
                byte[] u = new byte[32];
                random.nextBytes(u);
                if (i % 8 == 7) {
                    java.util.Arrays.fill(u, 1, 32, (byte) 0xff); // u >= 2^255 - 19 (non-canonical)
                }
                theirs = publicKey(HEX.formatHex(u));
            } else {
                theirs = KeyAgreement.publicKey(KeyAgreement.generate().publicKey());
            }
            byte[] jdk = KeyAgreement.jdkSharedSecret(mine.privateKey(), theirs);
            assertArrayEquals(jdk, KeyAgreement.sharedSecret(mine.privateKey(), theirs), "key " + i);
            assertArrayEquals(KeyAgreement.hkdf(jdk, info), KeyAgreement.agree(mine.privateKey(), theirs, info));
        }
    }

    @Test
    void smallOrderPeerKeysAreRefusedAsTheJdkRefusesThem() {
        PrivateKey mine = KeyAgreement.generate().privateKey();
        for (String u : new String[] {"00".repeat(32), "01" + "00".repeat(31)}) {
            PublicKey theirs = publicKey(u);
            assertThrows(IllegalArgumentException.class, () -> KeyAgreement.sharedSecret(mine, theirs));
            assertThrows(IllegalArgumentException.class, () -> KeyAgreement.jdkSharedSecret(mine, theirs));
            assertThrows(IllegalArgumentException.class, () -> KeyAgreement.agree(mine, theirs, new byte[1]));
        }
    }

    @Test
    void keysOfAnotherCurveAreRefused() throws Exception {
        var x448 = KeyPairGenerator.getInstance("X448").generateKeyPair();
        PrivateKey mine = KeyAgreement.generate().privateKey();
        PublicKey theirs = KeyAgreement.publicKey(KeyAgreement.generate().publicKey());
        assertThrows(IllegalArgumentException.class, () -> KeyAgreement.sharedSecret(mine, x448.getPublic()));
        assertThrows(IllegalArgumentException.class, () -> KeyAgreement.sharedSecret(x448.getPrivate(), theirs));
    }
}
