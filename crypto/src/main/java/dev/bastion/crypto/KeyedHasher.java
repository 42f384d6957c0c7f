package dev.bastion.crypto;

import com.google.crypto.tink.Configuration;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Mac;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.mac.MacConfig;
import com.google.crypto.tink.mac.PredefinedMacParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * A keyed hash (HMAC-SHA256 through Tink) for values that must be recognised but never stored, such as API keys.
 *
 * <p>The key lives in a Tink keyset file readable only by its owner (mode 0600). Each hash starts with Tink's
 * 5-byte key-id prefix, so a hash says which key made it and the keyset can be rotated by adding a key.
 * Callers never see the key bytes. This class is immutable and thread-safe.
 */
public final class KeyedHasher {
    private final Mac mac;

    private KeyedHasher(Mac mac) {
        this.mac = mac;
    }

    /**
     * Loads the keyset at {@code keysetFile}, creating it (with mode 0600, written atomically) if it does not exist.
     *
     * @throws UncheckedIOException if the file cannot be read or written
     * @throws IllegalStateException if the file is not a valid keyset
     */
    public static KeyedHasher loadOrCreate(Path keysetFile) {
        try {
            MacConfig.register();
            Configuration config = RegistryConfiguration.get();
            KeysetHandle handle;
            if (Files.exists(keysetFile)) {
                handle = TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(keysetFile), config, InsecureSecretKeyAccess.get());
            } else {
                handle = KeysetHandle.generateNew(PredefinedMacParameters.HMAC_SHA256_256BITTAG, config);
                writePrivately(keysetFile, TinkJsonProtoKeysetFormat.serializeKeyset(handle, config, InsecureSecretKeyAccess.get()));
            }
            return new KeyedHasher(handle.getPrimitive(config, Mac.class));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the keyset file " + keysetFile + " is not a valid Tink MAC keyset: "
                    + e.getMessage() + "; restore it from backup (API keys hashed with it cannot be recognised without it)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the keyset file " + keysetFile, e);
        }
    }

    /** The keyed hash of {@code data} under the primary key, prefixed with that key's id. */
    public byte[] hash(byte[] data) {
        try {
            return mac.computeMac(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC computation failed", e);
        }
    }

    /** The keyed hash of a secret. */
    public byte[] hash(SecretBytes secret) {
        return hash(secret.toByteArray(InsecureSecretAccess.get()));
    }

    /** Whether {@code expected} is a hash of {@code data} under any key of the keyset; constant time in the tag. */
    public boolean matches(byte[] data, byte[] expected) {
        try {
            mac.verifyMac(expected, data);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Constant-time equality of two hashes. */
    public static boolean sameHash(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    /** Writes {@code content} to {@code file} with mode 0600, via a temporary file and an atomic move. */
    public static void writePrivately(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".tmp-", ".part",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, content);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
