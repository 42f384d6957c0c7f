package dev.bastion.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvelopeTest {
    @TempDir
    Path dir;

    private static final byte[] TEXT = "patient notes".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CONTEXT = "conversation-1".getBytes(StandardCharsets.UTF_8);

    @Test
    void contentRoundTripsOnlyWithTheSameSubjectKeyAndContext() throws Exception {
        Envelope envelope = Envelope.open(new Envelope.MasterKeySource.File(dir.resolve("master.json")), Map.of());
        byte[] key = envelope.newWrappedKey("subject-a");
        byte[] ciphertext = envelope.encrypt(key, "subject-a", TEXT, CONTEXT);
        assertThat(new String(ciphertext, StandardCharsets.ISO_8859_1)).doesNotContain("patient");
        assertThat(envelope.decrypt(key, "subject-a", ciphertext, CONTEXT)).isEqualTo(TEXT);
        assertThatThrownBy(() -> envelope.decrypt(key, "subject-b", ciphertext, CONTEXT)).isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> envelope.decrypt(key, "subject-a", ciphertext, "other".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(GeneralSecurityException.class);
        byte[] otherKey = envelope.newWrappedKey("subject-a");
        assertThatThrownBy(() -> envelope.decrypt(otherKey, "subject-a", ciphertext, CONTEXT)).isInstanceOf(GeneralSecurityException.class);
        assertThat(Files.getPosixFilePermissions(dir.resolve("master.json")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void masterKeyFromEnvironmentOrCommandOpensTheSameWrappedKeys() throws Exception {
        Path file = dir.resolve("master.json");
        Envelope fromFile = Envelope.open(new Envelope.MasterKeySource.File(file), Map.of());
        byte[] key = fromFile.newWrappedKey("s");
        byte[] ciphertext = fromFile.encrypt(key, "s", TEXT, CONTEXT);
        Envelope fromEnv = Envelope.open(new Envelope.MasterKeySource.Env("MK"), Map.of("MK", Files.readString(file)));
        Envelope fromCommand = Envelope.open(new Envelope.MasterKeySource.Command("cat " + file), Map.of());
        assertThat(fromEnv.decrypt(key, "s", ciphertext, CONTEXT)).isEqualTo(TEXT);
        assertThat(fromCommand.decrypt(key, "s", ciphertext, CONTEXT)).isEqualTo(TEXT);
    }

    @Test
    void anotherMasterKeyCannotOpenWrappedKeys() {
        Envelope one = Envelope.open(new Envelope.MasterKeySource.File(dir.resolve("one.json")), Map.of());
        Envelope two = Envelope.open(new Envelope.MasterKeySource.File(dir.resolve("two.json")), Map.of());
        byte[] key = one.newWrappedKey("s");
        byte[] ciphertext = one.encrypt(key, "s", TEXT, CONTEXT);
        assertThatThrownBy(() -> two.decrypt(key, "s", ciphertext, CONTEXT)).isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void missingOrInvalidMasterKeysAreClearErrors() throws Exception {
        assertThatThrownBy(() -> Envelope.open(new Envelope.MasterKeySource.Env("NOPE"), Map.of()))
                .hasMessageContaining("NOPE");
        Files.writeString(dir.resolve("bad.json"), "{}");
        assertThatThrownBy(() -> Envelope.open(new Envelope.MasterKeySource.File(dir.resolve("bad.json")), Map.of()))
                .hasMessageContaining("bad.json");
        assertThatThrownBy(() -> Envelope.open(new Envelope.MasterKeySource.Command("exit 3"), Map.of()))
                .hasMessageContaining("command");
    }
}
