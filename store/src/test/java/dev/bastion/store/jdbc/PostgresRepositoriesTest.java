package dev.bastion.store.jdbc;

import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

/** Every repository contract on an PostgreSQL server (skipped when none is configured, required in CI). */
class PostgresRepositoriesTest {
    @Nested
    class Databases extends DatabaseContract {
        @Override
        TestDatabases databases(Path dir) {
            return TestDatabases.Postgres.create();
        }
    }

    @Nested
    class Keys extends KeyRepositoryContract {
        @Override
        TestDatabases databases(Path dir) {
            return TestDatabases.Postgres.create();
        }
    }

    @Nested
    class Usage extends UsageRepositoryContract {
        @Override
        TestDatabases databases(Path dir) {
            return TestDatabases.Postgres.create();
        }
    }

    @Nested
    class Conversations extends ConversationRepositoryContract {
        @Override
        TestDatabases databases(Path dir) {
            return TestDatabases.Postgres.create();
        }
    }

    @Nested
    class Ledgers extends LedgerStoreContract {
        @Override
        TestDatabases databases(Path dir) {
            return TestDatabases.Postgres.create();
        }
    }
}
