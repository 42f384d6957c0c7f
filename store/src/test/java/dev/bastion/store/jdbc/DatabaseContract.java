package dev.bastion.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every database does when opened: migrations once, a readiness probe; run on SQLite and PostgreSQL. */
abstract class DatabaseContract extends DatabaseTestBase {
    @Test
    void reopeningAppliesNoMigrationTwiceAndKeepsTheData() {
        new JdbcKeyRepository(db).insertKey(KeyRepositoryContract.key("key_00000000000000e1", (byte) 1,
                Optional.empty(), Optional.empty()));
        try (Database again = databases.open()) {
            assertThat(new JdbcKeyRepository(again).countKeys()).isEqualTo(1);
            assertThat(again.isReachable()).isTrue();
        }
    }

    @Test
    void aClosedDatabaseIsNotReachable() {
        assertThat(db.isReachable()).isTrue();
        db.close();
        assertThat(db.isReachable()).isFalse();
        db = null;
    }
}
