package dev.bastion.store.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A SQLite file read as someone who copied it would read it, for tests of other modules that check what is on
 * disk (no canary, no subject in clear, ciphertext only). It lives here so that SQL stays inside the store module.
 */
public final class SqliteFiles {
    private SqliteFiles() {
    }

    /** Every value of every row of every table, as one text. */
    public static String allText(Path db) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                while (r.next()) {
                    tables.add(r.getString(1));
                }
            }
            for (String t : tables) {
                try (ResultSet r = s.executeQuery("SELECT * FROM " + t)) {
                    int n = r.getMetaData().getColumnCount();
                    while (r.next()) {
                        for (int i = 1; i <= n; i++) {
                            out.append(r.getString(i)).append('|');
                        }
                    }
                }
            }
        }
        return out.toString();
    }

    /** Every stored conversation as {id, subject hash, route, content or null}, oldest first. */
    public static List<String[]> conversationRows(Path db) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT id, subject_hash, route, content FROM conversations ORDER BY created_at")) {
            while (r.next()) {
                out.add(new String[] {r.getString(1), r.getString(2), r.getString(3), r.getString(4)});
            }
        }
        return out;
    }

    /** A consistent copy of a live database (as a backup tool would take it) written to {@code to}. */
    public static void backup(Path db, Path to) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("VACUUM INTO '" + to.toString().replace("'", "''") + "'");
        }
    }
}
