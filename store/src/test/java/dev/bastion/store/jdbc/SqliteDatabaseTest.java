package dev.bastion.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the embedded SQLite file does: where it lives, who may read it, and how a bad file is reported. */
class SqliteDatabaseTest {
    @TempDir
    Path dir;

    @Test
    void aDatabaseWrittenByANewerVersionIsRefused() throws Exception {
        Path file = dir.resolve("bastion.db");
        Database.sqlite(file).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (99, 0)");
        }
        assertThatThrownBy(() -> Database.sqlite(file)).isInstanceOf(StoreException.class)
                .hasMessageContaining("version 99").hasMessageContaining("newer Bastion");
    }

    @Test
    void aCorruptFileIsAClearErrorNamingTheFile() throws Exception {
        Path file = dir.resolve("bastion.db");
        byte[] junk = new byte[8192];
        new Random(1).nextBytes(junk);
        Files.write(file, junk);
        assertThatThrownBy(() -> Database.sqlite(file)).isInstanceOf(StoreException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void theDatabaseFileIsCreatedReadableByItsOwnerOnly() throws Exception {
        Path file = dir.resolve("bastion.db");
        try (Database db = Database.sqlite(file)) {
            new JdbcUsageRepository(db).usage(java.util.Optional.empty(), java.util.Optional.empty());
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aUrlOfAnotherDatabaseIsRefused() {
        assertThatThrownBy(() -> Database.open("jdbc:mysql://localhost/x", java.util.Optional.empty(),
                java.util.Optional.empty())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:sqlite:");
    }
}
