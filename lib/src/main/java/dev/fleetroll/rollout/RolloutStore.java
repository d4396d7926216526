package dev.fleetroll.rollout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.fleetroll.UserError;
import dev.fleetroll.ops.Fleet;
import dev.fleetroll.store.JdbcStore;
import dev.fleetroll.store.StoreException;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Rollouts in the store (schema version 4: tables {@code rollouts}, {@code rollout_stages}, {@code rollout_hosts},
 * {@code rollout_events}). Every change is one transaction, so a rollout read by another console, or after a crash,
 * is always whole; per-host results are written as each step finishes.
 *
 * <p>The advance lease: whoever advances, rolls back or finalizes takes it in a write transaction (SQLite's
 * {@code BEGIN IMMEDIATE}, PostgreSQL's advisory write lock)
 * (read the holder, set ourselves: atomic against every other process). A second taker is told who holds it and since
 * when. A holder that died (same machine, its pid gone) does not block anyone.
 */
public final class RolloutStore {
    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final String MACHINE = machine();

    private final JdbcStore store;

    public RolloutStore(JdbcStore store) {
        this.store = store;
    }

    /** The rollouts in {@code fleet}'s store. */
    public static RolloutStore of(Fleet fleet) {
        if (!(storeOf(fleet) instanceof JdbcStore s)) {
            throw new UserError("rollouts need the SQLite or PostgreSQL store");
        }
        return new RolloutStore(s);
    }

    private static dev.fleetroll.store.Store storeOf(Fleet fleet) {
        try {
            return fleet.store();
        } catch (UnsupportedOperationException e) {
            return null; // a fleet without a store: no rollouts
        }
    }

    // ---- create and read ------------------------------------------------------------------------------

    /** Saves a new rollout, ACTIVE at stage 0 with every stage PENDING. */
    public void create(RolloutPlan plan, List<List<String>> stages, String actor, Instant now) {
        store.inWriteTransaction(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT state FROM rollouts WHERE name = ?")) {
                q.setString(1, plan.name());
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        throw new UserError("a rollout named '" + plan.name() + "' exists already (" + rs.getString(1)
                                + "); see fleetroll rollout status " + plan.name() + ", or choose another name");
                    }
                }
            }
            update(c, "INSERT INTO rollouts (name, state, plan, current_stage, created_by, created_ms, updated_ms)"
                    + " VALUES (?, ?, ?, 0, ?, ?, ?)", plan.name(), RolloutState.ACTIVE.label(), json(plan), actor,
                    now.toEpochMilli(), now.toEpochMilli());
            for (int i = 0; i < stages.size(); i++) {
                update(c, "INSERT INTO rollout_stages (rollout, idx, state, hosts) VALUES (?, ?, ?, ?)", plan.name(), i,
                        StageState.PENDING.name(), json(stages.get(i)));
                for (String h : stages.get(i)) {
                    update(c, "INSERT INTO rollout_hosts (rollout, host, stage, updated_ms) VALUES (?, ?, ?, ?)",
                            plan.name(), h, i, now.toEpochMilli());
                }
            }
            event(c, plan.name(), now, actor, "start", stages.size() + " stages over " + plan.targets().size() + " hosts");
            return null;
        });
    }

    public Optional<RolloutStatus> load(String name) {
        return store.inReadTransaction(c -> Optional.ofNullable(read(c, name)));
    }

    /** The rollout, or a one-line error naming the known ones. */
    public RolloutStatus require(String name) {
        return load(name).orElseThrow(() -> {
            List<String> names = list().stream().map(RolloutStatus::name).toList();
            return new UserError("no rollout named '" + name + "'" + (names.isEmpty() ? " (there are none yet)"
                    : "; rollouts: " + String.join(", ", names)));
        });
    }

    /** Every rollout, newest first. */
    public List<RolloutStatus> list() {
        return store.inReadTransaction(c -> {
            List<String> names = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("SELECT name FROM rollouts ORDER BY created_ms DESC, name");
                 ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            List<RolloutStatus> out = new ArrayList<>();
            for (String n : names) {
                out.add(read(c, n));
            }
            return out;
        });
    }

    private RolloutStatus read(Connection c, String name) throws SQLException {
        RolloutState state;
        RolloutPlan plan;
        int current;
        String createdBy;
        Instant created;
        Instant updated;
        RolloutStatus.Lease lease = null;
        try (PreparedStatement q = c.prepareStatement("SELECT state, plan, current_stage, created_by, created_ms, updated_ms,"
                + " lease_token, lease_by, lease_pid, lease_machine, lease_ms FROM rollouts WHERE name = ?")) {
            q.setString(1, name);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                state = RolloutState.fromLabel(rs.getString(1));
                plan = parse(rs.getString(2), RolloutPlan.class);
                current = rs.getInt(3);
                createdBy = rs.getString(4);
                created = Instant.ofEpochMilli(rs.getLong(5));
                updated = Instant.ofEpochMilli(rs.getLong(6));
                if (rs.getString(7) != null) {
                    lease = new RolloutStatus.Lease(rs.getString(7), rs.getString(8), rs.getLong(9), rs.getString(10),
                            Instant.ofEpochMilli(rs.getLong(11)));
                }
            }
        }
        List<RolloutStatus.Stage> stages = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT idx, state, hosts, applied_ms, soak_until_ms, gate, advanced_by,"
                + " advanced_ms, forced, reason FROM rollout_stages WHERE rollout = ? ORDER BY idx")) {
            q.setString(1, name);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    stages.add(new RolloutStatus.Stage(rs.getInt(1), StageState.valueOf(rs.getString(2)),
                            parse(rs.getString(3), new TypeReference<List<String>>() {}), instant(rs, 4), instant(rs, 5),
                            rs.getString(6) == null ? null : parse(rs.getString(6), GateResult.class), rs.getString(7),
                            instant(rs, 8), rs.getInt(9) != 0, rs.getString(10)));
                }
            }
        }
        Map<String, RolloutStatus.HostRecord> hosts = new LinkedHashMap<>();
        try (PreparedStatement q = c.prepareStatement("SELECT host, stage, push, push_error, prior_sha, puppet_exit, puppet,"
                + " gate, gate_detail, updated_ms FROM rollout_hosts WHERE rollout = ? ORDER BY stage, host")) {
            q.setString(1, name);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    Integer exit = rs.getObject(6) == null ? null : rs.getInt(6);
                    hosts.put(rs.getString(1), new RolloutStatus.HostRecord(rs.getString(1), rs.getInt(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), exit, rs.getString(7), rs.getString(8), rs.getString(9),
                            instant(rs, 10)));
                }
            }
        }
        List<RolloutStatus.Event> events = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT id, ts_ms, actor, event, detail FROM rollout_events"
                + " WHERE rollout = ? ORDER BY id")) {
            q.setString(1, name);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    events.add(new RolloutStatus.Event(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                            rs.getString(4), rs.getString(5)));
                }
            }
        }
        return new RolloutStatus(name, state, plan, current, createdBy, created, updated, lease, stages, hosts, events);
    }

    // ---- the lease ---------------------------------------------------------------------------------------

    /**
     * Takes the advance lease for {@code actor}; returns its token.
     *
     * @throws RolloutBusy when a live holder has it: {@code rollout X is being advanced by USER since T}
     */
    public String acquire(String name, String actor, String doing, Instant now) {
        return store.inWriteTransaction(c -> {
            RolloutStatus.Lease held = null;
            boolean exists = false;
            try (PreparedStatement q = c.prepareStatement("SELECT lease_token, lease_by, lease_pid, lease_machine, lease_ms"
                    + " FROM rollouts WHERE name = ?")) {
                q.setString(1, name);
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        exists = true;
                        if (rs.getString(1) != null) {
                            held = new RolloutStatus.Lease(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                                    Instant.ofEpochMilli(rs.getLong(5)));
                        }
                    }
                }
            }
            if (!exists) {
                throw new UserError("no rollout named '" + name + "'");
            }
            if (held != null && alive(held)) {
                throw new RolloutBusy("rollout " + name + " is being " + doing + " by " + held.by() + " since "
                        + held.since().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        + " (pid " + held.pid() + " on " + held.machine() + "); try again when it is done");
            }
            String token = UUID.randomUUID().toString();
            update(c, "UPDATE rollouts SET lease_token = ?, lease_by = ?, lease_pid = ?, lease_machine = ?, lease_ms = ?"
                    + " WHERE name = ?", token, actor, ProcessHandle.current().pid(), MACHINE, now.toEpochMilli(), name);
            if (held != null) {
                event(c, name, now, actor, "lease-taken-over", "from " + held.by() + " (pid " + held.pid() + ", gone)");
            }
            return token;
        });
    }

    /** Gives the lease back (only when {@code token} still holds it). */
    public void release(String name, String token) {
        store.inWriteTransaction(c -> update(c, "UPDATE rollouts SET lease_token = NULL, lease_by = NULL, lease_pid = NULL,"
                + " lease_machine = NULL, lease_ms = NULL WHERE name = ? AND lease_token = ?", name, token));
    }

    /** A lease is held while its process lives; one from another machine is taken at its word. */
    static boolean alive(RolloutStatus.Lease l) {
        if (!MACHINE.equals(l.machine())) {
            return true;
        }
        return ProcessHandle.of(l.pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    // ---- updates -----------------------------------------------------------------------------------------

    public void stageState(String name, int idx, StageState state, Instant now) {
        store.inWriteTransaction(c -> {
            update(c, "UPDATE rollout_stages SET state = ? WHERE rollout = ? AND idx = ?", state.name(), name, idx);
            touch(c, name, now);
            return null;
        });
    }

    /** The stage's pushes and Puppet runs are done: waiting for the soak and the assessment. */
    public void stageApplied(String name, int idx, Instant now, Instant soakUntil) {
        store.inWriteTransaction(c -> {
            update(c, "UPDATE rollout_stages SET state = ?, applied_ms = ?, soak_until_ms = ? WHERE rollout = ? AND idx = ?",
                    StageState.APPLIED.name(), now.toEpochMilli(), soakUntil.toEpochMilli(), name, idx);
            touch(c, name, now);
            return null;
        });
    }

    /** One host's push (outcome, error, the override it had before). */
    public record Push(String host, String outcome, String error, String priorSha) {}

    public void recordPushes(String name, List<Push> pushes, Instant now) {
        store.inWriteTransaction(c -> {
            for (Push p : pushes) {
                // the first push's prior override is the one to restore: a repeated push sees ours as prior
                update(c, "UPDATE rollout_hosts SET push = ?, push_error = ?, prior_sha = CASE WHEN push IS NULL"
                        + " OR push IN ('unreachable', 'blocked', 'cancelled') THEN ? ELSE prior_sha END, updated_ms = ?"
                        + " WHERE rollout = ? AND host = ?", p.outcome(), p.error(), p.priorSha(), now.toEpochMilli(), name,
                        p.host());
            }
            touch(c, name, now);
            return null;
        });
    }

    /** One host's Puppet run (exit code, result label). */
    public record PuppetOutcome(String host, Integer exit, String label) {}

    public void recordPuppet(String name, List<PuppetOutcome> runs, Instant now) {
        store.inWriteTransaction(c -> {
            for (PuppetOutcome r : runs) {
                update(c, "UPDATE rollout_hosts SET puppet_exit = ?, puppet = ?, updated_ms = ? WHERE rollout = ? AND host = ?",
                        r.exit(), r.label(), now.toEpochMilli(), name, r.host());
            }
            touch(c, name, now);
            return null;
        });
    }

    public void recordGate(String name, int idx, GateResult gate, Instant now) {
        store.inWriteTransaction(c -> {
            update(c, "UPDATE rollout_stages SET gate = ? WHERE rollout = ? AND idx = ?", json(gate), name, idx);
            for (GateResult.HostGate h : gate.hosts()) {
                update(c, "UPDATE rollout_hosts SET gate = ?, gate_detail = ?, updated_ms = ? WHERE rollout = ? AND host = ?",
                        h.pass() ? "pass" : "fail", h.detail(), now.toEpochMilli(), name, h.host());
            }
            touch(c, name, now);
            return null;
        });
    }

    /** Stage {@code idx} advanced (by whom, forced or not, why); the rollout moves to {@code next}. */
    public void advanced(String name, int idx, int next, String actor, boolean forced, String reason, Instant now) {
        store.inWriteTransaction(c -> {
            update(c, "UPDATE rollout_stages SET state = ?, advanced_by = ?, advanced_ms = ?, forced = ?, reason = ?"
                    + " WHERE rollout = ? AND idx = ?", StageState.ADVANCED.name(), actor, now.toEpochMilli(), forced ? 1 : 0,
                    reason, name, idx);
            update(c, "UPDATE rollouts SET current_stage = ?, updated_ms = ? WHERE name = ?", next, now.toEpochMilli(), name);
            return null;
        });
    }

    public void rolloutState(String name, RolloutState state, Instant now) {
        store.inWriteTransaction(c -> {
            update(c, "UPDATE rollouts SET state = ?, updated_ms = ? WHERE name = ?", state.label(), now.toEpochMilli(), name);
            return null;
        });
    }

    /** Marks every stage not yet rolled back as {@code state}. */
    public void allStages(String name, StageState state, Instant now) {
        store.inWriteTransaction(c -> {
            update(c, "UPDATE rollout_stages SET state = ? WHERE rollout = ?", state.name(), name);
            touch(c, name, now);
            return null;
        });
    }

    public void event(String name, String actor, String event, String detail, Instant now) {
        store.inWriteTransaction(c -> {
            event(c, name, now, actor, event, detail);
            return null;
        });
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private static void touch(Connection c, String name, Instant now) throws SQLException {
        update(c, "UPDATE rollouts SET updated_ms = ? WHERE name = ?", now.toEpochMilli(), name);
    }

    private static void event(Connection c, String name, Instant now, String actor, String event, String detail)
            throws SQLException {
        update(c, "INSERT INTO rollout_events (rollout, ts_ms, actor, event, detail) VALUES (?, ?, ?, ?, ?)", name,
                now.toEpochMilli(), actor, event, detail);
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                q.setObject(i + 1, args[i]);
            }
            return q.executeUpdate();
        }
    }

    private static Instant instant(ResultSet rs, int col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T parse(String text, Class<T> type) {
        try {
            return JSON.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new StoreException("unreadable rollout data in the store: " + e.getOriginalMessage(), e);
        }
    }

    private static <T> T parse(String text, TypeReference<T> type) {
        try {
            return JSON.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new StoreException("unreadable rollout data in the store: " + e.getOriginalMessage(), e);
        }
    }

    private static String machine() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }
}
