package dev.fleetroll.store;

import dev.fleetroll.UserError;
import dev.fleetroll.config.FleetrollConfig;
import dev.fleetroll.config.FleetrollHome;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded store: SQLite at {@code $FLEETROLL_HOME/fleetroll.db} in WAL mode, so readers never block the writer
 * and several fleetroll processes can share it. The queries are {@link JdbcStore}'s; this class opens the file, keeps
 * the schema version in {@code PRAGMA user_version} (read on every start: an up-to-date store never loads Flyway), and
 * compacts (checkpoint + {@code VACUUM}).
 *
 * <p>Writers start with {@code BEGIN IMMEDIATE} (taking the write lock up front, so a transaction never fails half-way
 * on a lock upgrade); SQLite's busy timeout waits for another process's transaction, and on top of it {@code BEGIN} is
 * retried with jittered backoff until {@link JdbcStore#LOCK_DEADLINE}.
 */
public final class SqliteStore extends JdbcStore {
    private static final Logger log = LoggerFactory.getLogger(SqliteStore.class);

    static final int BUSY_TIMEOUT_MS = 5_000;

    /**
     * One schema step. Steps run in order, each version once, inside a transaction, on both databases: see
     * {@link Dialect#schema(String)} for how a statement is written once for SQLite and PostgreSQL (and how to give
     * a statement a per-database variant when it must differ).
     */
    public record Migration(int version, String description, List<String> statements) {
        public Migration {
            statements = List.copyOf(statements);
        }
    }

    static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "observations: key columns and the observation as JSON", List.of(
                    """
                    CREATE TABLE observations (
                        id      INTEGER PRIMARY KEY AUTOINCREMENT,
                        host    TEXT    NOT NULL,
                        ts_ms   INTEGER NOT NULL,
                        ok      INTEGER NOT NULL,
                        outcome TEXT    NOT NULL,
                        data    TEXT    NOT NULL
                    )""",
                    "CREATE INDEX observations_host_ts ON observations(host, ts_ms)",
                    "CREATE INDEX observations_host_ok_ts ON observations(host, ok, ts_ms)")),
            new Migration(2, "Taskcluster worker records and GitHub branch heads, newest per host and per branch", List.of(
                    """
                    CREATE TABLE tc_workers (
                        host  TEXT    PRIMARY KEY,
                        ts_ms INTEGER NOT NULL,
                        data  TEXT    NOT NULL
                    )""",
                    """
                    CREATE TABLE github_heads (
                        key     TEXT    PRIMARY KEY,
                        ts_ms   INTEGER NOT NULL,
                        sha     TEXT,
                        problem TEXT
                    )""")),
            new Migration(3, "operator notes: every add and clear per host, with author and millisecond time", List.of(
                    """
                    CREATE TABLE notes (
                        id     INTEGER PRIMARY KEY AUTOINCREMENT,
                        host   TEXT    NOT NULL,
                        ts_ms  INTEGER NOT NULL,
                        actor  TEXT    NOT NULL,
                        action TEXT    NOT NULL CHECK (action IN ('add', 'clear')),
                        text   TEXT,
                        reason TEXT
                    )""",
                    "CREATE INDEX notes_host_ts ON notes(host, ts_ms, id)")),
            new Migration(4, "rollouts: plans, stages, per-host results, events and the advance lease", List.of(
                    """
                    CREATE TABLE rollouts (
                        name          TEXT    PRIMARY KEY,
                        state         TEXT    NOT NULL,
                        plan          TEXT    NOT NULL,
                        current_stage INTEGER NOT NULL,
                        created_by    TEXT    NOT NULL,
                        created_ms    INTEGER NOT NULL,
                        updated_ms    INTEGER NOT NULL,
                        lease_token   TEXT,
                        lease_by      TEXT,
                        lease_pid     INTEGER,
                        lease_machine TEXT,
                        lease_ms      INTEGER
                    )""",
                    """
                    CREATE TABLE rollout_stages (
                        rollout       TEXT    NOT NULL,
                        idx           INTEGER NOT NULL,
                        state         TEXT    NOT NULL,
                        hosts         TEXT    NOT NULL,
                        applied_ms    INTEGER,
                        soak_until_ms INTEGER,
                        gate          TEXT,
                        advanced_by   TEXT,
                        advanced_ms   INTEGER,
                        forced        INTEGER NOT NULL DEFAULT 0,
                        reason        TEXT,
                        PRIMARY KEY (rollout, idx)
                    )""",
                    """
                    CREATE TABLE rollout_hosts (
                        rollout     TEXT    NOT NULL,
                        host        TEXT    NOT NULL,
                        stage       INTEGER NOT NULL,
                        push        TEXT,
                        push_error  TEXT,
                        prior_sha   TEXT,
                        puppet_exit INTEGER,
                        puppet      TEXT,
                        gate        TEXT,
                        gate_detail TEXT,
                        updated_ms  INTEGER NOT NULL,
                        PRIMARY KEY (rollout, host)
                    )""",
                    """
                    CREATE TABLE rollout_events (
                        id      INTEGER PRIMARY KEY AUTOINCREMENT,
                        rollout TEXT    NOT NULL,
                        ts_ms   INTEGER NOT NULL,
                        actor   TEXT    NOT NULL,
                        event   TEXT    NOT NULL,
                        detail  TEXT
                    )""",
                    "CREATE INDEX rollout_events_rollout ON rollout_events(rollout, id)")),
            new Migration(5, "reboot slots: one row per held slot of a group, shared by reboot runs and FleetLock", List.of(
                    """
                    CREATE TABLE reboot_slots (
                        grp         TEXT    NOT NULL,
                        slot        INTEGER NOT NULL,
                        holder      TEXT    NOT NULL,
                        owner       TEXT    NOT NULL,
                        actor       TEXT    NOT NULL,
                        reason      TEXT,
                        state       TEXT    NOT NULL,
                        detail      TEXT,
                        acquired_ms BIGINT  NOT NULL,
                        updated_ms  BIGINT  NOT NULL,
                        PRIMARY KEY (grp, slot)
                    )""",
                    "CREATE UNIQUE INDEX reboot_slots_holder ON reboot_slots(holder)")),
            new Migration(6, "inventory: hosts of record, their facts with sources, and discovery probe results", List.of(
                    """
                    CREATE TABLE inventory_hosts (
                        host            TEXT    PRIMARY KEY,
                        enabled         INTEGER NOT NULL,
                        disabled_reason TEXT,
                        disabled_by     TEXT,
                        disabled_ms     BIGINT,
                        added_by        TEXT    NOT NULL,
                        added_ms        BIGINT  NOT NULL,
                        updated_ms      BIGINT  NOT NULL
                    )""",
                    """
                    CREATE TABLE inventory_facts (
                        host       TEXT   NOT NULL,
                        fact       TEXT   NOT NULL,
                        value      TEXT   NOT NULL,
                        source     TEXT   NOT NULL,
                        updated_ms BIGINT NOT NULL,
                        PRIMARY KEY (host, fact)
                    )""",
                    """
                    CREATE TABLE inventory_probes (
                        host      TEXT    PRIMARY KEY,
                        ts_ms     BIGINT  NOT NULL,
                        resolves  INTEGER,
                        reachable INTEGER,
                        sshable   INTEGER,
                        sudoable  INTEGER,
                        bmc       INTEGER,
                        detail    TEXT
                    )""")));

    private final Path file;
    private ScannerLease lease;

    private SqliteStore(Path file, int retention, Connection conn) {
        super(Dialect.SQLITE, file.toString(), retention, conn);
        this.file = file;
    }

    /** Opens (creating and migrating as needed) {@code home}'s store. */
    public static SqliteStore open(FleetrollHome home, FleetrollConfig.Store config) {
        home.ensureExists();
        SqliteNative.prepare(home);
        return open(home.database(), config == null ? 10 : config.retention(), MIGRATIONS);
    }

    static SqliteStore open(Path file, int retention, List<Migration> migrations) {
        if (retention < 1) {
            throw new UserError("store.retention is " + retention + "; it must be at least 1 (observations kept per host)");
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (Exception e) {
            throw new UserError("cannot create the directory of " + file + ": " + e.getMessage(), e);
        }
        Connection c;
        try {
            Properties props = new Properties();
            props.setProperty("busy_timeout", Integer.toString(BUSY_TIMEOUT_MS));
            c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), props);
        } catch (SQLException e) {
            throw new UserError("cannot open the store " + file + ": " + e.getMessage()
                    + " (check permissions, or set FLEETROLL_HOME elsewhere)", e);
        }
        SqliteStore store = new SqliteStore(file, retention, c);
        try {
            store.configure();
            store.migrate(migrations);
        } catch (SQLException | RuntimeException e) {
            store.close();
            if (e instanceof UserError u) {
                throw u;
            }
            throw new UserError("cannot open the store " + file + ": " + e.getMessage(), e);
        }
        return store;
    }

    public Path file() {
        return file;
    }

    private void configure() throws SQLException {
        retrying("set WAL mode", () -> {
            try (Statement s = conn.createStatement()) {
                s.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MS);
                try (ResultSet rs = s.executeQuery("PRAGMA journal_mode = WAL")) {
                    String mode = rs.next() ? rs.getString(1) : "?";
                    if (!"wal".equalsIgnoreCase(mode)) {
                        log.warn("store {}: journal mode is {}, not WAL (file system without shared memory?)", file, mode);
                    }
                }
                s.execute("PRAGMA synchronous = NORMAL");
            }
            return null;
        });
    }

    /**
     * Holds an OS lock on {@code <database file>.migrate.lock}: Flyway takes no lock on SQLite, and several processes
     * may open a new store at once (the first migrates, the others then find it up to date).
     */
    @Override
    <T> T whileMigrating(SqlCall<T> body) throws SQLException {
        Path lockFile = file.resolveSibling(file.getFileName() + ".migrate.lock");
        synchronized (SqliteStore.class) { // the OS lock is per process: threads of this one queue here
            return lockedWhileMigrating(lockFile, body);
        }
    }

    private static <T> T lockedWhileMigrating(Path lockFile, SqlCall<T> body) throws SQLException {
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            return body.call();
        } catch (IOException e) {
            throw new StoreException("cannot lock " + lockFile + " to migrate the store: " + e.getMessage(), e);
        }
    }

    @Override
    DataSource dataSource() {
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        ds.setBusyTimeout(BUSY_TIMEOUT_MS);
        return ds;
    }

    @Override
    public int schemaVersion() throws SQLException {
        return userVersion();
    }

    @Override
    void markSchemaVersion(Connection c, int version) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = " + version);
        }
    }

    /** The database's schema version ({@code PRAGMA user_version}). */
    public synchronized int userVersion() throws SQLException {
        return retrying("read the schema version", () -> {
            try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        });
    }

    // ---- maintenance ----

    @Override
    public synchronized Compaction compact() {
        Path wal = walFile();
        long dbBefore = sizeOf(file);
        long walBefore = sizeOf(wal);
        try {
            retrying("checkpoint the write-ahead log", () -> {
                checkpoint();
                return null;
            });
            retrying("vacuum", () -> {
                try (Statement s = conn.createStatement()) {
                    s.execute("VACUUM");
                }
                return null;
            });
            retrying("checkpoint after vacuum", () -> {
                checkpoint();
                return null;
            });
        } catch (SQLException e) {
            throw new StoreException("cannot compact the store " + file + ": " + e.getMessage()
                    + " (another fleetroll may be busy with it; try again)", e);
        }
        return new Compaction(dbBefore, walBefore, sizeOf(file), sizeOf(wal));
    }

    private void checkpoint() throws SQLException {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            if (rs.next() && rs.getInt(1) != 0) {
                throw new SQLException("database is locked (a reader kept the checkpoint from finishing)", "", 5);
            }
        }
    }

    /** The write-ahead log next to the database ({@code fleetroll.db-wal}). */
    public Path walFile() {
        return file.resolveSibling(file.getFileName() + "-wal");
    }

    private static long sizeOf(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    // ---- scanner lease ----

    /** An OS lock on {@code <database file>.scanner.lock} ({@link FileScannerLease}): released when the process dies. */
    @Override
    public synchronized ScannerLease scannerLease() {
        if (lease == null) {
            lease = new FileScannerLease(file.resolveSibling(file.getFileName() + ".scanner.lock"));
        }
        return lease;
    }

    @Override
    public synchronized void close() {
        if (lease != null) {
            lease.close();
        }
        super.close();
    }
}
