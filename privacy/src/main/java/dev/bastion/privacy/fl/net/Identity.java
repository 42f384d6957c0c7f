package dev.bastion.privacy.fl.net;

import dev.bastion.crypto.KeyedHasher;
import dev.bastion.crypto.SigningKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Optional;

/**
 * A member's key directory, as {@code fl init} writes it: {@code tls.p12} (its TLS key and self-signed
 * certificate) with its password in {@code tls.pass}, {@code admin.pub} (the federation admin's Ed25519 key, the
 * trust anchor for the roster) and, for a site, {@code signing.key} (its long-term Ed25519 key for SecAgg, with
 * {@code signing.key.pub}). Every file is written owner-only. The password sits beside the keystore: the
 * directory's permissions protect both, as they protect {@code signing.key}.
 */
public record Identity(Path dir, KeyStore tls, char[] password, X509Certificate certificate, byte[] adminKey,
        Optional<SigningKey> signing) {

    static final String ALIAS = "tls";

    public String fingerprint() {
        return SelfSignedCertificate.fingerprint(certificate);
    }

    /** Writes a new key directory for {@code name}; {@code withSigningKey} for sites. */
    public static Identity create(Path dir, String name, byte[] adminKeyPem, boolean withSigningKey,
            java.time.Instant now) throws IOException {
        if (Files.exists(dir.resolve("tls.p12"))) {
            throw new IllegalArgumentException(dir + " already holds a key; refusing to overwrite it");
        }
        Files.createDirectories(dir);
        SelfSignedCertificate cert = SelfSignedCertificate.create(name, now, java.time.Duration.ofDays(3650));
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        char[] password = Base64.getUrlEncoder().encodeToString(secret).toCharArray();
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(ALIAS, cert.keys().getPrivate(), password, new Certificate[] {cert.certificate()});
            KeyedHasher.writePrivately(dir.resolve("tls.pass"), new String(password));
            Path tmp = dir.resolve("tls.p12.part");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                ks.store(out, password);
            }
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, dir.resolve("tls.p12"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot write a PKCS12 keystore", e);
        }
        KeyedHasher.writePrivately(dir.resolve("admin.pub"), new String(adminKeyPem, StandardCharsets.US_ASCII));
        if (withSigningKey) {
            SigningKey.loadOrCreate(dir.resolve("signing.key"), SigningKey.Algorithm.ED25519);
        }
        return load(dir);
    }

    /** Reads a key directory. */
    public static Identity load(Path dir) throws IOException {
        Path p12 = dir.resolve("tls.p12");
        if (!Files.isRegularFile(p12)) {
            throw new IllegalArgumentException(dir + " is not a key directory written by 'bastion fl init' (no tls.p12)");
        }
        char[] password = Files.readString(dir.resolve("tls.pass")).strip().toCharArray();
        try (InputStream in = Files.newInputStream(p12)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            X509Certificate cert = (X509Certificate) ks.getCertificate(ALIAS);
            byte[] admin = SigningKey.publicKeyFromPem(Files.readString(dir.resolve("admin.pub")));
            Optional<SigningKey> signing = Files.exists(dir.resolve("signing.key"))
                    ? Optional.of(SigningKey.load(dir.resolve("signing.key"))) : Optional.empty();
            return new Identity(dir, ks, password, cert, admin, signing);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(dir + ": tls.p12 does not open with tls.pass", e);
        }
    }
}
