package dev.bastion.store.jdbc;

import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

/** Every repository contract on an embedded SQLite file. */
class SqliteRepositoriesTest {
    @Nested
    class Databases extends DatabaseContract {
        @Override
        TestDatabases databases(Path dir) {
            return new TestDatabases.Sqlite(dir);
        }
    }

    @Nested
    class Keys extends KeyRepositoryContract {
        @Override
        TestDatabases databases(Path dir) {
            return new TestDatabases.Sqlite(dir);
        }
    }

    @Nested
    class Usage extends UsageRepositoryContract {
        @Override
        TestDatabases databases(Path dir) {
            return new TestDatabases.Sqlite(dir);
        }
    }

    @Nested
    class Conversations extends ConversationRepositoryContract {
        @Override
        TestDatabases databases(Path dir) {
            return new TestDatabases.Sqlite(dir);
        }
    }

    @Nested
    class Ledgers extends LedgerStoreContract {
        @Override
        TestDatabases databases(Path dir) {
            return new TestDatabases.Sqlite(dir);
        }
    }
}
