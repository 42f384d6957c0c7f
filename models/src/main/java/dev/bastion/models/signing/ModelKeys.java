package dev.bastion.models.signing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;

/** Model signing key pairs on disk: {@code model-signing.key} (PKCS#8 PEM, 0600) and {@code model-signing.pub}. */
public final class ModelKeys {
    public static final String PRIVATE_FILE = "model-signing.key";
    public static final String PUBLIC_FILE = "model-signing.pub";

    private ModelKeys() {
    }

    public static KeyPair generate(SigningAlgorithm algorithm) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm.keyAlgorithm());
            switch (algorithm) {
                case ECDSA_P256 -> g.initialize(new ECGenParameterSpec("secp256r1"));
                case ECDSA_P384 -> g.initialize(new ECGenParameterSpec("secp384r1"));
                default -> { }
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot generate " + algorithm.configName() + " keys", e);
        }
    }

    /** Writes a new key pair into {@code dir}; refuses to overwrite an existing key. Returns the public key file. */
    public static Path write(Path dir, SigningAlgorithm algorithm) throws IOException {
        Files.createDirectories(dir);
        Path priv = dir.resolve(PRIVATE_FILE);
        Path pub = dir.resolve(PUBLIC_FILE);
        if (Files.exists(priv) || Files.exists(pub)) {
            throw new FileAlreadyExistsException(priv + " or " + pub + " exists; choose another --out or remove them");
        }
        KeyPair pair = generate(algorithm);
        byte[] privatePem = Pem.encode("PRIVATE KEY", pair.getPrivate().getEncoded()).getBytes(StandardCharsets.US_ASCII);
        try {
            Files.createFile(priv, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(priv);
        }
        Files.write(priv, privatePem, StandardOpenOption.TRUNCATE_EXISTING);
        Files.writeString(pub, Pem.publicKey(pair.getPublic()));
        return pub;
    }

    public static PrivateKey readPrivate(Path file) throws IOException {
        return Pem.readPrivateKey(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
    }

    public static PublicKey readPublic(Path file) throws IOException {
        return Pem.readPublicKey(Files.readString(file, StandardCharsets.ISO_8859_1), file.toString());
    }

    /** The public key for a private key file: {@code X.key} pairs with {@code X.pub} beside it. */
    public static PublicKey publicFor(Path privateKeyFile) throws IOException {
        String name = privateKeyFile.getFileName().toString();
        Path pub = privateKeyFile.resolveSibling(name.endsWith(".key") ? name.substring(0, name.length() - 4) + ".pub"
                : name + ".pub");
        if (!Files.exists(pub)) {
            throw new IllegalArgumentException("no public key " + pub + " beside " + privateKeyFile);
        }
        return readPublic(pub);
    }
}
