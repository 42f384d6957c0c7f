package dev.bastion.store.jdbc;

import dev.bastion.store.keys.ApiKey;
import dev.bastion.store.keys.KeyRepository;
import dev.bastion.store.keys.Limits;
import dev.bastion.store.keys.Role;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * API keys in the {@code api_keys} table (migration V1). On PostgreSQL every change (a key created, revoked) is
 * also announced on the channel {@link PostgresKeyChanges#CHANNEL}, in the transaction that makes it, so
 * replicas holding the key in a cache drop it as soon as the change commits. Thread-safe.
 */
public final class JdbcKeyRepository implements KeyRepository {
    private static final String COLUMNS = "id, hash_hex, role, tenant, models, created_at, expires_at, revoked_at, "
            + "limit_rpm, limit_tpm, limit_concurrent, label";

    private final Database db;

    public JdbcKeyRepository(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    @Override
    public void insertKey(ApiKey key) {
        db.run("insert a key", c -> Connections.inTransaction(c, tx -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO api_keys (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                p.setString(1, key.id());
                p.setString(2, HexFormat.of().formatHex(key.hash()));
                p.setString(3, key.role().configName());
                p.setString(4, key.tenant());
                p.setString(5, String.join("\n", key.models()));
                p.setLong(6, key.createdAt().toEpochMilli());
                Sql.setNullableLong(p, 7, key.expiresAt().map(Instant::toEpochMilli));
                Sql.setNullableLong(p, 8, key.revokedAt().map(Instant::toEpochMilli));
                Sql.setNullableLong(p, 9, key.limits().map(l -> (long) l.requestsPerMinute()));
                Sql.setNullableLong(p, 10, key.limits().map(Limits::tokensPerMinute));
                Sql.setNullableLong(p, 11, key.limits().map(l -> (long) l.concurrentRequests()));
                p.setString(12, key.label());
                p.executeUpdate();
            } catch (SQLException e) {
                if (Sql.isUniqueViolation(e)) {
                    throw new IllegalStateException("a key with this id or hash already exists");
                }
                throw e;
            }
            announce(tx, key.id());
            return null;
        }));
    }

    /** On PostgreSQL, tells every listening replica that key {@code id} changed, when the transaction commits. */
    private void announce(java.sql.Connection tx, String id) throws SQLException {
        if (db.isPostgres()) {
            try (PreparedStatement p = tx.prepareStatement("SELECT pg_notify(?, ?)")) {
                p.setString(1, PostgresKeyChanges.CHANNEL);
                p.setString(2, id);
                p.execute();
            }
        }
    }

    @Override
    public Optional<ApiKey> findKeyByHash(byte[] hash) {
        return query("find a key", "WHERE hash_hex = ?", HexFormat.of().formatHex(hash)).stream().findFirst();
    }

    @Override
    public Optional<ApiKey> findKey(String id) {
        return query("find a key", "WHERE id = ?", id).stream().findFirst();
    }

    @Override
    public List<ApiKey> listKeys() {
        return query("list keys", "ORDER BY created_at, id");
    }

    @Override
    public boolean revokeKey(String id, Instant at) {
        return db.run("revoke a key", c -> Connections.inTransaction(c, tx -> {
            boolean revoked;
            try (PreparedStatement p = tx.prepareStatement("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
                p.setLong(1, at.toEpochMilli());
                p.setString(2, id);
                revoked = p.executeUpdate() == 1;
            }
            if (revoked) {
                announce(tx, id);
            }
            return revoked;
        }));
    }

    @Override
    public boolean updateLimits(String id, Optional<Limits> limits) {
        return db.run("change a key's limits", c -> Connections.inTransaction(c, tx -> {
            boolean changed;
            try (PreparedStatement p = tx.prepareStatement("UPDATE api_keys SET limit_rpm = ?, limit_tpm = ?, "
                    + "limit_concurrent = ? WHERE id = ?")) {
                Sql.setNullableLong(p, 1, limits.map(l -> (long) l.requestsPerMinute()));
                Sql.setNullableLong(p, 2, limits.map(Limits::tokensPerMinute));
                Sql.setNullableLong(p, 3, limits.map(l -> (long) l.concurrentRequests()));
                p.setString(4, id);
                changed = p.executeUpdate() == 1;
            }
            if (changed) {
                announce(tx, id);
            }
            return changed;
        }));
    }

    @Override
    public long countKeys() {
        return db.run("count keys", c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM api_keys"); ResultSet r = p.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        });
    }

    private List<ApiKey> query(String operation, String where, String... args) {
        return db.run(operation, c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM api_keys " + where)) {
                for (int i = 0; i < args.length; i++) {
                    p.setString(i + 1, args[i]);
                }
                List<ApiKey> keys = new ArrayList<>();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        keys.add(toKey(r));
                    }
                }
                return keys;
            }
        });
    }

    private static ApiKey toKey(ResultSet r) throws SQLException {
        Optional<Long> rpm = Sql.nullableLong(r, "limit_rpm");
        Optional<Limits> limits = rpm.isEmpty() ? Optional.empty() : Optional.of(new Limits(rpm.get().intValue(),
                Sql.nullableLong(r, "limit_tpm").orElse(0L), Sql.nullableLong(r, "limit_concurrent").orElse(0L).intValue()));
        return new ApiKey(r.getString("id"), HexFormat.of().parseHex(r.getString("hash_hex")),
                Role.fromConfig(r.getString("role")), r.getString("tenant"),
                Arrays.asList(r.getString("models").split("\n")), Instant.ofEpochMilli(r.getLong("created_at")),
                Sql.nullableLong(r, "expires_at").map(Instant::ofEpochMilli),
                Sql.nullableLong(r, "revoked_at").map(Instant::ofEpochMilli), limits, r.getString("label"));
    }
}
