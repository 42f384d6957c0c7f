package dev.bastion.gateway.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * The data subjects' wrapped data keys, in their own SQLite file ({@code <data-dir>/keys/subject-keys.db}), apart
 * from the conversations: a copy of the conversation database taken at any time cannot be read once a subject's
 * key is destroyed here. Deleted keys are overwritten on disk ({@code secure_delete}). Thread-safe.
 */
public final class SubjectKeyring implements AutoCloseable {
    private final Connection c;

    private SubjectKeyring(Connection c) {
        this.c = c;
    }

    /** @throws StoreException naming the file when it cannot be opened */
    public static SubjectKeyring open(Path file) {
        OwnerOnly.sqliteFile(file);
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=DELETE");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA secure_delete=ON");
                s.execute("PRAGMA busy_timeout=10000");
                s.execute("CREATE TABLE IF NOT EXISTS subject_keys (subject_hash TEXT PRIMARY KEY, wrapped BLOB NOT NULL, "
                        + "created_at INTEGER NOT NULL)");
            }
            return new SubjectKeyring(c);
        } catch (SQLException e) {
            throw new StoreException("cannot open the subject keyring " + file + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    public synchronized Optional<byte[]> find(String subjectHash) {
        try (PreparedStatement p = c.prepareStatement("SELECT wrapped FROM subject_keys WHERE subject_hash = ?")) {
            p.setString(1, subjectHash);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.of(r.getBytes(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the subject keyring", e);
        }
    }

    /** Stores {@code wrapped} for the subject unless it already has a key; returns the subject's key. */
    public synchronized byte[] findOrStore(String subjectHash, byte[] wrapped) {
        Optional<byte[]> existing = find(subjectHash);
        if (existing.isPresent()) {
            return existing.get();
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO subject_keys (subject_hash, wrapped, created_at) VALUES (?, ?, ?)")) {
            p.setString(1, subjectHash);
            p.setBytes(2, wrapped);
            p.setLong(3, System.currentTimeMillis());
            p.executeUpdate();
            return wrapped;
        } catch (SQLException e) {
            throw new StoreException("cannot write the subject keyring", e);
        }
    }

    /** Every subject hash that has a key. */
    public synchronized java.util.List<String> subjects() {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT subject_hash FROM subject_keys")) {
            while (r.next()) {
                out.add(r.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot list the subject keyring", e);
        }
    }

    /** Replaces a subject's wrapped key (after re-wrapping it under a new master key). */
    public synchronized void replace(String subjectHash, byte[] wrapped) {
        try (PreparedStatement p = c.prepareStatement("UPDATE subject_keys SET wrapped = ? WHERE subject_hash = ?")) {
            p.setBytes(1, wrapped);
            p.setString(2, subjectHash);
            p.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot update the subject keyring", e);
        }
    }

    /** Destroys a subject's key (crypto-shredding); false if it had none. */
    public synchronized boolean destroy(String subjectHash) {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM subject_keys WHERE subject_hash = ?")) {
            p.setString(1, subjectHash);
            return p.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("cannot erase from the subject keyring", e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            c.close();
        } catch (SQLException e) {
            throw new StoreException("cannot close the subject keyring", e);
        }
    }
}
