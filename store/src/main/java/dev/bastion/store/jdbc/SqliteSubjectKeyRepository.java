package dev.bastion.store.jdbc;

import dev.bastion.store.OwnerOnly;
import dev.bastion.store.StoreException;
import dev.bastion.store.subjects.SubjectKeyRepository;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The subject keys in their own SQLite file ({@code <data-dir>/keys/subject-keys.db}), apart from the
 * conversations, whichever database holds those: the keys stay on the gateway's machine even when the
 * conversations live in PostgreSQL. Deleted keys are overwritten on disk ({@code secure_delete}) and the journal
 * is a rollback journal deleted after each commit, so no old page lingers in a WAL file. Thread-safe.
 */
public final class SqliteSubjectKeyRepository implements SubjectKeyRepository {
    private final Connection c;

    private SqliteSubjectKeyRepository(Connection c) {
        this.c = c;
    }

    /** @throws StoreException naming the file when it cannot be opened */
    public static SqliteSubjectKeyRepository open(Path file) {
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
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            return new SqliteSubjectKeyRepository(c);
        } catch (SQLException e) {
            throw new StoreException("cannot open the subject keyring " + file + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    @Override
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

    @Override
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
            return wrapped.clone();
        } catch (SQLException e) {
            throw new StoreException("cannot write the subject keyring", e);
        }
    }

    @Override
    public synchronized List<String> subjects() {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT subject_hash FROM subject_keys ORDER BY subject_hash")) {
            while (r.next()) {
                out.add(r.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot list the subject keyring", e);
        }
    }

    @Override
    public synchronized boolean replace(String subjectHash, byte[] wrapped) {
        try (PreparedStatement p = c.prepareStatement("UPDATE subject_keys SET wrapped = ? WHERE subject_hash = ?")) {
            p.setBytes(1, wrapped);
            p.setString(2, subjectHash);
            return p.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("cannot update the subject keyring", e);
        }
    }

    @Override
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
