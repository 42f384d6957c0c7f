package dev.bastion.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.store.subjects.SubjectKeyRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The subject keyring. It is a SQLite file on every deployment (the keys stay beside the master key, apart from
 * the conversations, even when those live in PostgreSQL), so its contract runs on SQLite only.
 */
class SubjectKeyRepositoryTest {
    @TempDir
    Path dir;

    @Test
    void theFirstKeyStoredForASubjectIsTheOneKept() {
        try (SubjectKeyRepository keys = SqliteSubjectKeyRepository.open(dir.resolve("subject-keys.db"))) {
            assertThat(keys.find("s1")).isEmpty();
            assertThat(keys.findOrStore("s1", new byte[] {1})).containsExactly(1);
            assertThat(keys.findOrStore("s1", new byte[] {2})).containsExactly(1);
            assertThat(keys.find("s1").orElseThrow()).containsExactly(1);
        }
    }

    @Test
    void aDestroyedKeyIsGoneAfterReopeningAndCannotBeDestroyedTwice() {
        Path file = dir.resolve("subject-keys.db");
        try (SubjectKeyRepository keys = SqliteSubjectKeyRepository.open(file)) {
            keys.findOrStore("s1", new byte[] {1});
            keys.findOrStore("s2", new byte[] {2});
            assertThat(keys.destroy("s1")).isTrue();
            assertThat(keys.destroy("s1")).isFalse();
        }
        try (SubjectKeyRepository keys = SqliteSubjectKeyRepository.open(file)) {
            assertThat(keys.find("s1")).isEmpty();
            assertThat(keys.subjects()).containsExactly("s2");
        }
    }

    @Test
    void replacingAKeyChangesOnlyThatSubject() {
        try (SubjectKeyRepository keys = SqliteSubjectKeyRepository.open(dir.resolve("subject-keys.db"))) {
            keys.findOrStore("s1", new byte[] {1});
            keys.findOrStore("s2", new byte[] {2});
            assertThat(keys.replace("s1", new byte[] {9})).isTrue();
            assertThat(keys.replace("nobody", new byte[] {9})).isFalse();
            assertThat(keys.find("s1").orElseThrow()).containsExactly(9);
            assertThat(keys.find("s2").orElseThrow()).containsExactly(2);
            assertThat(keys.subjects()).containsExactly("s1", "s2");
        }
    }

    @Test
    void theKeyringFileIsReadableByItsOwnerOnly() throws Exception {
        Path file = dir.resolve("subject-keys.db");
        SqliteSubjectKeyRepository.open(file).close();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }
}
