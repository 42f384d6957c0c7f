package dev.bastion.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyedHasherTest {
    @TempDir
    Path dir;

    @Test
    void keysetFileIsCreatedOwnerOnlyAndReusedAcrossLoads() throws Exception {
        Path file = dir.resolve("keys/hash.keyset.json");
        byte[] first = KeyedHasher.loadOrCreate(file).hash("value".getBytes(StandardCharsets.UTF_8));
        byte[] second = KeyedHasher.loadOrCreate(file).hash("value".getBytes(StandardCharsets.UTF_8));

        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(second).isEqualTo(first);
        assertThat(first).hasSize(5 + 32);
    }

    @Test
    void differentKeysetsGiveDifferentHashes() {
        byte[] a = KeyedHasher.loadOrCreate(dir.resolve("a.json")).hash(new byte[] {1, 2, 3});
        byte[] b = KeyedHasher.loadOrCreate(dir.resolve("b.json")).hash(new byte[] {1, 2, 3});
        assertThat(KeyedHasher.sameHash(a, b)).isFalse();
    }

    @Test
    void matchesAcceptsOwnHashAndRejectsAnotherValue() {
        KeyedHasher hasher = KeyedHasher.loadOrCreate(dir.resolve("k.json"));
        byte[] h = hasher.hash(new byte[] {9});
        assertThat(hasher.matches(new byte[] {9}, h)).isTrue();
        assertThat(hasher.matches(new byte[] {8}, h)).isFalse();
    }

    @Test
    void corruptKeysetFileIsAClearError() throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{not a keyset");
        assertThatThrownBy(() -> KeyedHasher.loadOrCreate(file))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString());
    }
}
