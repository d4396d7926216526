package dev.fleetroll.store;

import dev.fleetroll.UserError;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Copies a SQLite store into an empty PostgreSQL store ({@code fleetroll store migrate --to URL}): every table the
 * schema migrations made (observations, Taskcluster records, branch heads, notes, rollouts, and whatever later steps
 * add), row for row with their ids, in one PostgreSQL transaction under the store's write lock, from one SQLite read
 * snapshot. Identity sequences continue after the copied ids. A target with any row in any of those tables is refused
 * before anything is written.
 */
public final class StoreCopy {
    private static final int BATCH = 1000;

    private StoreCopy() {}

    /** Rows copied per table, in copy order. */
    public record Result(Map<String, Long> rows) {
        public long total() {
            return rows.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    public static Result copy(SqliteStore from, PostgresStore to) {
        int fromVersion;
        int toVersion;
        try {
            fromVersion = from.schemaVersion();
            toVersion = to.schemaVersion();
        } catch (SQLException e) {
            throw new StoreException("cannot read the schema versions: " + e.getMessage(), e);
        }
        if (fromVersion != toVersion) {
            throw new UserError("the store " + from.label() + " has schema version " + fromVersion + " and "
                    + to.label() + " has " + toVersion + "; open both with the same fleetroll");
        }
        List<String> tables = from.inReadTransaction(StoreCopy::tables);
        return to.inWriteTransaction(pc -> {
            for (String t : tables) {
                if (!exists(pc, t)) {
                    throw new UserError("the store " + to.label() + " has no table " + t + "; it was not made by this fleetroll");
                }
                try (Statement s = pc.createStatement(); ResultSet rs = s.executeQuery("SELECT 1 FROM " + t + " LIMIT 1")) {
                    if (rs.next()) {
                        throw new UserError("the store " + to.label() + " is not empty (table " + t + " has rows);"
                                + " migrate into a new, empty database");
                    }
                }
            }
            return from.inReadTransaction(sc -> {
                Map<String, Long> counts = new LinkedHashMap<>();
                for (String t : tables) {
                    counts.put(t, copyTable(sc, pc, t));
                    continueIdentity(pc, t);
                }
                return new Result(Collections.unmodifiableMap(counts));
            });
        });
    }

    /** The SQLite store's tables, but SQLite's and Flyway's own. */
    private static List<String> tables(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'"
                + " AND name NOT LIKE 'sqlite_%' AND name <> '" + FlywayMigrations.HISTORY_TABLE + "' ORDER BY rowid")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static boolean exists(Connection pc, String table) throws SQLException {
        try (PreparedStatement q = pc.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            q.setString(1, table);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static long copyTable(Connection sc, Connection pc, String table) throws SQLException {
        long n = 0;
        try (Statement s = sc.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY rowid")) {
            ResultSetMetaData md = rs.getMetaData();
            int cols = md.getColumnCount();
            StringJoiner names = new StringJoiner(", ", "INSERT INTO " + table + " (", ")");
            StringJoiner marks = new StringJoiner(", ", " VALUES (", ")");
            for (int i = 1; i <= cols; i++) {
                names.add(md.getColumnName(i));
                marks.add("?");
            }
            try (PreparedStatement ins = pc.prepareStatement(names + marks.toString())) {
                while (rs.next()) {
                    for (int i = 1; i <= cols; i++) {
                        Object v = rs.getObject(i);
                        if (v instanceof Integer x) {
                            v = x.longValue(); // every integer column is BIGINT on PostgreSQL
                        }
                        ins.setObject(i, v);
                    }
                    ins.addBatch();
                    if (++n % BATCH == 0) {
                        ins.executeBatch();
                    }
                }
                if (n % BATCH != 0) {
                    ins.executeBatch();
                }
            }
        }
        return n;
    }

    /** Moves each identity column's sequence past the copied ids, so new rows continue after them. */
    private static void continueIdentity(Connection pc, String table) throws SQLException {
        List<String> identity = new ArrayList<>();
        try (PreparedStatement q = pc.prepareStatement("SELECT column_name FROM information_schema.columns"
                + " WHERE table_schema = current_schema() AND table_name = ? AND is_identity = 'YES'")) {
            q.setString(1, table);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    identity.add(rs.getString(1));
                }
            }
        }
        for (String col : identity) {
            try (PreparedStatement q = pc.prepareStatement("SELECT setval(pg_get_serial_sequence(?, ?),"
                    + " COALESCE((SELECT MAX(" + col + ") FROM " + table + "), 0) + 1, false)")) {
                q.setString(1, table);
                q.setString(2, col);
                q.execute();
            }
        }
    }
}
