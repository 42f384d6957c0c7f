package dev.bastion.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.Configuration;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Envelope encryption with Tink AEAD (AES-256-GCM): a master key wraps one data key per data subject, and each data
 * key encrypts that subject's content. Destroying a subject's wrapped data key makes every ciphertext of that subject
 * unreadable, wherever copies of it live (crypto-shredding).
 *
 * <p>The master key is a Tink keyset read from a file (created with mode 0600 when missing), an environment variable
 * holding the keyset JSON, or the output of a command (for a secrets manager). Key ids travel inside every
 * ciphertext, so the master keyset can be rotated by adding a primary key: old wrapped keys still open. This class is
 * immutable and thread-safe.
 */
public final class Envelope {
    private static final Configuration CONFIG;

    static {
        try {
            AeadConfig.register();
            CONFIG = RegistryConfiguration.get();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink AEAD is unavailable", e);
        }
    }

    private final Aead master;

    private Envelope(Aead master) {
        this.master = master;
    }

    /** Where the master keyset comes from. */
    public sealed interface MasterKeySource {
        /** A keyset file, created (mode 0600) when missing. */
        record File(Path path) implements MasterKeySource {
        }

        /** An environment variable holding the keyset JSON. */
        record Env(String variable) implements MasterKeySource {
        }

        /** A command whose standard output is the keyset JSON. */
        record Command(String command) implements MasterKeySource {
        }
    }

    /**
     * Opens the master key.
     *
     * @throws IllegalStateException naming the source when it is missing or not a valid AEAD keyset
     */
    public static Envelope open(MasterKeySource source, Map<String, String> env) {
        String where = describe(source);
        try {
            String json = switch (source) {
                case MasterKeySource.File f -> {
                    if (!Files.exists(f.path())) {
                        KeysetHandle fresh = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, CONFIG);
                        KeyedHasher.writePrivately(f.path(), TinkJsonProtoKeysetFormat.serializeKeyset(fresh, CONFIG,
                                InsecureSecretKeyAccess.get()));
                    }
                    yield Files.readString(f.path());
                }
                case MasterKeySource.Env e -> {
                    String value = env.get(e.variable());
                    if (value == null || value.isBlank()) {
                        throw new IllegalStateException("the environment variable " + e.variable() + " is not set");
                    }
                    yield value;
                }
                case MasterKeySource.Command c -> run(c.command());
            };
            KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeyset(json, CONFIG, InsecureSecretKeyAccess.get());
            return new Envelope(handle.getPrimitive(CONFIG, Aead.class));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the master key from " + where + " is not a valid Tink AEAD keyset", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the master key from " + where, e);
        }
    }

    private static String describe(MasterKeySource source) {
        return switch (source) {
            case MasterKeySource.File f -> "file " + f.path();
            case MasterKeySource.Env e -> "environment variable " + e.variable();
            case MasterKeySource.Command c -> "command '" + c.command() + "'";
        };
    }

    private static String run(String command) throws IOException {
        Process p = new ProcessBuilder("/bin/sh", "-c", command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("the master key command failed or took longer than 30 s");
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running the master key command", e);
        }
    }

    /** A new data key for {@code subject}, wrapped by the master key (bound to the subject). */
    public byte[] newWrappedKey(String subject) {
        try {
            KeysetHandle key = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, CONFIG);
            return TinkProtoKeysetFormat.serializeEncryptedKeyset(key, master, subject.getBytes(StandardCharsets.UTF_8), CONFIG);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a data key", e);
        }
    }

    /** The same data key, wrapped again under the master key's current primary key. */
    public byte[] rewrap(byte[] wrappedKey, String subject) {
        try {
            KeysetHandle handle = TinkProtoKeysetFormat.parseEncryptedKeyset(wrappedKey, master,
                    subject.getBytes(StandardCharsets.UTF_8), CONFIG);
            return TinkProtoKeysetFormat.serializeEncryptedKeyset(handle, master, subject.getBytes(StandardCharsets.UTF_8), CONFIG);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot re-wrap a data key", e);
        }
    }

    /**
     * Rotates a master keyset file: adds a new AES-256-GCM key and makes it the primary. Keys wrapped under the old
     * primary still open (the old key stays in the keyset); new keys are wrapped under the new one.
     *
     * @return the new primary key id
     */
    public static int rotateMasterKeyFile(Path file) {
        try {
            KeysetHandle old = TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(file), CONFIG, InsecureSecretKeyAccess.get());
            KeysetHandle.Builder builder = KeysetHandle.newBuilder(old);
            KeysetHandle.Builder.Entry entry = KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                    .withRandomId().makePrimary();
            builder.addEntry(entry);
            KeysetHandle rotated = builder.build();
            KeyedHasher.writePrivately(file, TinkJsonProtoKeysetFormat.serializeKeyset(rotated, CONFIG, InsecureSecretKeyAccess.get()));
            return rotated.getPrimary().getId();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the master key file " + file + " is not a valid Tink AEAD keyset", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rotate the master key file " + file, e);
        }
    }

    /** Encrypts {@code plaintext} with the subject's data key; {@code context} is authenticated, not encrypted. */
    public byte[] encrypt(byte[] wrappedKey, String subject, byte[] plaintext, byte[] context) {
        try {
            return dataKey(wrappedKey, subject).encrypt(plaintext, context);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    /** @throws GeneralSecurityException when the key, subject, context or ciphertext does not match */
    public byte[] decrypt(byte[] wrappedKey, String subject, byte[] ciphertext, byte[] context) throws GeneralSecurityException {
        return dataKey(wrappedKey, subject).decrypt(ciphertext, context);
    }

    private Aead dataKey(byte[] wrappedKey, String subject) throws GeneralSecurityException {
        Objects.requireNonNull(wrappedKey, "wrappedKey");
        KeysetHandle handle = TinkProtoKeysetFormat.parseEncryptedKeyset(wrappedKey, master,
                subject.getBytes(StandardCharsets.UTF_8), CONFIG);
        return handle.getPrimitive(CONFIG, Aead.class);
    }
}
