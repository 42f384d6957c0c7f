package dev.bastion.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeyTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(SigningKey.Algorithm.class)
    void signaturesVerifyWithThePublicKeyAndFailWhenAnythingChanges(SigningKey.Algorithm algorithm) {
        SigningKey key = SigningKey.generate(algorithm);
        byte[] data = "checkpoint".getBytes(StandardCharsets.UTF_8);
        byte[] sig = key.sign(data);
        assertThat(SigningKey.verify(algorithm, key.publicKeyX509(), data, sig)).isTrue();
        byte[] other = "checkpoinT".getBytes(StandardCharsets.UTF_8);
        assertThat(SigningKey.verify(algorithm, key.publicKeyX509(), other, sig)).isFalse();
        sig[0] ^= 1;
        assertThat(SigningKey.verify(algorithm, key.publicKeyX509(), data, sig)).isFalse();
        assertThat(SigningKey.verify(algorithm, SigningKey.generate(algorithm).publicKeyX509(), data, key.sign(data))).isFalse();
    }

    @Test
    void keyFileIsOwnerOnlyReloadsToTheSameKeyIdAndSigns() throws Exception {
        Path file = dir.resolve("audit.key");
        SigningKey created = SigningKey.loadOrCreate(file, SigningKey.Algorithm.ED25519);
        SigningKey loaded = SigningKey.loadOrCreate(file, SigningKey.Algorithm.ED25519);
        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(loaded.keyId()).isEqualTo(created.keyId()).matches("[0-9a-f]{16}");
        byte[] pub = SigningKey.publicKeyFromPem(Files.readString(dir.resolve("audit.key.pub")));
        assertThat(SigningKey.verify(SigningKey.Algorithm.ED25519, pub, new byte[] {1}, loaded.sign(new byte[] {1}))).isTrue();
        assertThat(loaded.toString()).doesNotContain("PRIVATE");
    }

    @Test
    void corruptKeyFileIsAClearError() throws Exception {
        Path file = dir.resolve("bad.key");
        Files.writeString(file, "Ed25519\nnot a key\n");
        Files.writeString(dir.resolve("bad.key.pub"), "nope");
        assertThatThrownBy(() -> SigningKey.load(file)).hasMessageContaining(file.toString());
    }
}
