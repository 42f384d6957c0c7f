package dev.bastion.privacy.fl;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.XECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.security.spec.XECPrivateKeySpec;
import javax.crypto.KDF;
import javax.crypto.spec.HKDFParameterSpec;

/**
 * X25519 key pairs and pairwise secrets: HKDF-SHA256 (RFC 5869, the JDK 25 KDF API) over the X25519 shared secret,
 * salted with a fixed protocol label and bound by {@code info} to the federation, round, purpose and the two
 * parties. Public keys travel in their X.509 encoding; a private key leaves this class only as its 32-byte scalar,
 * which is what the protocol Shamir-shares. Stateless and thread-safe.
 */
public final class KeyAgreement {
    private static final byte[] SALT = "bastion-fl/secagg/v1".getBytes(StandardCharsets.UTF_8);
    /*
     * Why Bouncy Castle's X25519 (round ten, 2026-12-06). A SecAgg+ server whose 300 of 1,000 clients dropped after
     * sharing agrees about 43,000 pair-mask keys while unmasking, and a flight recording of that put 52% of its CPU
     * in the JDK's X25519 (sun.security.util.math.intpoly). Bouncy Castle's org.bouncycastle.math.ec.rfc7748.X25519
     * took 72-77 us an agreement against 133-150 us for the JDK's, same keys, same bytes, one thread's CPU at load
     * 24; Tink's was measured in round eight at 148-172 us (not faster). Round eight's own ladder was not merged:
     * primitives come from maintained libraries, and Bouncy Castle is one. Keys are still made, encoded and checked
     * by the JDK (X.509 in, XECPrivateKey scalars out); only the scalar multiplication moves. Both implementations
     * clamp the scalar and ignore the top bit of u as RFC 7748 section 5 says, and both refuse the all-zero output.
     */
    /*
     * The JCA objects are looked up once per thread and reused (none of them is thread-safe, and KeyAgreement.init
     * resets the agreement): a SecAgg+ server with 300 dropped clients agrees about 43,000 pair-mask keys, and the
     * provider look-ups and fresh objects cost about a fifth of each agreement in a side measurement.
     */
    private static final ThreadLocal<KeyFactory> XDH_KEYS = ThreadLocal.withInitial(() -> lookUp(() -> KeyFactory.getInstance("XDH")));
    private static final ThreadLocal<javax.crypto.KeyAgreement> X25519 =
            ThreadLocal.withInitial(() -> lookUp(() -> javax.crypto.KeyAgreement.getInstance("X25519")));
    private static final ThreadLocal<KDF> HKDF = ThreadLocal.withInitial(() -> lookUp(() -> KDF.getInstance("HKDF-SHA256")));

    private interface Lookup<T> {
        T get() throws GeneralSecurityException;
    }

    private static <T> T lookUp(Lookup<T> lookup) {
        try {
            return lookup.get();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519, XDH or HKDF-SHA256 is unavailable", e);
        }
    }

    private KeyAgreement() {
    }

    /** A private key and the X.509 encoding of its public key. */
    public record Pair(PrivateKey privateKey, byte[] publicKey) {
        public Pair {
            publicKey = publicKey.clone();
        }

        @Override
        public byte[] publicKey() {
            return publicKey.clone();
        }

        /** The 32-byte private scalar: what the self-mask key's Shamir shares carry. */
        public byte[] insecureScalar() {
            return ((XECPrivateKey) privateKey).getScalar()
                    .orElseThrow(() -> new IllegalStateException("the X25519 private key does not expose its scalar"));
        }

        @Override
        public String toString() {
            return "KeyAgreement.Pair[private=redacted]";
        }
    }

    public static Pair generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("X25519").generateKeyPair();
            return new Pair(pair.getPrivate(), pair.getPublic().getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 is unavailable", e);
        }
    }

    /** The private key of a reconstructed 32-byte scalar. */
    public static PrivateKey privateKey(byte[] scalar) {
        try {
            return XDH_KEYS.get().generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an X25519 scalar", e);
        }
    }

    /**
     * 32 bytes shared by the two parties: HKDF-SHA256(salt, X25519(mine, theirs), info).
     *
     * @throws IllegalArgumentException when {@code theirPublicKey} is not a valid X25519 public key (or gives the
     *     all-zero shared secret)
     */
    public static byte[] agree(PrivateKey mine, byte[] theirPublicKey, byte[] info) {
        return agree(mine, publicKey(theirPublicKey), info);
    }

    /**
     * The public key of an X.509 encoding, decoded once for a caller that agrees with it many times (the server
     * unmasking a dropped client's pair masks agrees with each surviving neighbour's key).
     *
     * @throws IllegalArgumentException when it is not an X25519 public key
     */
    public static PublicKey publicKey(byte[] x509) {
        try {
            return XDH_KEYS.get().generatePublic(new X509EncodedKeySpec(x509));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("the peer's X25519 public key is not valid", e);
        }
    }

    /** As {@link #agree(PrivateKey, byte[], byte[])}, with the peer's key already decoded. */
    public static byte[] agree(PrivateKey mine, PublicKey theirs, byte[] info) {
        return hkdf(sharedSecret(mine, theirs), info);
    }

    /**
     * X25519(mine, theirs): Bouncy Castle's RFC 7748 function on the raw 32-byte scalar and u-coordinate (why: the
     * note at the top of the class). It gives the bytes the JDK's XDH gives ({@link #jdkSharedSecret}, which the
     * tests hold it to).
     */
    static byte[] sharedSecret(PrivateKey mine, PublicKey theirs) {
        byte[] scalar = scalarOf(mine);
        byte[] shared = new byte[32];
        try {
            if (!org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(scalar, 0, rawU(theirs), 0, shared, 0)) {
                throw new IllegalArgumentException("the peer's X25519 public key is not valid (all-zero shared secret)");
            }
        } finally {
            java.util.Arrays.fill(scalar, (byte) 0);
        }
        return shared;
    }

    /** X25519 through the JDK's XDH provider: the reference for the tests. */
    static byte[] jdkSharedSecret(PrivateKey mine, PublicKey theirs) {
        try {
            javax.crypto.KeyAgreement ka = X25519.get();
            ka.init(mine);
            ka.doPhase(theirs, true);
            return ka.generateSecret();
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("the peer's X25519 public key is not valid", e);
        }
    }

    /* X.509 SubjectPublicKeyInfo of an X25519 key (RFC 8410): SEQUENCE { SEQUENCE { OID 1.3.101.110 } BIT STRING },
     * 12 fixed bytes, then the 32-byte u-coordinate. */
    private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00};

    /** The 32-byte little-endian u-coordinate of an X25519 public key, from its X.509 encoding. */
    static byte[] rawU(PublicKey key) {
        byte[] encoded = key.getEncoded();
        if (encoded == null || encoded.length != X509_PREFIX.length + 32
                || !java.util.Arrays.equals(encoded, 0, X509_PREFIX.length, X509_PREFIX, 0, X509_PREFIX.length)) {
            throw new IllegalArgumentException("the peer's key is not an X25519 public key");
        }
        return java.util.Arrays.copyOfRange(encoded, X509_PREFIX.length, encoded.length);
    }

    /** A copy of the 32-byte private scalar of an X25519 key (the caller wipes it). */
    private static byte[] scalarOf(PrivateKey key) {
        if (key instanceof XECPrivateKey xec && xec.getParams() instanceof NamedParameterSpec named
                && named.getName().equalsIgnoreCase("X25519")) {
            byte[] scalar = xec.getScalar().orElseThrow(
                    () -> new IllegalArgumentException("the X25519 private key does not expose its scalar"));
            if (scalar.length == 32) {
                return scalar;
            }
        }
        throw new IllegalArgumentException("not an X25519 private key");
    }

    static byte[] hkdf(byte[] ikm, byte[] info) {
        try {
            return HKDF.get().deriveData(HKDFParameterSpec.ofExtract().addIKM(ikm).addSalt(SALT).thenExpand(info, 32));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF-SHA256 is unavailable", e);
        }
    }
}
