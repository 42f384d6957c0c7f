package dev.bastion.privacy.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bastion.crypto.SigningKey;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The fast roster verifier accepts and refuses exactly what the JDK-backed SigningKey.verify does. */
class RosterVerifierTest {
    private static final SigningKey KEY = SigningKey.generate(SigningKey.Algorithm.ED25519);
    private static final SigningKey OTHER = SigningKey.generate(SigningKey.Algorithm.ED25519);
    private static final byte[] DATA = "survivors 1,2,3,5,8".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private static byte[] flip(byte[] b, int i) {
        byte[] c = b.clone();
        c[i] ^= 1;
        return c;
    }

    /** name, key, data, signature (as changes to the genuine ones), and whether it should verify. */
    static Stream<Arguments> cases() {
        byte[] sig = KEY.sign(DATA);
        byte[] pk = KEY.publicKeyX509();
        UnaryOperator<byte[]> same = b -> b;
        return Stream.of(
                Arguments.of("genuine", pk, DATA, sig, true),
                Arguments.of("a flipped message bit", pk, flip(DATA, 3), sig, false),
                Arguments.of("a flipped R bit", pk, DATA, flip(sig, 5), false),
                Arguments.of("a flipped S bit", pk, DATA, flip(sig, 40), false),
                Arguments.of("S plus the group order's top bit (non-canonical)", pk, DATA, flip(sig, 63), false),
                Arguments.of("another client's key", OTHER.publicKeyX509(), DATA, sig, false),
                Arguments.of("a truncated signature", pk, DATA, Arrays.copyOf(sig, 63), false),
                Arguments.of("an empty signature", pk, DATA, new byte[0], false),
                Arguments.of("a key with a changed X.509 prefix", flip(pk, 8), DATA, sig, false),
                Arguments.of("a flipped key bit", flip(pk, 20), DATA, sig, false),
                Arguments.of("a short key", Arrays.copyOf(pk, 40), DATA, sig, false),
                Arguments.of("the genuine one again", same.apply(pk), DATA, sig, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void acceptsExactlyWhatTheJdkVerifierAccepts(String name, byte[] key, byte[] data, byte[] signature,
            boolean expected) {
        assertEquals(expected, SigningKey.verify(SigningKey.Algorithm.ED25519, key, data, signature), "jdk: " + name);
        RosterVerifier fresh = new RosterVerifier();
        assertEquals(expected, fresh.verify(7, key, data, signature), "fast: " + name);
    }

    @org.junit.jupiter.api.Test
    void aVerifiedSignatureIsRememberedAndAForgedOneIsCheckedAndRefusedEveryTime() {
        byte[] sig = KEY.sign(DATA);
        RosterVerifier verifier = new RosterVerifier();
        for (int i = 0; i < 3; i++) {
            assertEquals(true, verifier.verify(7, KEY.publicKeyX509(), DATA, sig));
        }
        assertEquals(1, verifier.checks(), "the genuine signature is verified once");
        for (int i = 0; i < 3; i++) {
            assertEquals(false, verifier.verify(7, KEY.publicKeyX509(), DATA, flip(sig, 5)));
        }
        assertEquals(4, verifier.checks(), "a forged signature is checked every time it is presented");
        assertEquals(false, verifier.verify(7, KEY.publicKeyX509(), flip(DATA, 0), sig), "another message");
        assertEquals(false, verifier.verify(8, OTHER.publicKeyX509(), DATA, sig), "another signer");
    }
}
