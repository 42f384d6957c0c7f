package dev.bastion.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.store.keys.ApiKey;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key changes reach another process's listener through NOTIFY, and through polling when LISTEN is broken. */
class PostgresKeyChangesTest {
    @TempDir
    Path dir;

    /** Records what the watcher reports. Other tests on the same server notify too: look only for our keys. */
    private static final class Heard implements PostgresKeyChanges.Listener {
        final LinkedBlockingQueue<String> ids = new LinkedBlockingQueue<>();
        final AtomicInteger unknown = new AtomicInteger();

        @Override
        public void keyChanged(String id) {
            ids.add(id);
        }

        @Override
        public void keysMayHaveChanged() {
            unknown.incrementAndGet();
        }

        boolean heard(String id, long millis) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            for (long left = millis; left > 0; left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())) {
                String next = ids.poll(left, TimeUnit.MILLISECONDS);
                if (id.equals(next)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static ApiKey freshKey() {
        long n = ThreadLocalRandom.current().nextLong();
        return KeyRepositoryContract.key("key_" + HexFormat.of().toHexDigits(n), (byte) n, Optional.empty(),
                Optional.empty());
    }

    private static void await(BooleanSupplier condition, long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(condition.getAsBoolean()).as("condition within " + millis + " ms").isTrue();
    }

    @Test
    void aKeyCreatedAndRevokedByAnotherProcessIsHeardWithinASecond() throws Exception {
        TestDatabases.Postgres pg = TestDatabases.Postgres.create();
        Heard heard = new Heard();
        try (Database replicaA = pg.open(); Database replicaB = pg.open();
                PostgresKeyChanges changes = PostgresKeyChanges.start(replicaB, heard)) {
            await(changes::listening, 5000);
            JdbcKeyRepository keysOfA = new JdbcKeyRepository(replicaA);
            ApiKey key = freshKey();
            keysOfA.insertKey(key);
            assertThat(heard.heard(key.id(), 1000)).as("creation heard").isTrue();
            keysOfA.revokeKey(key.id(), Instant.now());
            assertThat(heard.heard(key.id(), 1000)).as("revocation heard").isTrue();
            keysOfA.updateLimits(key.id(), Optional.of(new dev.bastion.store.keys.Limits(1, 2, 3)));
            assertThat(heard.heard(key.id(), 1000)).as("limits change heard").isTrue();
        } finally {
            pg.drop();
        }
    }

    @Test
    void whileTheListeningConnectionIsBrokenPollingStillSeesARevocationAndALimitsChangeWithinASecond() throws Exception {
        TestDatabases.Postgres pg = TestDatabases.Postgres.create();
        Heard heard = new Heard();
        try (Database replicaA = pg.open(); Database replicaB = pg.open();
                PostgresKeyChanges changes = PostgresKeyChanges.start(replicaB, heard, 60_000)) {
            JdbcKeyRepository keysOfA = new JdbcKeyRepository(replicaA);
            ApiKey key = freshKey();
            keysOfA.insertKey(key);
            await(changes::listening, 5000);
            int pid = changes.backendPid();
            try (Connection admin = DriverManager.getConnection(pg.schema().url(), pg.schema().user(),
                    pg.schema().password()); PreparedStatement p = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
                p.setInt(1, pid);
                p.execute();
            }
            await(() -> !changes.listening(), 5000);
            Thread.sleep(2 * PostgresKeyChanges.POLL_MILLIS); // the poller has seen the table as it is now
            int before = heard.unknown.get();
            keysOfA.revokeKey(key.id(), Instant.now());
            await(() -> heard.unknown.get() > before, 1000);
            Thread.sleep(2 * PostgresKeyChanges.POLL_MILLIS);
            int revoked = heard.unknown.get();
            keysOfA.updateLimits(key.id(), Optional.of(new dev.bastion.store.keys.Limits(4, 0, 0)));
            await(() -> heard.unknown.get() > revoked, 1000);
            assertThat(changes.listening()).as("not reconnected yet: polling did it").isFalse();
        } finally {
            pg.drop();
        }
    }

    @Test
    void anSqliteStoreHasNoKeyChangesToListenTo() {
        try (Database sqlite = Database.sqlite(dir.resolve("bastion.db"))) {
            assertThatThrownBy(() -> PostgresKeyChanges.start(sqlite, new Heard()))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
