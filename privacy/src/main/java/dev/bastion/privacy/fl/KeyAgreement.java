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
    /** The length of every pairwise secret {@link #agree} gives. */
    public static final int SEED_BYTES = 32;
    private static final byte[] SALT = "bastion-fl/secagg/v1".getBytes(StandardCharsets.UTF_8);
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
        byte[] shared;
        try {
            javax.crypto.KeyAgreement ka = X25519.get();
            ka.init(mine);
            ka.doPhase(theirs, true);
            shared = ka.generateSecret();
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("the peer's X25519 public key is not valid", e);
        }
        return hkdf(shared, info);
    }

    static byte[] hkdf(byte[] ikm, byte[] info) {
        try {
            return HKDF.get().deriveData(HKDFParameterSpec.ofExtract().addIKM(ikm).addSalt(SALT).thenExpand(info, SEED_BYTES));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF-SHA256 is unavailable", e);
        }
    }
}
