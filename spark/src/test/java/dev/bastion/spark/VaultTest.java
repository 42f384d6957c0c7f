package dev.bastion.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.crypto.Envelope;
import dev.bastion.guard.pseudonym.Sealer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VaultTest {
    @TempDir
    Path dir;

    private Vault.Row row(Sealer sealer, String type, String mac, String surrogate, String value) {
        return new Vault.Row(type, mac, surrogate, sealer.seal(value.getBytes(StandardCharsets.UTF_8),
                Vault.context(surrogate)));
    }

    /*
     * The tasks of a job open the vault at once. PostgreSQL's CREATE TABLE IF NOT EXISTS is not atomic: two sessions
     * creating one table together can both find it missing, and one then fails on pg_type's unique index (the first
     * spark-submit run against PostgreSQL failed so). Eight openings behind one barrier on an empty schema, 25 times,
     * must all succeed. Runs where the test PostgreSQL is configured (.ci/postgres.sh), is skipped elsewhere.
     */
    @Test
    void tasksOpeningAnEmptyPostgresVaultAtOnceAllSucceed() throws Exception {
        String base = System.getenv("BASTION_TEST_PG_URL");
        org.junit.jupiter.api.Assumptions.assumeTrue(base != null, "BASTION_TEST_PG_URL is not set");
        String user = System.getenv("BASTION_TEST_PG_USER");
        String password = System.getenv("BASTION_TEST_PG_PASSWORD");
        for (int round = 0; round < 25; round++) { // the race is narrow: many empty schemas, each opened 8 times at once
            String schema = "vault_race_" + Long.toHexString(System.nanoTime());
            try (var admin = java.sql.DriverManager.getConnection(base, user, password); var s = admin.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
                try {
                    String url = base + "?currentSchema=" + schema + "&user=" + user + "&password=" + password;
                    var barrier = new java.util.concurrent.CyclicBarrier(8);
                    List<java.util.concurrent.Future<Long>> opened = new java.util.ArrayList<>();
                    try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
                        for (int i = 0; i < 8; i++) {
                            opened.add(pool.submit(() -> {
                                barrier.await();
                                try (Vault v = Vault.open(url)) {
                                    return v.counts()[0];
                                }
                            }));
                        }
                        for (var f : opened) {
                            assertThat(f.get()).isZero();
                        }
                    }
                } finally {
                    s.execute("DROP SCHEMA " + schema + " CASCADE");
                }
            }
        }
    }

    @Test
    void writingTheSameRowsAgainAddsNothingAndTheFirstRowsStillOpen() {
        Envelope master = Envelope.open(new Envelope.MasterKeySource.File(dir.resolve("master-key.json")), Map.of());
        Sealer first = Sealer.portable(master, master.newWrappedKey(TextRewriter.VAULT_SUBJECT), TextRewriter.VAULT_SUBJECT);
        Sealer retry = Sealer.portable(master, master.newWrappedKey(TextRewriter.VAULT_SUBJECT), TextRewriter.VAULT_SUBJECT);
        String url = "jdbc:sqlite:" + dir.resolve("vault.db");
        try (Vault vault = Vault.open(url)) {
            assertThat(vault.write(List.of(row(first, "EMAIL_ADDRESS", "aa01", "<EMAIL_ADDRESS:aa01>", "ann@example.org"),
                    row(first, "PERSON", "bb02", "<PERSON:bb02>", "Ann Berg")))).isEqualTo(2);
            // a retried task: other data key, same rows, plus one new
            assertThat(vault.write(List.of(row(retry, "EMAIL_ADDRESS", "aa01", "<EMAIL_ADDRESS:aa01>", "ann@example.org"),
                    row(retry, "PERSON", "cc03", "<PERSON:cc03>", "Bo Lund")))).isEqualTo(1);
            assertThat(vault.counts()).containsExactly(3, 3);
            assertThat(vault.original("<EMAIL_ADDRESS:aa01>", master)).contains("ann@example.org");
            assertThat(vault.original("<PERSON:cc03>", master)).contains("Bo Lund");
            assertThat(vault.original("<PERSON:ffff>", master)).isEmpty();
        }
        try (Vault reopened = Vault.open(url)) {
            assertThat(reopened.counts()).containsExactly(3, 3);
        }
    }

    @Test
    void twoValuesSharingOneSurrogateFailTheWriteInsteadOfRestoringTheWrongOne() {
        Envelope master = Envelope.open(new Envelope.MasterKeySource.File(dir.resolve("master-key.json")), Map.of());
        Sealer sealer = Sealer.portable(master, master.newWrappedKey(TextRewriter.VAULT_SUBJECT), TextRewriter.VAULT_SUBJECT);
        try (Vault vault = Vault.open("jdbc:sqlite:" + dir.resolve("vault.db"))) {
            vault.write(List.of(row(sealer, "PERSON", "bb02", "<PERSON:bb02>", "Ann Berg")));
            assertThatThrownBy(() -> vault.write(List.of(row(sealer, "PERSON", "dd04", "<PERSON:bb02>", "Cy Dahl"))))
                    .isInstanceOf(IllegalStateException.class).hasMessageNotContaining("Cy Dahl")
                    .cause().hasMessageContaining("bastion_spark_vault.surrogate");
            assertThat(vault.counts()).containsExactly(1, 1);
            assertThat(vault.original("<PERSON:bb02>", master)).contains("Ann Berg");
        }
    }

    @Test
    void aRowMovedToAnotherSurrogateDoesNotOpen() {
        Envelope master = Envelope.open(new Envelope.MasterKeySource.File(dir.resolve("master-key.json")), Map.of());
        Sealer sealer = Sealer.portable(master, master.newWrappedKey(TextRewriter.VAULT_SUBJECT), TextRewriter.VAULT_SUBJECT);
        byte[] sealedForOther = sealer.seal("Ann Berg".getBytes(StandardCharsets.UTF_8), Vault.context("<PERSON:bb02>"));
        try (Vault vault = Vault.open("jdbc:sqlite:" + dir.resolve("vault.db"))) {
            vault.write(List.of(new Vault.Row("PERSON", "ee05", "<PERSON:ee05>", sealedForOther)));
            assertThat(vault.original("<PERSON:ee05>", master)).isEmpty();
        }
    }

    @Test
    void aUrlThatIsNeitherSqliteNorPostgresIsRefused() {
        assertThatThrownBy(() -> Vault.open("jdbc:mysql://db/x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:sqlite:");
    }
}
