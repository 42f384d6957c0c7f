package dev.bastion.gateway.store;

import dev.bastion.crypto.InsecureSecretAccess;
import dev.bastion.gateway.config.LimitSettings.Limits;
import dev.bastion.gateway.config.StoreSettings;
import dev.bastion.gateway.identity.ApiKey;
import dev.bastion.gateway.identity.KeyRepository;
import dev.bastion.gateway.identity.Role;
import dev.bastion.gateway.identity.UsageRepository;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.sqlite.SQLiteConfig;

/**
 * Keys and usage in SQL: an embedded SQLite file by default ({@code <data-dir>/bastion.db}), or PostgreSQL when
 * {@code store.url} is a {@code jdbc:postgresql:} URL. Schema migrations run at open.
 *
 * <p>SQLite runs in WAL mode with {@code synchronous=FULL} (a committed key survives power loss), a busy timeout
 * so several processes (a running gateway and {@code bastion keys}) can share the file, and immediate
 * transactions so concurrent writers queue instead of failing. Usage increments are single atomic upserts, so
 * concurrent writers in any number of threads or processes lose nothing. Thread-safe.
 */
public final class JdbcStore implements KeyRepository, UsageRepository, AutoCloseable {
    private static final String KEY_COLUMNS = "id, hash_hex, role, tenant, models, created_at, expires_at, revoked_at, "
            + "limit_rpm, limit_tpm, limit_concurrent, label";

    private final Connections pool;
    private final String description;

    private JdbcStore(Connections pool, String description) {
        this.pool = pool;
        this.description = description;
    }

    /** The file of a plain {@code jdbc:sqlite:<path>} URL; empty for in-memory databases and URI forms. */
    private static java.util.Optional<Path> sqlitePath(String url) {
        String target = url.substring("jdbc:sqlite:".length());
        if (target.isEmpty() || target.startsWith(":") || target.startsWith("file:") || target.contains("?")) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Path.of(target));
    }

    /**
     * Opens (and migrates) the store.
     *
     * @throws StoreException naming the database when it cannot be opened, is not a database, or is newer than
     *     this build
     */
    public static JdbcStore open(StoreSettings settings, Path dataDir, Map<String, String> env) {
        String url = settings.url().isEmpty() ? "jdbc:sqlite:" + dataDir.resolve("bastion.db") : settings.url();
        boolean postgres = url.startsWith("jdbc:postgresql:");
        String description = postgres ? "the PostgreSQL store" : "the SQLite store " + url.substring("jdbc:sqlite:".length());
        Connections pool;
        if (postgres) {
            Properties props = new Properties();
            settings.username().ifPresent(u -> props.setProperty("user", u));
            settings.password().ifPresent(p -> props.setProperty("password", p.resolve(env).toUtf8(InsecureSecretAccess.get())));
            props.setProperty("connectTimeout", "10");
            pool = new Connections(() -> DriverManager.getConnection(url, props), 8);
        } else {
            sqlitePath(url).ifPresent(OwnerOnly::sqliteFile);
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            config.setBusyTimeout(10_000);
            config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            config.enforceForeignKeys(true);
            Properties props = config.toProperties();
            // WAL lets readers (key lookups on every request) run beside the one writer, so a few connections
            // keep requests from queueing behind each other; writers still serialise on SQLite's lock.
            pool = new Connections(() -> DriverManager.getConnection(url, props), 4);
        }
        JdbcStore store = new JdbcStore(pool, description);
        try {
            pool.with(c -> {
                Migrations.apply(c, postgres);
                return null;
            });
        } catch (SQLException e) {
            pool.close();
            throw new StoreException("cannot open " + description + ": " + e.getMessage(), e);
        }
        return store;
    }

    @Override
    public void insertKey(ApiKey key) {
        run("insert a key", c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO api_keys (" + KEY_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                p.setString(1, key.id());
                p.setString(2, HexFormat.of().formatHex(key.hash()));
                p.setString(3, key.role().configName());
                p.setString(4, key.tenant());
                p.setString(5, String.join("\n", key.models()));
                p.setLong(6, key.createdAt().toEpochMilli());
                setNullableLong(p, 7, key.expiresAt().map(Instant::toEpochMilli));
                setNullableLong(p, 8, key.revokedAt().map(Instant::toEpochMilli));
                setNullableLong(p, 9, key.limits().map(l -> (long) l.requestsPerMinute()));
                setNullableLong(p, 10, key.limits().map(Limits::tokensPerMinute));
                setNullableLong(p, 11, key.limits().map(l -> (long) l.concurrentRequests()));
                p.setString(12, key.label());
                p.executeUpdate();
            } catch (SQLException e) {
                if (isUniqueViolation(e)) {
                    throw new IllegalStateException("a key with this id or hash already exists");
                }
                throw e;
            }
            return null;
        });
    }

    @Override
    public Optional<ApiKey> findKeyByHash(byte[] hash) {
        return queryKeys("find a key", "WHERE hash_hex = ?", HexFormat.of().formatHex(hash)).stream().findFirst();
    }

    @Override
    public Optional<ApiKey> findKey(String id) {
        return queryKeys("find a key", "WHERE id = ?", id).stream().findFirst();
    }

    @Override
    public List<ApiKey> listKeys() {
        return queryKeys("list keys", "ORDER BY created_at, id");
    }

    @Override
    public boolean revokeKey(String id, Instant at) {
        return run("revoke a key", c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
                p.setLong(1, at.toEpochMilli());
                p.setString(2, id);
                return p.executeUpdate() == 1;
            }
        });
    }

    @Override
    public long countKeys() {
        return run("count keys", c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM api_keys"); ResultSet r = p.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        });
    }

    @Override
    public void addUsage(List<Usage> deltas) {
        if (deltas.isEmpty()) {
            return;
        }
        run("add usage", c -> Connections.inTransaction(c, tx -> {
            try (PreparedStatement p = tx.prepareStatement("INSERT INTO usage_counters (day, tenant, key_id, model, "
                    + "requests, prompt_tokens, completion_tokens) VALUES (?, ?, ?, ?, ?, ?, ?) "
                    + "ON CONFLICT (day, tenant, key_id, model) DO UPDATE SET "
                    + "requests = usage_counters.requests + excluded.requests, "
                    + "prompt_tokens = usage_counters.prompt_tokens + excluded.prompt_tokens, "
                    + "completion_tokens = usage_counters.completion_tokens + excluded.completion_tokens")) {
                for (Usage u : deltas) {
                    p.setString(1, u.day().toString());
                    p.setString(2, u.tenant());
                    p.setString(3, u.keyId());
                    p.setString(4, u.model());
                    p.setLong(5, u.requests());
                    p.setLong(6, u.promptTokens());
                    p.setLong(7, u.completionTokens());
                    p.addBatch();
                }
                p.executeBatch();
            }
            return null;
        }));
    }

    @Override
    public List<Usage> usage(Optional<String> tenant, Optional<String> keyId) {
        return run("read usage", c -> {
            String sql = "SELECT day, tenant, key_id, model, requests, prompt_tokens, completion_tokens FROM usage_counters"
                    + " WHERE (? IS NULL OR tenant = ?) AND (? IS NULL OR key_id = ?) ORDER BY day, tenant, key_id, model";
            try (PreparedStatement p = c.prepareStatement(sql)) {
                setNullableString(p, 1, tenant);
                setNullableString(p, 2, tenant);
                setNullableString(p, 3, keyId);
                setNullableString(p, 4, keyId);
                List<Usage> rows = new ArrayList<>();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        rows.add(new Usage(LocalDate.parse(r.getString(1)), r.getString(2), r.getString(3), r.getString(4),
                                r.getLong(5), r.getLong(6), r.getLong(7)));
                    }
                }
                return rows;
            }
        });
    }

    /** One stored conversation row. {@code content} is base64 ciphertext, absent when only metadata was kept. */
    public record ConversationRow(String id, String subjectHash, String requestId, String route, String model,
            Instant createdAt, Instant expiresAt, Instant contentExpiresAt, String metadata, Optional<String> content) {
    }

    public void insertConversation(ConversationRow row) {
        run("store a conversation", c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO conversations (id, subject_hash, request_id, route, "
                    + "model, created_at, expires_at, metadata, content, content_expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                p.setString(1, row.id());
                p.setString(2, row.subjectHash());
                p.setString(3, row.requestId());
                p.setString(4, row.route());
                p.setString(5, row.model());
                p.setLong(6, row.createdAt().toEpochMilli());
                p.setLong(7, row.expiresAt().toEpochMilli());
                p.setString(8, row.metadata());
                setNullableString(p, 9, row.content());
                p.setLong(10, row.contentExpiresAt().toEpochMilli());
                p.executeUpdate();
            }
            return null;
        });
    }

    public List<ConversationRow> conversations(String subjectHash) {
        return run("read conversations", c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT id, subject_hash, request_id, route, model, created_at, "
                    + "expires_at, metadata, content, content_expires_at FROM conversations WHERE subject_hash = ? "
                    + "ORDER BY created_at, id")) {
                p.setString(1, subjectHash);
                List<ConversationRow> rows = new ArrayList<>();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        long contentExpiry = r.getLong(10);
                        rows.add(new ConversationRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                                r.getString(5), Instant.ofEpochMilli(r.getLong(6)), Instant.ofEpochMilli(r.getLong(7)),
                                Instant.ofEpochMilli(r.wasNull() ? r.getLong(7) : contentExpiry),
                                r.getString(8), Optional.ofNullable(r.getString(9))));
                    }
                }
                return rows;
            }
        });
    }

    /** Deletes a subject's conversations; returns how many. */
    public int deleteConversations(String subjectHash) {
        return run("erase conversations", c -> {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM conversations WHERE subject_hash = ?")) {
                p.setString(1, subjectHash);
                return p.executeUpdate();
            }
        });
    }

    /**
     * Applies retention at {@code now}: drops the content of conversations whose content retention ended, and
     * deletes conversations whose retention ended. Returns {content dropped, conversations deleted}.
     */
    public int[] purgeExpiredConversations(Instant now) {
        return run("purge expired conversations", c -> Connections.inTransaction(c, tx -> {
            int[] out = new int[2];
            try (PreparedStatement p = tx.prepareStatement(
                    "UPDATE conversations SET content = NULL WHERE content IS NOT NULL AND content_expires_at < ?")) {
                p.setLong(1, now.toEpochMilli());
                out[0] = p.executeUpdate();
            }
            try (PreparedStatement p = tx.prepareStatement("DELETE FROM conversations WHERE expires_at < ?")) {
                p.setLong(1, now.toEpochMilli());
                out[1] = p.executeUpdate();
            }
            return out;
        }));
    }

    /** Subject hashes that still have stored content. */
    public java.util.Set<String> subjectsWithContent() {
        return run("list subjects", c -> {
            java.util.Set<String> out = new java.util.HashSet<>();
            try (PreparedStatement p = c.prepareStatement("SELECT DISTINCT subject_hash FROM conversations WHERE content IS NOT NULL");
                    ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
            return out;
        });
    }

    /** Whether the database answers a trivial query now (for readiness). */
    public boolean isReachable() {
        try {
            return pool.with(c -> c.isValid(2));
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /** The differential-privacy budget ledgers kept in this store. */
    public dev.bastion.privacy.ledger.LedgerStore ledgers() {
        return new JdbcLedgerStore(this);
    }

    @Override
    public void close() {
        pool.close();
    }

    private List<ApiKey> queryKeys(String operation, String where, String... args) {
        return run(operation, c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT " + KEY_COLUMNS + " FROM api_keys " + where)) {
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
        Optional<Long> rpm = nullableLong(r, "limit_rpm");
        Optional<Limits> limits = rpm.isEmpty() ? Optional.empty() : Optional.of(new Limits(rpm.get().intValue(),
                nullableLong(r, "limit_tpm").orElse(0L), nullableLong(r, "limit_concurrent").orElse(0L).intValue()));
        return new ApiKey(r.getString("id"), HexFormat.of().parseHex(r.getString("hash_hex")),
                Role.fromConfig(r.getString("role")), r.getString("tenant"),
                Arrays.asList(r.getString("models").split("\n")), Instant.ofEpochMilli(r.getLong("created_at")),
                nullableLong(r, "expires_at").map(Instant::ofEpochMilli),
                nullableLong(r, "revoked_at").map(Instant::ofEpochMilli), limits, r.getString("label"));
    }

    <T> T run(String operation, Connections.Work<T> work) {
        try {
            return pool.with(work);
        } catch (SQLException e) {
            throw new StoreException("cannot " + operation + " in " + description + " (" + sqlState(e) + ")", e);
        }
    }

    private static String sqlState(SQLException e) {
        return e.getSQLState() == null ? e.getClass().getSimpleName() : "SQL state " + e.getSQLState();
    }

    static boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState()) || (e.getMessage() != null && e.getMessage().contains("UNIQUE constraint"));
    }

    private static Optional<Long> nullableLong(ResultSet r, String column) throws SQLException {
        long v = r.getLong(column);
        return r.wasNull() ? Optional.empty() : Optional.of(v);
    }

    private static void setNullableLong(PreparedStatement p, int index, Optional<Long> value) throws SQLException {
        if (value.isPresent()) {
            p.setLong(index, value.get());
        } else {
            p.setNull(index, Types.BIGINT);
        }
    }

    private static void setNullableString(PreparedStatement p, int index, Optional<String> value) throws SQLException {
        if (value.isPresent()) {
            p.setString(index, value.get());
        } else {
            p.setNull(index, Types.VARCHAR);
        }
    }
}
