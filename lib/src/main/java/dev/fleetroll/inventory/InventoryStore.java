package dev.fleetroll.inventory;

import dev.fleetroll.util.NaturalOrder;
import dev.fleetroll.store.JdbcStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The hosts of record in the store (schema version 6: tables {@code inventory_hosts}, {@code inventory_facts},
 * {@code inventory_probes}). Each change is one transaction. SQL is portable (SQLite and PostgreSQL): upserts are
 * {@code INSERT ... ON CONFLICT ... DO UPDATE}. History is not kept here: every change is a line in the audit log
 * ({@code dev.fleetroll.ops.HostsOfRecord}).
 */
public final class InventoryStore {
    private final JdbcStore store;

    public InventoryStore(JdbcStore store) {
        this.store = store;
    }

    /** What {@link #apply} did to one host. */
    public enum Change { ADDED, UPDATED, UNCHANGED }

    /** Every host of record, in natural order, with its facts and latest probe. */
    public List<InventoryHost> all() {
        return store.inReadTransaction(c -> List.copyOf(read(c, null).values()));
    }

    /** The host of record called {@code host}. */
    public Optional<InventoryHost> get(String host) {
        return store.inReadTransaction(c -> Optional.ofNullable(read(c, host).get(host)));
    }

    /** The latest probe of every host ever probed (in the inventory or not). */
    public Map<String, ProbeResult> probes() {
        return store.inReadTransaction(c -> {
            Map<String, ProbeResult> out = new TreeMap<>(NaturalOrder.INSTANCE);
            try (PreparedStatement q = c.prepareStatement("SELECT host, ts_ms, resolves, reachable, sshable, sudoable, bmc, detail"
                    + " FROM inventory_probes"); ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), probe(rs));
                }
            }
            return out;
        });
    }

    /**
     * Adds or updates every entry in one transaction: a new host is added enabled; an existing one gets the facts
     * the entry gives (others stay). With {@code mustBeNew} an existing host is an error and nothing is written.
     *
     * @param onExisting called inside the transaction with a host that exists when {@code mustBeNew}; it throws
     * @return what happened to each host, in entry order
     */
    public Map<String, Change> apply(List<InventoryEntry> entries, String actor, Instant now, String sourcePrefix,
                                     boolean mustBeNew, java.util.function.Consumer<InventoryHost> onExisting) {
        return store.inWriteTransaction(c -> {
            Map<String, InventoryHost> before = read(c, null);
            Map<String, Change> out = new LinkedHashMap<>();
            for (InventoryEntry e : entries) {
                InventoryHost had = before.get(e.host());
                if (had != null && mustBeNew) {
                    onExisting.accept(had);
                }
                boolean changed = false;
                if (had == null) {
                    update(c, "INSERT INTO inventory_hosts (host, enabled, added_by, added_ms, updated_ms) VALUES (?, 1, ?, ?, ?)",
                            e.host(), actor, now.toEpochMilli(), now.toEpochMilli());
                    changed = true;
                }
                for (Map.Entry<Fact, String> f : e.facts().entrySet()) {
                    String old = had == null ? null : had.fact(f.getKey());
                    if (f.getValue().equals(old)) {
                        continue;
                    }
                    update(c, "INSERT INTO inventory_facts (host, fact, value, source, updated_ms) VALUES (?, ?, ?, ?, ?)"
                            + " ON CONFLICT (host, fact) DO UPDATE SET value = excluded.value, source = excluded.source,"
                            + " updated_ms = excluded.updated_ms", e.host(), f.getKey().key(), f.getValue(),
                            sourcePrefix + e.sourceOf(f.getKey()), now.toEpochMilli());
                    changed = true;
                }
                if (changed && had != null) {
                    update(c, "UPDATE inventory_hosts SET updated_ms = ? WHERE host = ?", now.toEpochMilli(), e.host());
                }
                out.put(e.host(), had == null ? Change.ADDED : changed ? Change.UPDATED : Change.UNCHANGED);
            }
            return out;
        });
    }

    /** Removes {@code host} with its facts and probe; returns what it was, or empty when it was not there. */
    public Optional<InventoryHost> remove(String host) {
        return store.inWriteTransaction(c -> {
            InventoryHost had = read(c, host).get(host);
            if (had != null) {
                update(c, "DELETE FROM inventory_facts WHERE host = ?", host);
                update(c, "DELETE FROM inventory_probes WHERE host = ?", host);
                update(c, "DELETE FROM inventory_hosts WHERE host = ?", host);
            }
            return Optional.ofNullable(had);
        });
    }

    /**
     * Enables or disables {@code host}; returns it as it was before, or empty when it is not in the inventory (nothing
     * written). Disabling a disabled host keeps the first reason.
     */
    public Optional<InventoryHost> setEnabled(String host, boolean enabled, String reason, String actor, Instant now) {
        return store.inWriteTransaction(c -> {
            InventoryHost had = read(c, host).get(host);
            if (had == null || had.enabled() == enabled) {
                return Optional.ofNullable(had);
            }
            if (enabled) {
                update(c, "UPDATE inventory_hosts SET enabled = 1, disabled_reason = NULL, disabled_by = NULL,"
                        + " disabled_ms = NULL, updated_ms = ? WHERE host = ?", now.toEpochMilli(), host);
            } else {
                update(c, "UPDATE inventory_hosts SET enabled = 0, disabled_reason = ?, disabled_by = ?, disabled_ms = ?,"
                        + " updated_ms = ? WHERE host = ?", reason, actor, now.toEpochMilli(), now.toEpochMilli(), host);
            }
            return Optional.of(had);
        });
    }

    /** Saves the probe results (replacing each host's previous one) in one transaction. */
    public void saveProbes(List<ProbeResult> results) {
        store.inWriteTransaction(c -> {
            for (ProbeResult p : results) {
                update(c, "INSERT INTO inventory_probes (host, ts_ms, resolves, reachable, sshable, sudoable, bmc, detail)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (host) DO UPDATE SET ts_ms = excluded.ts_ms,"
                        + " resolves = excluded.resolves, reachable = excluded.reachable, sshable = excluded.sshable,"
                        + " sudoable = excluded.sudoable, bmc = excluded.bmc, detail = excluded.detail",
                        p.host(), p.at().toEpochMilli(), bit(p.resolves()), bit(p.reachable()), bit(p.sshable()),
                        bit(p.sudoable()), bit(p.bmc()), p.detail());
            }
            return null;
        });
    }

    private static Integer bit(Boolean b) {
        return b == null ? null : b ? 1 : 0;
    }

    private static Map<String, InventoryHost> read(Connection c, String only) throws SQLException {
        String where = only == null ? "" : " WHERE host = ?";
        Map<String, Map<Fact, InventoryHost.Sourced>> facts = new LinkedHashMap<>();
        try (PreparedStatement q = c.prepareStatement("SELECT host, fact, value, source FROM inventory_facts" + where)) {
            if (only != null) {
                q.setString(1, only);
            }
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    Fact f;
                    try {
                        f = Fact.of(rs.getString(2));
                    } catch (RuntimeException unknown) {
                        continue; // a fact a newer fleetroll knows
                    }
                    facts.computeIfAbsent(rs.getString(1), k -> new EnumMap<>(Fact.class))
                            .put(f, new InventoryHost.Sourced(rs.getString(3), rs.getString(4)));
                }
            }
        }
        Map<String, ProbeResult> probes = new LinkedHashMap<>();
        try (PreparedStatement q = c.prepareStatement("SELECT host, ts_ms, resolves, reachable, sshable, sudoable, bmc, detail"
                + " FROM inventory_probes" + where)) {
            if (only != null) {
                q.setString(1, only);
            }
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    probes.put(rs.getString(1), probe(rs));
                }
            }
        }
        Map<String, InventoryHost> out = new TreeMap<>(NaturalOrder.INSTANCE);
        try (PreparedStatement q = c.prepareStatement("SELECT host, enabled, disabled_reason, disabled_by, disabled_ms,"
                + " added_by, added_ms FROM inventory_hosts" + where)) {
            if (only != null) {
                q.setString(1, only);
            }
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    String h = rs.getString(1);
                    long dis = rs.getLong(5);
                    Instant disabledAt = rs.wasNull() ? null : Instant.ofEpochMilli(dis);
                    out.put(h, new InventoryHost(h, rs.getInt(2) != 0, rs.getString(3), rs.getString(4), disabledAt,
                            facts.getOrDefault(h, Map.of()), rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)),
                            probes.get(h)));
                }
            }
        }
        return out;
    }

    private static ProbeResult probe(ResultSet rs) throws SQLException {
        return new ProbeResult(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), flag(rs, 3), flag(rs, 4), flag(rs, 5),
                flag(rs, 6), flag(rs, 7), rs.getString(8));
    }

    private static Boolean flag(ResultSet rs, int col) throws SQLException {
        int v = rs.getInt(col);
        return rs.wasNull() ? null : v != 0;
    }

    private static void update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                p.setObject(i + 1, args[i]);
            }
            p.executeUpdate();
        }
    }
}
