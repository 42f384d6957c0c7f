package dev.bastion.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Optional;

/** Small JDBC helpers the repositories share: optional columns and the portable unique-violation test. */
final class Sql {
    private Sql() {
    }

    /** Whether {@code e} reports a primary-key or unique violation (PostgreSQL's SQL state, SQLite's message). */
    static boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState()) || (e.getMessage() != null && e.getMessage().contains("UNIQUE constraint"));
    }

    static Optional<Long> nullableLong(ResultSet r, String column) throws SQLException {
        long v = r.getLong(column);
        return r.wasNull() ? Optional.empty() : Optional.of(v);
    }

    static void setNullableLong(PreparedStatement p, int index, Optional<Long> value) throws SQLException {
        if (value.isPresent()) {
            p.setLong(index, value.get());
        } else {
            p.setNull(index, Types.BIGINT);
        }
    }

    static void setNullableString(PreparedStatement p, int index, Optional<String> value) throws SQLException {
        if (value.isPresent()) {
            p.setString(index, value.get());
        } else {
            p.setNull(index, Types.VARCHAR);
        }
    }
}
