package dev.fleetroll.store;

import dev.fleetroll.UserError;
import dev.fleetroll.util.NaturalOrder;
import dev.fleetroll.state.BranchHead;
import dev.fleetroll.state.HostNote;
import dev.fleetroll.state.NoteEntry;
import dev.fleetroll.state.Observation;
import dev.fleetroll.state.TaskclusterState;
import dev.fleetroll.store.SqliteStore.Migration;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store over JDBC, one implementation for both databases: {@link SqliteStore} (embedded, the default) and
 * {@link PostgresStore} (a shared team store). Every query is one SQL text for both; what differs is the
 * {@link Dialect} (transaction start and write lock, retryable errors, the change token of {@link #marks()}, schema
 * statement variants).
 *
 * <p>Concurrency: each instance has one connection, used under the instance's lock. Writers take the database's write
 * lock first thing (see {@link Dialect}), so write transactions serialise across processes; reads are snapshots and
 * never block writers. Busy errors are retried with jittered backoff until {@link #LOCK_DEADLINE}.
 *
 * <p>Schema: the numbered {@link Migration}s of {@link SqliteStore#MIGRATIONS}, applied by Flyway
 * ({@link FlywayMigrations}) when the store is behind; an up-to-date store is recognised without loading Flyway.
 *
 * <p>Table {@code observations(id, host, ts_ms, ok, outcome, data)}: indexed key columns plus the observation as
 * JSON ({@link ObservationJson}). Ids only grow (SQLite {@code AUTOINCREMENT}, a PostgreSQL identity column assigned
 * under the write lock), so {@link #changesSince} can use them as a high-water mark even after retention deleted the
 * newest-id row. Table {@code notes(id, host, ts_ms, actor, action, text, reason)}: the operators' notes, append-only
 * (a clear is a row too); "since the last clear" orders by {@code ts_ms} then {@code id}, so two notes in one
 * millisecond both count, in the order they were written.
 */
public abstract sealed class JdbcStore implements Store permits SqliteStore, PostgresStore {
    private static final Logger log = LoggerFactory.getLogger(JdbcStore.class);

    static final Duration LOCK_DEADLINE = Duration.ofSeconds(60);
    private static final String ORDER_NEWEST = "ORDER BY ts_ms DESC, id DESC";

    final Dialect dialect;
    /** How messages name the store: its file, or its URL without a password. */
    final String label;
    final int retention;
    final Connection conn;
    /** Write transactions this connection began: a change token may not see a connection's own. */
    private long ownWrites;
    private Marks lastMarks;
    private String marksToken;
    private long marksOwnWrites;

    JdbcStore(Dialect dialect, String label, int retention, Connection conn) {
        this.dialect = dialect;
        this.label = label;
        this.retention = retention;
        this.conn = conn;
    }

    public Dialect dialect() {
        return dialect;
    }

    public int retention() {
        return retention;
    }

    /** How messages name this store (its file, or its URL without a password). */
    public String label() {
        return label;
    }

    /** A data source for a second connection to the same database (Flyway, the migration copy). */
    abstract DataSource dataSource();

    /** The database's schema version as this fleetroll's migrations number it (0 for an empty database). */
    public abstract int schemaVersion() throws SQLException;

    /** Records {@code version} where {@link #schemaVersion()} reads it fast, inside a migration's transaction. */
    abstract void markSchemaVersion(Connection c, int version) throws SQLException;

    /**
     * Brings the schema up to the newest of {@code migrations}: nothing to do is decided from {@link #schemaVersion()}
     * alone (Flyway is not even loaded); otherwise Flyway applies the missing steps in one transaction. A store newer
     * than this fleetroll is a one-line error.
     */
    synchronized void migrate(List<Migration> migrations) throws SQLException {
        int target = migrations.stream().mapToInt(Migration::version).max().orElse(0);
        int current = schemaVersion();
        if (current > target) {
            throw new UserError("the store " + label + " has schema version " + current + ", newer than this fleetroll knows ("
                    + target + "); upgrade fleetroll");
        }
        if (current == target) {
            return;
        }
        whileMigrating(() -> {
            int now = schemaVersion(); // another process may have migrated meanwhile
            if (now < target) {
                FlywayMigrations.apply(this, migrations, now);
            }
            return null;
        });
    }

    /**
     * Runs {@code body} while no other process migrates this database. PostgreSQL needs nothing here: Flyway holds
     * an advisory lock while it migrates.
     */
    <T> T whileMigrating(SqlCall<T> body) throws SQLException {
        return body.call();
    }

    // ---- writes ----

    @Override
    public long save(Observation observation) {
        return saveAll(List.of(observation)).get(0);
    }

    @Override
    public synchronized List<Long> saveAll(List<Observation> observations) {
        if (observations.isEmpty()) {
            return List.of();
        }
        try {
            return write(() -> {
                List<Long> ids = new ArrayList<>(observations.size());
                Set<String> hosts = new LinkedHashSet<>();
                try (PreparedStatement ins = conn.prepareStatement(
                        "INSERT INTO observations(host, ts_ms, ok, outcome, data) VALUES (?, ?, ?, ?, ?)",
                        Statement.RETURN_GENERATED_KEYS)) {
                    for (Observation o : observations) {
                        ins.setString(1, o.host());
                        ins.setLong(2, o.ts().toEpochMilli());
                        ins.setInt(3, o.ok() ? 1 : 0);
                        ins.setString(4, o.outcome().label());
                        ins.setString(5, ObservationJson.write(o));
                        ins.executeUpdate();
                        try (ResultSet keys = ins.getGeneratedKeys()) {
                            keys.next();
                            ids.add(keys.getLong(1));
                        }
                        hosts.add(o.host());
                    }
                }
                for (String host : hosts) {
                    applyRetention(host);
                }
                return ids;
            });
        } catch (SQLException e) {
            throw new StoreException("cannot save " + observations.size() + " observation(s) to " + label + ": " + e.getMessage(), e);
        }
    }

    /** Keeps the newest {@code retention} rows, the newest OK row and the first failure after it; deletes the rest. */
    private void applyRetention(String host) throws SQLException {
        if (count(host) <= retention) {
            return;
        }
        long keepOk = -1;
        long okTs = Long.MIN_VALUE;
        try (PreparedStatement q = conn.prepareStatement(
                "SELECT id, ts_ms FROM observations WHERE host = ? AND ok = 1 " + ORDER_NEWEST + " LIMIT 1")) {
            q.setString(1, host);
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    keepOk = rs.getLong(1);
                    okTs = rs.getLong(2);
                }
            }
        }
        long keepFirstFailure = -1;
        try (PreparedStatement q = conn.prepareStatement(
                "SELECT id FROM observations WHERE host = ? AND ok = 0 AND (ts_ms > ? OR (ts_ms = ? AND id > ?))"
                        + " ORDER BY ts_ms, id LIMIT 1")) {
            q.setString(1, host);
            q.setLong(2, okTs);
            q.setLong(3, okTs);
            q.setLong(4, keepOk);
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    keepFirstFailure = rs.getLong(1);
                }
            }
        }
        try (PreparedStatement d = conn.prepareStatement(
                "DELETE FROM observations WHERE host = ? AND id NOT IN (SELECT id FROM observations WHERE host = ? "
                        + ORDER_NEWEST + " LIMIT ?) AND id <> ? AND id <> ?")) {
            d.setString(1, host);
            d.setString(2, host);
            d.setInt(3, retention);
            d.setLong(4, keepOk);
            d.setLong(5, keepFirstFailure);
            int n = d.executeUpdate();
            if (n > 0) {
                log.debug("store: retention removed {} observation(s) of {}", n, host);
            }
        }
    }

    private int count(String host) throws SQLException {
        try (PreparedStatement q = conn.prepareStatement("SELECT COUNT(*) FROM observations WHERE host = ?")) {
            q.setString(1, host);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    // ---- reads ----

    @Override
    public synchronized Optional<Observation> latest(String host) {
        return one("SELECT data FROM observations WHERE host = ? " + ORDER_NEWEST + " LIMIT 1", host);
    }

    @Override
    public synchronized Optional<Observation> latestOk(String host) {
        return one("SELECT data FROM observations WHERE host = ? AND ok = 1 " + ORDER_NEWEST + " LIMIT 1", host);
    }

    @Override
    public synchronized Map<String, Observation> latestByHost() {
        return read(() -> byHost(newestPerHost("")));
    }

    @Override
    public synchronized Map<String, Observation> latestOkByHost() {
        return read(() -> byHost(newestPerHost("WHERE ok = 1")));
    }

    @Override
    public synchronized List<Observation> history(String host, int limit) {
        return read(() -> {
            try (PreparedStatement q = conn.prepareStatement(
                    "SELECT data FROM observations WHERE host = ? " + ORDER_NEWEST + " LIMIT ?")) {
                q.setString(1, host);
                q.setInt(2, Math.max(0, limit));
                return observations(q);
            }
        });
    }

    @Override
    public synchronized List<String> hosts() {
        return read(() -> {
            List<String> out = new ArrayList<>();
            try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT DISTINCT host FROM observations")) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            out.sort(NaturalOrder.INSTANCE);
            return out;
        });
    }

    @Override
    public synchronized List<StoredObservation> changesSince(long afterId) {
        return read(() -> {
            List<StoredObservation> out = new ArrayList<>();
            try (PreparedStatement q = conn.prepareStatement("SELECT id, data FROM observations WHERE id > ? ORDER BY id")) {
                q.setLong(1, afterId);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(new StoredObservation(rs.getLong(1), ObservationJson.read(rs.getString(2))));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public synchronized long lastId() {
        return read(() -> {
            try (Statement s = conn.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM observations")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public synchronized Optional<Instant> failingSince(String host) {
        return read(() -> {
            try (PreparedStatement q = conn.prepareStatement(
                    "SELECT ok FROM observations WHERE host = ? " + ORDER_NEWEST + " LIMIT 1")) {
                q.setString(1, host);
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next() || rs.getInt(1) == 1) {
                        return Optional.empty();
                    }
                }
            }
            return Optional.ofNullable(firstFailureAfterLastOk(host));
        });
    }

    @Override
    public synchronized Map<String, HostStatus> statusByHost() {
        return read(() -> {
            // the winners' ids first (index only), then each distinct row's JSON parsed once: for a host whose
            // latest audit worked, latest and latest OK are the same row
            Map<String, Long> latestIds = newestIds("");
            Map<String, Long> okIds = newestIds("WHERE ok = 1");
            Set<Long> ids = new HashSet<>(latestIds.values());
            ids.addAll(okIds.values());
            Map<Long, Observation> rows = rowsById(ids);
            Map<String, Observation> latest = new TreeMap<>(NaturalOrder.INSTANCE);
            latestIds.forEach((h, id) -> latest.put(h, rows.get(id)));
            Map<String, Observation> latestOk = new HashMap<>();
            okIds.forEach((h, id) -> latestOk.put(h, rows.get(id)));
            Map<String, HostStatus> out = new LinkedHashMap<>();
            for (Map.Entry<String, Observation> e : latest.entrySet()) {
                String h = e.getKey();
                Instant since = e.getValue().ok() ? null : firstFailureAfterLastOk(h);
                out.put(h, new HostStatus(h, e.getValue(), latestOk.get(h), since));
            }
            return Collections.unmodifiableMap(out);
        });
    }

    /** Time of the first non-OK row after the host's newest OK row (or its oldest non-OK row); two index lookups. */
    private Instant firstFailureAfterLastOk(String host) throws SQLException {
        long okTs = Long.MIN_VALUE;
        long okId = -1;
        try (PreparedStatement q = conn.prepareStatement(
                "SELECT ts_ms, id FROM observations WHERE host = ? AND ok = 1 " + ORDER_NEWEST + " LIMIT 1")) {
            q.setString(1, host);
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    okTs = rs.getLong(1);
                    okId = rs.getLong(2);
                }
            }
        }
        try (PreparedStatement q = conn.prepareStatement(
                "SELECT ts_ms FROM observations WHERE host = ? AND ok = 0 AND (ts_ms > ? OR (ts_ms = ? AND id > ?))"
                        + " ORDER BY ts_ms, id LIMIT 1")) {
            q.setString(1, host);
            q.setLong(2, okTs);
            q.setLong(3, okTs);
            q.setLong(4, okId);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Instant.ofEpochMilli(rs.getLong(1)) : null;
            }
        }
    }

    /** The id of the newest row per host (of the rows {@code where} selects), from the index alone. */
    private Map<String, Long> newestIds(String where) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (PreparedStatement q = conn.prepareStatement(newest("host, id", where)); ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    /** The observations with these ids, each read and parsed once (ids are numbers: the list is literal SQL). */
    private Map<Long, Observation> rowsById(Collection<Long> ids) throws SQLException {
        Map<Long, Observation> out = new HashMap<>();
        List<Long> all = new ArrayList<>(ids);
        for (int from = 0; from < all.size(); from += 10_000) {
            StringJoiner in = new StringJoiner(",", "SELECT id, data FROM observations WHERE id IN (", ")");
            all.subList(from, Math.min(all.size(), from + 10_000)).forEach(id -> in.add(Long.toString(id)));
            try (PreparedStatement q = conn.prepareStatement(in.toString()); ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), ObservationJson.read(rs.getString(2)));
                }
            }
        }
        return out;
    }

    /** {@code columns} of the newest row per host among the rows {@code where} selects (a window over the index). */
    private static String newest(String columns, String where) {
        return "SELECT " + columns + " FROM (SELECT host, id, ROW_NUMBER() OVER (PARTITION BY host " + ORDER_NEWEST
                + ") AS rn FROM observations " + where + ") AS ranked WHERE rn = 1";
    }

    /** Newest row per host: the window runs over the (covering) index, only the winners' JSON is read. */
    private String newestPerHost(String where) {
        return "SELECT data FROM observations WHERE id IN (" + newest("id", where) + ")";
    }

    private Map<String, Observation> byHost(String sql) throws SQLException {
        Map<String, Observation> sorted = new TreeMap<>(NaturalOrder.INSTANCE);
        try (PreparedStatement q = conn.prepareStatement(sql)) {
            for (Observation o : observations(q)) {
                sorted.put(o.host(), o);
            }
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(sorted));
    }

    private Optional<Observation> one(String sql, String host) {
        return read(() -> {
            try (PreparedStatement q = conn.prepareStatement(sql)) {
                q.setString(1, host);
                List<Observation> r = observations(q);
                return r.isEmpty() ? Optional.empty() : Optional.of(r.get(0));
            }
        });
    }

    /**
     * The observations a query returns. A row that no longer parses (hand-edited, written by an incompatible
     * version) is skipped with a warning: one bad row must not make every read of the fleet fail.
     */
    private List<Observation> observations(PreparedStatement q) throws SQLException {
        List<Observation> out = new ArrayList<>();
        try (ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                String json = rs.getString(1);
                try {
                    out.add(ObservationJson.read(json));
                } catch (RuntimeException e) {
                    log.warn("store {}: skipping an observation that cannot be read ({}): {}", label, e.getMessage(),
                            json == null ? "null" : json.length() > 120 ? json.substring(0, 120) + "..." : json);
                }
            }
        }
        return out;
    }

    // ---- Taskcluster and GitHub ----

    @Override
    public synchronized void saveTaskcluster(Map<String, TaskclusterState> byHost) {
        if (byHost.isEmpty()) {
            return;
        }
        try {
            write(() -> {
                try (PreparedStatement up = conn.prepareStatement(
                        "INSERT INTO tc_workers(host, ts_ms, data) VALUES (?, ?, ?)"
                                + " ON CONFLICT(host) DO UPDATE SET ts_ms = excluded.ts_ms, data = excluded.data")) {
                    for (Map.Entry<String, TaskclusterState> e : byHost.entrySet()) {
                        up.setString(1, e.getKey());
                        up.setLong(2, e.getValue().scannedAt().toEpochMilli());
                        up.setString(3, ObservationJson.mapper().writeValueAsString(e.getValue()));
                        up.executeUpdate();
                    }
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return null;
            });
        } catch (SQLException e) {
            throw new StoreException("cannot save Taskcluster records of " + byHost.size() + " host(s) to " + label + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Map<String, TaskclusterState> taskcluster() {
        return read(() -> {
            Map<String, TaskclusterState> out = new TreeMap<>(NaturalOrder.INSTANCE);
            try (PreparedStatement q = conn.prepareStatement("SELECT host, data FROM tc_workers");
                 ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    try {
                        out.put(rs.getString(1), ObservationJson.mapper().readValue(rs.getString(2), TaskclusterState.class));
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        log.warn("store {}: skipping an unreadable Taskcluster record of {}: {}", label, rs.getString(1),
                                e.getOriginalMessage());
                    }
                }
            }
            return Collections.unmodifiableMap(new LinkedHashMap<>(out));
        });
    }

    @Override
    public synchronized void saveBranchHeads(List<BranchHead> heads) {
        if (heads.isEmpty()) {
            return;
        }
        try {
            write(() -> {
                try (PreparedStatement up = conn.prepareStatement(
                        "INSERT INTO github_heads(key, ts_ms, sha, problem) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE"
                                + " SET ts_ms = excluded.ts_ms, sha = excluded.sha, problem = excluded.problem")) {
                    for (BranchHead h : heads) {
                        up.setString(1, h.key());
                        up.setLong(2, h.fetchedAt().toEpochMilli());
                        up.setString(3, h.sha());
                        up.setString(4, h.problem());
                        up.executeUpdate();
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            throw new StoreException("cannot save " + heads.size() + " branch head(s) to " + label + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Map<String, BranchHead> branchHeads() {
        return read(() -> {
            Map<String, BranchHead> out = new TreeMap<>();
            try (PreparedStatement q = conn.prepareStatement("SELECT key, ts_ms, sha, problem FROM github_heads");
                 ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new BranchHead(rs.getString(1), rs.getString(3),
                            Instant.ofEpochMilli(rs.getLong(2)), rs.getString(4)));
                }
            }
            return Collections.unmodifiableMap(new LinkedHashMap<>(out));
        });
    }

    // ---- notes ----

    private static final String NOTE_COLUMNS = "id, host, ts_ms, actor, action, text, reason";
    private static final String NOTE_ORDER = "ORDER BY ts_ms, id";

    @Override
    public synchronized List<NoteEntry> addNotes(List<String> hosts, String text, String actor, Instant at) {
        List<NoteEntry> entries = hosts.stream()
                .map(h -> new NoteEntry(0, h, at, actor, NoteEntry.Action.ADD, text, null)).toList();
        try {
            return write(() -> insertNotes(entries));
        } catch (SQLException e) {
            throw new StoreException("cannot save the note of " + hosts.size() + " host(s) to " + label + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized List<NoteEntry> clearNotes(List<String> hosts, String actor, String reason, Instant at) {
        try {
            return write(() -> {
                Map<String, HostNote> current = currentNotes();
                List<NoteEntry> tombstones = hosts.stream().filter(current::containsKey)
                        .map(h -> new NoteEntry(0, h, at, actor, NoteEntry.Action.CLEAR, null, reason)).toList();
                return insertNotes(tombstones);
            });
        } catch (SQLException e) {
            throw new StoreException("cannot clear the notes of " + hosts.size() + " host(s) in " + label + ": " + e.getMessage(), e);
        }
    }

    private List<NoteEntry> insertNotes(List<NoteEntry> entries) throws SQLException {
        List<NoteEntry> out = new ArrayList<>(entries.size());
        try (PreparedStatement ins = conn.prepareStatement(
                "INSERT INTO notes(host, ts_ms, actor, action, text, reason) VALUES (?, ?, ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            for (NoteEntry n : entries) {
                ins.setString(1, n.host());
                ins.setLong(2, n.at().toEpochMilli());
                ins.setString(3, n.actor());
                ins.setString(4, n.action().label());
                ins.setString(5, n.text());
                ins.setString(6, n.reason());
                ins.executeUpdate();
                try (ResultSet keys = ins.getGeneratedKeys()) {
                    keys.next();
                    out.add(new NoteEntry(keys.getLong(1), n.host(), Instant.ofEpochMilli(n.at().toEpochMilli()), n.actor(),
                            n.action(), n.text(), n.reason()));
                }
            }
        }
        return out;
    }

    @Override
    public synchronized Map<String, HostNote> notes() {
        return read(this::currentNotes);
    }

    /** Folds every host's history: a clear starts over, each add is the newest and counts one. */
    private Map<String, HostNote> currentNotes() throws SQLException {
        Map<String, HostNote> out = new TreeMap<>(NaturalOrder.INSTANCE);
        try (PreparedStatement q = conn.prepareStatement("SELECT " + NOTE_COLUMNS + " FROM notes ORDER BY host, ts_ms, id");
             ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                NoteEntry n = noteEntry(rs);
                if (n.action() == NoteEntry.Action.CLEAR) {
                    out.remove(n.host());
                } else {
                    HostNote before = out.get(n.host());
                    out.put(n.host(), new HostNote(n.text(), before == null ? 1 : before.count() + 1, n.actor(), n.at()));
                }
            }
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(out));
    }

    @Override
    public synchronized List<NoteEntry> noteHistory(String host, int limit) {
        return read(() -> {
            List<NoteEntry> out = new ArrayList<>();
            try (PreparedStatement q = conn.prepareStatement("SELECT " + NOTE_COLUMNS
                    + " FROM notes WHERE host = ? ORDER BY ts_ms DESC, id DESC LIMIT ?")) {
                q.setString(1, host);
                q.setInt(2, Math.max(0, limit));
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(noteEntry(rs));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public synchronized int importNotes(List<NoteEntry> entries) {
        if (entries.isEmpty()) {
            return 0;
        }
        try {
            return write(() -> {
                List<NoteEntry> fresh = new ArrayList<>();
                try (PreparedStatement q = conn.prepareStatement("SELECT 1 FROM notes WHERE host = ? AND ts_ms = ? AND action = ?"
                        + " AND actor = ? AND text IS NOT DISTINCT FROM ?")) {
                    for (NoteEntry n : entries) {
                        q.setString(1, n.host());
                        q.setLong(2, n.at().toEpochMilli());
                        q.setString(3, n.action().label());
                        q.setString(4, n.actor());
                        q.setString(5, n.text());
                        try (ResultSet rs = q.executeQuery()) {
                            if (!rs.next()) {
                                fresh.add(n);
                            }
                        }
                    }
                }
                return insertNotes(fresh).size();
            });
        } catch (SQLException e) {
            throw new StoreException("cannot import " + entries.size() + " note(s) into " + label + ": " + e.getMessage(), e);
        }
    }

    private static NoteEntry noteEntry(ResultSet rs) throws SQLException {
        return new NoteEntry(rs.getLong(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)), rs.getString(4),
                NoteEntry.Action.of(rs.getString(5)), rs.getString(6), rs.getString(7));
    }

    // ---- maintenance ----

    @Override
    public synchronized int pruneObservations(Instant before, boolean dryRun) {
        // kept whatever their age: per host the newest row, the newest OK row, and the first failure after that
        String keep = """
                SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY host ORDER BY ts_ms DESC, id DESC) AS rn
                                FROM observations) AS newest WHERE rn = 1
                UNION SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY host ORDER BY ts_ms DESC, id DESC) AS rn
                                      FROM observations WHERE ok = 1) AS newest_ok WHERE rn = 1
                UNION SELECT (SELECT f.id FROM observations f WHERE f.host = o.host AND f.ok = 0
                                AND (f.ts_ms > o.ts_ms OR (f.ts_ms = o.ts_ms AND f.id > o.id)) ORDER BY f.ts_ms, f.id LIMIT 1)
                      FROM (SELECT host, ts_ms, id, ROW_NUMBER() OVER (PARTITION BY host ORDER BY ts_ms DESC, id DESC) AS rn
                            FROM observations WHERE ok = 1) o WHERE o.rn = 1
                UNION SELECT (SELECT f.id FROM observations f WHERE f.host = h.host ORDER BY f.ts_ms, f.id LIMIT 1)
                      FROM (SELECT DISTINCT host FROM observations) h
                      WHERE NOT EXISTS (SELECT 1 FROM observations k WHERE k.host = h.host AND k.ok = 1)""";
        String where = " FROM observations WHERE ts_ms < ? AND id NOT IN (SELECT id FROM (" + keep + ") AS kept WHERE id IS NOT NULL)";
        try {
            SqlCall<Integer> body = () -> {
                try (PreparedStatement q = conn.prepareStatement((dryRun ? "SELECT COUNT(*)" : "DELETE") + where)) {
                    q.setLong(1, before.toEpochMilli());
                    if (dryRun) {
                        try (ResultSet rs = q.executeQuery()) {
                            rs.next();
                            return rs.getInt(1);
                        }
                    }
                    return q.executeUpdate();
                }
            };
            return dryRun ? read(body) : write(body);
        } catch (SQLException e) {
            throw new StoreException("cannot prune observations in " + label + ": " + e.getMessage(), e);
        }
    }

    // ---- transactions and retries ----

    @FunctionalInterface
    interface SqlCall<T> {
        T call() throws SQLException;
    }

    /** Work on the store's connection inside a transaction, for other packages' tables (rollouts). */
    @FunctionalInterface
    public interface Transaction<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code body} in one write transaction that holds the store's write lock from the start (SQLite's
     * {@code BEGIN IMMEDIATE}, PostgreSQL's transaction advisory lock), so a read-then-update inside is atomic against
     * every other process; retried while another process writes.
     */
    public synchronized <T> T inWriteTransaction(Transaction<T> body) {
        try {
            return write(() -> body.run(conn));
        } catch (SQLException e) {
            throw new StoreException("cannot write the store " + label + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code body} as one read snapshot. */
    public synchronized <T> T inReadTransaction(Transaction<T> body) {
        return read(() -> body.run(conn));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Reading the marks is one indexed query; when no transaction committed anything since the last call (the
     * dialect's change token, {@code PRAGMA data_version} or the PostgreSQL snapshot, unchanged, and this connection
     * wrote nothing) the last marks are returned without even that.
     */
    @Override
    public synchronized Marks marks() {
        return read(() -> {
            String token = dialect.changeToken(conn);
            if (lastMarks != null && token.equals(marksToken) && ownWrites == marksOwnWrites) {
                return lastMarks;
            }
            try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT (SELECT COALESCE(MAX(id), 0) FROM observations),"
                            + " (SELECT COALESCE(MAX(ts_ms), 0) + COUNT(*) FROM tc_workers),"
                            + " (SELECT COALESCE(MAX(ts_ms), 0) + COUNT(*) FROM github_heads),"
                            + " (SELECT COALESCE(MAX(id), 0) FROM notes)")) {
                rs.next();
                lastMarks = new Marks(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
            }
            marksToken = token;
            marksOwnWrites = ownWrites;
            return lastMarks;
        });
    }

    <T> T write(SqlCall<T> body) throws SQLException {
        ownWrites++;
        retrying("begin a write transaction", () -> {
            try (Statement s = conn.createStatement()) {
                for (String sql : dialect.beginWrite()) {
                    s.execute(sql);
                }
            } catch (SQLException e) {
                rollbackQuietly();
                throw e;
            }
            return null;
        });
        boolean done = false;
        try {
            T result = body.call();
            try (Statement s = conn.createStatement()) {
                s.execute("COMMIT");
            }
            done = true;
            return result;
        } finally {
            if (!done) {
                rollbackQuietly();
            }
        }
    }

    /** Runs {@code body} as one read snapshot; SQL problems become {@link StoreException}. */
    <T> T read(SqlCall<T> body) {
        try {
            return retrying("read", () -> {
                try (Statement s = conn.createStatement()) {
                    s.execute(dialect.beginRead());
                }
                boolean done = false;
                try {
                    T r = body.call();
                    try (Statement s = conn.createStatement()) {
                        s.execute("COMMIT");
                    }
                    done = true;
                    return r;
                } finally {
                    if (!done) {
                        rollbackQuietly();
                    }
                }
            });
        } catch (SQLException e) {
            throw new StoreException("cannot read the store " + label + ": " + e.getMessage(), e);
        }
    }

    private void rollbackQuietly() {
        try (Statement s = conn.createStatement()) {
            s.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // no transaction was open
        }
    }

    /** Retries {@code call} while the database reports another writer in the way, up to {@link #LOCK_DEADLINE}. */
    <T> T retrying(String what, SqlCall<T> call) throws SQLException {
        long deadline = System.nanoTime() + LOCK_DEADLINE.toNanos();
        long backoffMs = 5;
        int attempts = 0;
        while (true) {
            try {
                return call.call();
            } catch (SQLException e) {
                attempts++;
                if (!dialect.retryable(e) || System.nanoTime() > deadline) {
                    throw e;
                }
                if (attempts == 1 || attempts % 10 == 0) {
                    log.debug("store {}: busy during {} (attempt {}), retrying", label, what, attempts);
                }
                try {
                    Thread.sleep(ThreadLocalRandom.current().nextLong(backoffMs / 2, backoffMs + 1));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoffMs = Math.min(250, backoffMs * 2);
            }
        }
    }

    @Override
    public synchronized void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            log.debug("store {}: close: {}", label, e.getMessage());
        }
    }
}
