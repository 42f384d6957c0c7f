package dev.bastion.store.jdbc;

import dev.bastion.store.conversations.ConversationRepository;
import dev.bastion.store.conversations.StoredConversation;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** Conversations in the {@code conversations} table (migrations V2 and V3). Thread-safe. */
public final class JdbcConversationRepository implements ConversationRepository {
    private final Database db;

    public JdbcConversationRepository(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    @Override
    public void insertConversation(StoredConversation row) {
        db.run("store a conversation", c -> {
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
                Sql.setNullableString(p, 9, row.content());
                p.setLong(10, row.contentExpiresAt().toEpochMilli());
                p.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<StoredConversation> conversations(String subjectHash) {
        return db.run("read conversations", c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT id, subject_hash, request_id, route, model, created_at, "
                    + "expires_at, metadata, content, content_expires_at FROM conversations WHERE subject_hash = ? "
                    + "ORDER BY created_at, id")) {
                p.setString(1, subjectHash);
                List<StoredConversation> rows = new ArrayList<>();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        long contentExpiry = r.getLong(10);
                        // Rows from before V3 have no content expiry: their content lives as long as the row.
                        rows.add(new StoredConversation(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                                r.getString(5), Instant.ofEpochMilli(r.getLong(6)), Instant.ofEpochMilli(r.getLong(7)),
                                Instant.ofEpochMilli(r.wasNull() ? r.getLong(7) : contentExpiry),
                                r.getString(8), Optional.ofNullable(r.getString(9))));
                    }
                }
                return rows;
            }
        });
    }

    @Override
    public int deleteConversations(String subjectHash) {
        return db.run("erase conversations", c -> {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM conversations WHERE subject_hash = ?")) {
                p.setString(1, subjectHash);
                return p.executeUpdate();
            }
        });
    }

    @Override
    public Purged purgeExpiredConversations(Instant now) {
        return db.run("purge expired conversations", c -> Connections.inTransaction(c, tx -> {
            int dropped;
            try (PreparedStatement p = tx.prepareStatement(
                    "UPDATE conversations SET content = NULL WHERE content IS NOT NULL AND content_expires_at < ?")) {
                p.setLong(1, now.toEpochMilli());
                dropped = p.executeUpdate();
            }
            try (PreparedStatement p = tx.prepareStatement("DELETE FROM conversations WHERE expires_at < ?")) {
                p.setLong(1, now.toEpochMilli());
                return new Purged(dropped, p.executeUpdate());
            }
        }));
    }

    @Override
    public Set<String> subjectsWithContent() {
        return db.run("list subjects", c -> {
            Set<String> out = new HashSet<>();
            try (PreparedStatement p = c.prepareStatement("SELECT DISTINCT subject_hash FROM conversations WHERE content IS NOT NULL");
                    ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
            return out;
        });
    }
}
