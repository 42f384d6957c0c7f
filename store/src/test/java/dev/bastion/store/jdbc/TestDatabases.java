package dev.bastion.store.jdbc;

import dev.bastion.store.testing.PostgresSchema;
import java.nio.file.Path;
import java.util.Optional;

/** The two databases the contracts run on. */
sealed interface TestDatabases {
    /** Opens a database over the same data each time it is called within one test. */
    Database open();

    /** Removes what the test created. */
    void drop();

    /** An embedded SQLite file in {@code dir}. */
    record Sqlite(Path dir) implements TestDatabases {
        @Override
        public Database open() {
            return Database.sqlite(dir.resolve("bastion.db"));
        }

        @Override
        public void drop() {
            // the temporary directory goes with the test
        }
    }

    /** A fresh schema on the test PostgreSQL server; skipped locally without one, required in CI. */
    record Postgres(PostgresSchema schema) implements TestDatabases {
        static Postgres create() {
            return new Postgres(PostgresSchema.create());
        }

        @Override
        public Database open() {
            return Database.open(schema.scopedUrl(), Optional.of(schema.user()), Optional.of(schema.secret()));
        }

        @Override
        public void drop() {
            schema.drop();
        }
    }
}
