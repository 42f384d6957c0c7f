package dev.bastion.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.gateway.config.StoreSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest extends StoreContract {
    @TempDir
    Path dir;

    @Override
    JdbcStore open() {
        return JdbcStore.open(new StoreSettings("", Optional.empty(), Optional.empty()), dir, Map.of());
    }

    @Test
    void databaseWrittenByANewerVersionIsRefused() throws Exception {
        store.close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("bastion.db"));
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (99, 0)");
        }
        assertThatThrownBy(this::open).isInstanceOf(StoreException.class)
                .hasMessageContaining("version 99").hasMessageContaining("newer Bastion");
        store = open0();
    }

    @Test
    void corruptFileIsAClearErrorNamingTheFile() throws Exception {
        Path other = dir.resolve("broken");
        Files.createDirectories(other);
        byte[] junk = new byte[8192];
        new Random(1).nextBytes(junk);
        Files.write(other.resolve("bastion.db"), junk);
        assertThatThrownBy(() -> JdbcStore.open(new StoreSettings("", Optional.empty(), Optional.empty()), other, Map.of()))
                .isInstanceOf(StoreException.class).hasMessageContaining(other.resolve("bastion.db").toString());
    }

    @Test
    void embeddedDatabaseLivesInTheDataDirectory() {
        assertThat(dir.resolve("bastion.db")).exists();
    }

    /** A store over a fresh directory, so the test's cleanup has something to close. */
    private JdbcStore open0() throws java.io.IOException {
        Files.createDirectories(dir.resolve("fresh"));
        return JdbcStore.open(new StoreSettings("", Optional.empty(), Optional.empty()), dir.resolve("fresh"), Map.of());
    }
}
