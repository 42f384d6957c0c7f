package dev.bastion.store.jdbc;

import dev.bastion.store.usage.UsageRepository;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Usage counters in the {@code usage_counters} table (migration V1). Each increment is one atomic upsert, so
 * concurrent writers in any number of threads or processes lose nothing. Thread-safe.
 */
public final class JdbcUsageRepository implements UsageRepository {
    private final Database db;

    public JdbcUsageRepository(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    @Override
    public void addUsage(List<Usage> deltas) {
        if (deltas.isEmpty()) {
            return;
        }
        db.run("add usage", c -> Connections.inTransaction(c, tx -> {
            add(tx, deltas);
            return null;
        }));
    }

    @Override
    public void addUsage(List<Usage> deltas, String logId, long auditWatermark) {
        if (auditWatermark < -1) {
            throw new IllegalArgumentException("an audit watermark is an index or -1");
        }
        Objects.requireNonNull(logId, "logId");
        db.run("add usage", c -> Connections.inTransaction(c, tx -> {
            add(tx, deltas);
            setWatermark(tx, logId, auditWatermark);
            return null;
        }));
    }

    /** Sets {@code logId}'s watermark inside the caller's transaction (also the audit sequencer's topic offset). */
    static void setWatermark(java.sql.Connection tx, String logId, long watermark) throws java.sql.SQLException {
        try (PreparedStatement p = tx.prepareStatement("INSERT INTO usage_watermark (log_id, audit_index) VALUES (?, ?) "
                + "ON CONFLICT (log_id) DO UPDATE SET audit_index = excluded.audit_index")) {
            p.setString(1, logId);
            p.setLong(2, watermark);
            p.executeUpdate();
        }
    }

    @Override
    public java.util.OptionalLong auditWatermark(String logId) {
        return db.run("read the usage watermark", c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT audit_index FROM usage_watermark WHERE log_id = ?")) {
                p.setString(1, logId);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? java.util.OptionalLong.of(r.getLong(1)) : java.util.OptionalLong.empty();
                }
            }
        });
    }

    /** Adds {@code deltas} inside the caller's transaction. */
    static void add(java.sql.Connection tx, List<Usage> deltas) throws java.sql.SQLException {
        if (deltas.isEmpty()) {
            return;
        }
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
    }

    @Override
    public List<Usage> usage(Optional<String> tenant, Optional<String> keyId) {
        return page(new Filter(tenant, keyId, Optional.empty(), Optional.empty(), Optional.empty()), 0, Integer.MAX_VALUE).rows();
    }

    private static final String MATCHING = " FROM usage_counters WHERE (? IS NULL OR tenant = ?) AND (? IS NULL OR key_id = ?)"
            + " AND (? IS NULL OR model = ?) AND (? IS NULL OR day >= ?) AND (? IS NULL OR day <= ?)";

    @Override
    public Page page(Filter filter, long offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit cannot be negative");
        }
        return db.run("read usage", c -> {
            long total;
            try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*)" + MATCHING)) {
                bind(p, filter);
                try (ResultSet r = p.executeQuery()) {
                    r.next();
                    total = r.getLong(1);
                }
            }
            List<Usage> rows = new ArrayList<>();
            if (limit > 0 && offset < total) {
                String sql = "SELECT day, tenant, key_id, model, requests, prompt_tokens, completion_tokens" + MATCHING
                        + " ORDER BY day, tenant, key_id, model LIMIT ? OFFSET ?";
                try (PreparedStatement p = c.prepareStatement(sql)) {
                    bind(p, filter);
                    p.setLong(11, limit);
                    p.setLong(12, offset);
                    try (ResultSet r = p.executeQuery()) {
                        while (r.next()) {
                            rows.add(new Usage(LocalDate.parse(r.getString(1)), r.getString(2), r.getString(3),
                                    r.getString(4), r.getLong(5), r.getLong(6), r.getLong(7)));
                        }
                    }
                }
            }
            return new Page(rows, total);
        });
    }

    private static void bind(PreparedStatement p, Filter f) throws java.sql.SQLException {
        List<Optional<String>> values = List.of(f.tenant(), f.keyId(), f.model(), f.from().map(LocalDate::toString),
                f.to().map(LocalDate::toString));
        for (int i = 0; i < values.size(); i++) {
            Sql.setNullableString(p, 2 * i + 1, values.get(i));
            Sql.setNullableString(p, 2 * i + 2, values.get(i));
        }
    }
}
