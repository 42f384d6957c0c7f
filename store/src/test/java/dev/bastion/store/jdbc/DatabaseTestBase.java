package dev.bastion.store.jdbc;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** One database per test, opened fresh and dropped afterwards; subclasses choose SQLite or PostgreSQL. */
abstract class DatabaseTestBase {
    @TempDir
    Path dir;
    TestDatabases databases;
    Database db;

    /** The databases this run uses. */
    abstract TestDatabases databases(Path dir);

    @BeforeEach
    void openDatabase() {
        databases = databases(dir);
        db = databases.open();
    }

    @AfterEach
    void closeDatabase() {
        if (db != null) {
            db.close();
        }
        if (databases != null) {
            databases.drop();
        }
    }
}
