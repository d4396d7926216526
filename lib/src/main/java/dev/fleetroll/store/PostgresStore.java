package dev.fleetroll.store;

import dev.fleetroll.UserError;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared team store: PostgreSQL at {@code store.url}. The queries are {@link JdbcStore}'s; write transactions take
 * a transaction-scoped advisory lock first ({@link Dialect#WRITE_LOCK}), the PostgreSQL counterpart of SQLite's
 * {@code BEGIN IMMEDIATE}. The schema version is Flyway's history ({@code flyway_schema_history}), read with one query
 * on every start. {@link #scannerLease()} is a session-level advisory lock on a connection of its own, released by the
 * server when the process (or its connection) dies.
 */
public final class PostgresStore extends JdbcStore {
    private static final Logger log = LoggerFactory.getLogger(PostgresStore.class);

    /** The scanner lease's advisory lock key (one past the write lock's). */
    static final long SCANNER_LOCK = Dialect.WRITE_LOCK + 1;
    /** How long a write waits for another process's write lock before it fails (as SQLite's retries do). */
    static final String LOCK_TIMEOUT = "60s";

    private final PostgresUrl url;
    private ScannerLease lease;

    private PostgresStore(PostgresUrl url, int retention, Connection conn) {
        super(Dialect.POSTGRESQL, url.redacted(), retention, conn);
        this.url = url;
    }

    /** Opens (migrating as needed) the store at {@code url}, which carries its password if it needs one. */
    public static PostgresStore open(PostgresUrl url, int retention, List<SqliteStore.Migration> migrations) {
        if (retention < 1) {
            throw new UserError("store.retention is " + retention + "; it must be at least 1 (observations kept per host)");
        }
        PostgresStore store = new PostgresStore(url, retention, connect(url));
        try {
            try (Statement s = store.conn.createStatement()) {
                s.execute("SET lock_timeout = '" + LOCK_TIMEOUT + "'");
            }
            store.migrate(migrations);
        } catch (SQLException | RuntimeException e) {
            store.close();
            if (e instanceof UserError u) {
                throw u;
            }
            throw new UserError("cannot open the store " + url.redacted() + ": " + e.getMessage(), e);
        }
        return store;
    }

    public static PostgresStore open(PostgresUrl url, int retention) {
        return open(url, retention, SqliteStore.MIGRATIONS);
    }

    static Connection connect(PostgresUrl url) {
        try {
            return DriverManager.getConnection(url.jdbcUrl(), properties(url));
        } catch (SQLException e) {
            throw new UserError("cannot connect to the store " + url.redacted() + ": " + firstLine(e.getMessage())
                    + " (check store.url, that the server runs, and the password in store.password_file or PGPASSWORD)", e);
        }
    }

    private static Properties properties(PostgresUrl url) {
        Properties p = new Properties();
        p.setProperty("user", url.user());
        if (url.password() != null) {
            p.setProperty("password", url.password());
        }
        p.setProperty("ApplicationName", "fleetroll");
        p.setProperty("connectTimeout", "10");
        return p;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    public PostgresUrl url() {
        return url;
    }

    @Override
    DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url.jdbcUrl());
        ds.setUser(url.user());
        if (url.password() != null) {
            ds.setPassword(url.password());
        }
        ds.setApplicationName("fleetroll");
        return ds;
    }

    @Override
    public synchronized int schemaVersion() throws SQLException {
        try (Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SELECT to_regclass('" + FlywayMigrations.HISTORY_TABLE + "') IS NOT NULL")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return 0;
            }
        }
        int max = 0;
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT version FROM " + FlywayMigrations.HISTORY_TABLE + " WHERE success AND version IS NOT NULL")) {
            while (rs.next()) {
                try {
                    max = Math.max(max, Integer.parseInt(rs.getString(1)));
                } catch (NumberFormatException e) {
                    throw new UserError("the store " + label + " has schema version '" + rs.getString(1)
                            + "' in " + FlywayMigrations.HISTORY_TABLE + ", which this fleetroll does not know; upgrade fleetroll");
                }
            }
        }
        return max;
    }

    @Override
    void markSchemaVersion(Connection c, int version) {
        // Flyway's history is the record
    }

    /** {@code VACUUM ANALYZE} of the database; sizes are the database's ({@code pg_database_size}), no write-ahead log. */
    @Override
    public synchronized Compaction compact() {
        try {
            long before = databaseSize();
            try (Statement s = conn.createStatement()) {
                s.execute("VACUUM ANALYZE");
            }
            return new Compaction(before, 0, databaseSize(), 0);
        } catch (SQLException e) {
            throw new StoreException("cannot vacuum the store " + label + ": " + firstLine(e.getMessage()), e);
        }
    }

    private long databaseSize() throws SQLException {
        try (Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_database_size(current_database())")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ---- scanner lease ----

    @Override
    public synchronized ScannerLease scannerLease() {
        if (lease == null) {
            lease = new AdvisoryLease();
        }
        return lease;
    }

    /** {@code pg_try_advisory_lock} on a connection of its own: held while that session lives. */
    private final class AdvisoryLease implements ScannerLease {
        private Connection session;
        private boolean held;

        @Override
        public synchronized boolean tryAcquire() {
            if (held()) {
                return true;
            }
            try {
                if (session == null || session.isClosed()) {
                    session = connect(url);
                }
                try (PreparedStatement q = session.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                    q.setLong(1, SCANNER_LOCK);
                    try (ResultSet rs = q.executeQuery()) {
                        rs.next();
                        held = rs.getBoolean(1);
                    }
                }
            } catch (SQLException e) {
                held = false;
                closeSession();
                throw new StoreException("cannot take the scanner lease of " + label + ": " + firstLine(e.getMessage()), e);
            }
            if (!held) {
                closeSession();
            }
            return held;
        }

        /** Held while the session that took it is alive (a lost connection loses the lock on the server too). */
        @Override
        public synchronized boolean held() {
            if (!held) {
                return false;
            }
            try {
                if (session != null && session.isValid(5)) {
                    return true;
                }
            } catch (SQLException e) {
                log.debug("scanner lease of {}: {}", label, e.getMessage());
            }
            held = false;
            closeSession();
            return false;
        }

        @Override
        public synchronized void close() {
            if (held && session != null) {
                try (PreparedStatement q = session.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                    q.setLong(1, SCANNER_LOCK);
                    q.execute();
                } catch (SQLException e) {
                    log.debug("scanner lease of {}: unlock: {}", label, e.getMessage());
                }
            }
            held = false;
            closeSession();
        }

        private void closeSession() {
            if (session != null) {
                try {
                    session.close();
                } catch (SQLException ignored) {
                    // the server drops the lock with the session
                }
                session = null;
            }
        }
    }

    @Override
    public synchronized void close() {
        if (lease != null) {
            lease.close();
        }
        super.close();
    }
}
