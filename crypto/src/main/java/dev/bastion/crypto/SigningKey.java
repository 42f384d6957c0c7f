package dev.bastion.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A private signing key (Ed25519 by default, ML-DSA-65 from JDK 25 as an option) with its key id: the first 8
 * bytes of SHA-256 over the public key's X.509 encoding, in hex. Every signature is published with the key id,
 * so verifiers know which key to use and keys can be rotated. The private key file is PKCS#8 PEM, mode 0600;
 * the public key sits beside it as {@code NAME.pub} (X.509 PEM). This class is immutable and thread-safe.
 */
public final class SigningKey {
    /** The algorithms Bastion signs with, by their JDK names. */
    public enum Algorithm {
        ED25519("Ed25519"), ML_DSA_65("ML-DSA-65");

        private final String jdkName;

        Algorithm(String jdkName) {
            this.jdkName = jdkName;
        }

        public String jdkName() {
            return jdkName;
        }

        public String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** @throws IllegalArgumentException naming the accepted values */
        public static Algorithm fromName(String name) {
            for (Algorithm a : values()) {
                if (a.jdkName.equalsIgnoreCase(name) || a.configName().equalsIgnoreCase(name)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("unknown signature algorithm '" + name + "'; expected ed25519 or ml-dsa-65");
        }
    }

    private final Algorithm algorithm;
    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyId;

    private SigningKey(Algorithm algorithm, PrivateKey privateKey, PublicKey publicKey) {
        this.algorithm = algorithm;
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.keyId = keyIdOf(publicKey.getEncoded());
    }

    /** A new random key. */
    public static SigningKey generate(Algorithm algorithm) {
        try {
            KeyPair pair = KeyPairGenerator.getInstance(algorithm.jdkName()).generateKeyPair();
            return new SigningKey(algorithm, pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm.jdkName() + " is not available in this JDK", e);
        }
    }

    /** Loads the key at {@code file}, creating it (and {@code file.pub}) if missing. */
    public static SigningKey loadOrCreate(Path file, Algorithm algorithm) {
        if (Files.exists(file)) {
            return load(file);
        }
        SigningKey key = generate(algorithm);
        try {
            KeyedHasher.writePrivately(file, algorithm.jdkName() + "\n" + pem("PRIVATE KEY", key.privateKey.getEncoded()));
            // owner-only too: everything in the data directory is (the public key is not secret, but one rule for
            // the whole directory is one thing to check)
            KeyedHasher.writePrivately(file.resolveSibling(file.getFileName() + ".pub"), key.publicKeyPem());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the signing key " + file, e);
        }
        return key;
    }

    /** @throws IllegalStateException naming the file when it is not a key this class wrote */
    public static SigningKey load(Path file) {
        try {
            String text = Files.readString(file);
            String[] lines = text.split("\n", 2);
            Algorithm algorithm = Algorithm.fromName(lines[0].strip());
            byte[] der = unpem(lines[1]);
            KeyFactory kf = KeyFactory.getInstance(algorithm.jdkName());
            PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(der));
            byte[] pub = unpem(Files.readString(file.resolveSibling(file.getFileName() + ".pub")));
            return new SigningKey(algorithm, priv, kf.generatePublic(new X509EncodedKeySpec(pub)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the signing key " + file + " or its .pub", e);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException("the signing key " + file + " is not valid (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    public byte[] sign(byte[] data) {
        try {
            Signature s = Signature.getInstance(algorithm.jdkName());
            s.initSign(privateKey);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing with " + algorithm.jdkName() + " failed", e);
        }
    }

    /** Verifies a signature with a public key in X.509 encoding; false for anything malformed. */
    public static boolean verify(Algorithm algorithm, byte[] publicKeyX509, byte[] data, byte[] signature) {
        try {
            PublicKey key = KeyFactory.getInstance(algorithm.jdkName()).generatePublic(new X509EncodedKeySpec(publicKeyX509));
            Signature s = Signature.getInstance(algorithm.jdkName());
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    public static String keyIdOf(byte[] publicKeyX509) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicKeyX509);
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public Algorithm algorithm() {
        return algorithm;
    }

    public String keyId() {
        return keyId;
    }

    public byte[] publicKeyX509() {
        return publicKey.getEncoded();
    }

    public String publicKeyPem() {
        return pem("PUBLIC KEY", publicKey.getEncoded());
    }

    /** Reads a public key PEM (as written next to the private key). */
    public static byte[] publicKeyFromPem(String pem) {
        return unpem(pem);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static byte[] unpem(String pem) {
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    @Override
    public String toString() {
        return "SigningKey[" + algorithm.configName() + ", " + keyId + "]";
    }
}
