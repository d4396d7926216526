package dev.fleetroll.reboot;

import dev.fleetroll.UserError;
import dev.fleetroll.auditlog.AuditLog;
import dev.fleetroll.auditlog.AuditRecord;
import dev.fleetroll.ops.Fleet;
import dev.fleetroll.store.JdbcStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The reboot slots in the store (schema version 5, table {@code reboot_slots}): a counting semaphore per group, one
 * row per held slot, shared by every console, script and the FleetLock server on the store. Each call is one write
 * transaction ({@code BEGIN IMMEDIATE} on SQLite), so two processes asking for the last slot of a group cannot both
 * get it; the primary key {@code (grp, slot)} and the unique holder make a lost race an error rather than a second
 * holder on any backend.
 *
 * <p>Taking a slot is idempotent per holder and owner: the same holder asking again with the same owner gets the same
 * slot; with another owner it is refused ({@link Acquisition.HeldByOther}), naming who holds it and since when. A slot
 * is given back by its owner, or by hand ({@link #releaseByHand}, audited); nothing expires it, so a host that never
 * came back keeps its slot until an operator has looked at it.
 */
public final class RebootSlots {
    /** The audit log's action for a release by hand. */
    public static final String AUDIT_RELEASE = "reboot.slot_release";

    private final JdbcStore store;

    public RebootSlots(JdbcStore store) {
        this.store = store;
    }

    /** The slots in {@code fleet}'s store. */
    public static RebootSlots of(Fleet fleet) {
        return of(fleet.store());
    }

    /** The slots in {@code store}. */
    public static RebootSlots of(dev.fleetroll.store.Store store) {
        if (!(store instanceof JdbcStore s)) {
            throw new UserError("reboot slots need the SQLite or PostgreSQL store");
        }
        return new RebootSlots(s);
    }

    /**
     * Takes a free slot of {@code group} (one of {@code slots}) for {@code holder}, or says why not.
     *
     * @param state {@link SlotHolder#REBOOTING} or {@link SlotHolder#FLEETLOCK}
     */
    public Acquisition acquire(String group, int slots, String holder, String owner, String actor, String reason,
                               String state, Instant now) {
        if (holder == null || holder.isBlank()) {
            throw new UserError("a reboot slot needs a holder (host name or client id)");
        }
        return store.inWriteTransaction(c -> {
            SlotHolder held = find(c, holder);
            if (held != null) {
                return held.owner().equals(owner) ? new Acquisition.Granted(held, true) : new Acquisition.HeldByOther(held);
            }
            List<SlotHolder> inGroup = group(c, group);
            if (inGroup.size() >= slots) {
                return new Acquisition.Full(group, slots, inGroup);
            }
            int free = 0;
            for (SlotHolder h : inGroup) { // ordered by slot
                if (h.slot() == free) {
                    free++;
                }
            }
            try (PreparedStatement q = c.prepareStatement("INSERT INTO reboot_slots (grp, slot, holder, owner, actor, reason,"
                    + " state, detail, acquired_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)")) {
                q.setString(1, group);
                q.setInt(2, free);
                q.setString(3, holder);
                q.setString(4, owner);
                q.setString(5, actor);
                q.setString(6, reason);
                q.setString(7, state);
                q.setLong(8, now.toEpochMilli());
                q.setLong(9, now.toEpochMilli());
                q.executeUpdate();
            }
            return new Acquisition.Granted(find(c, holder), false);
        });
    }

    /**
     * What giving a slot back did.
     *
     * @param was the slot the holder held (null: none)
     * @param released false when {@code was} belongs to another owner and was left alone
     */
    public record Release(SlotHolder was, boolean released) {}

    /** Gives {@code holder}'s slot back when {@code owner} holds it. */
    public Release release(String holder, String owner) {
        return store.inWriteTransaction(c -> {
            SlotHolder held = find(c, holder);
            if (held == null) {
                return new Release(null, false);
            }
            if (!held.owner().equals(owner)) {
                return new Release(held, false);
            }
            delete(c, holder);
            return new Release(held, true);
        });
    }

    /** Records what happened to a held slot's host ({@code state}, one line of {@code detail}); owner's slot only. */
    public void mark(String holder, String owner, String state, String detail, Instant now) {
        store.inWriteTransaction(c -> {
            try (PreparedStatement q = c.prepareStatement(
                    "UPDATE reboot_slots SET state = ?, detail = ?, updated_ms = ? WHERE holder = ? AND owner = ?")) {
                q.setString(1, state);
                q.setString(2, detail);
                q.setLong(3, now.toEpochMilli());
                q.setString(4, holder);
                q.setString(5, owner);
                return q.executeUpdate();
            }
        });
    }

    /**
     * An operator gives back {@code holder}'s slot whoever holds it (a host that never came back, a FleetLock client
     * that died), recorded in {@code auditLog} with {@code reason}.
     *
     * @throws UserError when no reason is given or the holder holds no slot (naming the holders)
     */
    public SlotHolder releaseByHand(String holder, String reason, AuditLog auditLog, Instant now) {
        String why = reason == null ? "" : reason.strip();
        if (why.isEmpty() || why.contains("\n")) {
            throw new UserError("releasing a reboot slot needs a one-line reason (--reason TEXT): it is what the audit"
                    + " log keeps of why the slot was freed");
        }
        auditLog.checkWritable();
        SlotHolder was = store.inWriteTransaction(c -> {
            SlotHolder held = find(c, holder);
            if (held != null) {
                delete(c, holder);
            }
            return held;
        });
        if (was == null) {
            List<String> holders = list().stream().map(SlotHolder::holder).toList();
            throw new UserError(holder + " holds no reboot slot" + (holders.isEmpty() ? " (none is held)"
                    : "; held by: " + String.join(", ", holders)) + "; see fleetroll reboot-slots list");
        }
        auditLog.append(AuditRecord.builder(AUDIT_RELEASE).host(holder).ok(true).outcome("released").reason(why)
                .parameter("group", was.group()).parameter("slot", was.slot())
                .observed(java.util.Map.of("held_by", was.actor(), "held_since", was.acquired().toString(),
                        "state", was.state(), "detail", was.detail() == null ? "" : was.detail()))
                .ts(now).build());
        return was;
    }

    /** Every held slot, by group and slot. */
    public List<SlotHolder> list() {
        return store.inReadTransaction(c -> rows(c, "SELECT " + COLUMNS + " FROM reboot_slots ORDER BY grp, slot", null));
    }

    /** The held slots of {@code group}, by slot. */
    public List<SlotHolder> held(String group) {
        return store.inReadTransaction(c -> group(c, group));
    }

    private static final String COLUMNS = "grp, slot, holder, owner, actor, reason, state, detail, acquired_ms, updated_ms";

    private static SlotHolder find(Connection c, String holder) throws SQLException {
        List<SlotHolder> r = rows(c, "SELECT " + COLUMNS + " FROM reboot_slots WHERE holder = ?", holder);
        return r.isEmpty() ? null : r.get(0);
    }

    private static List<SlotHolder> group(Connection c, String group) throws SQLException {
        return rows(c, "SELECT " + COLUMNS + " FROM reboot_slots WHERE grp = ? ORDER BY slot", group);
    }

    private static void delete(Connection c, String holder) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("DELETE FROM reboot_slots WHERE holder = ?")) {
            q.setString(1, holder);
            q.executeUpdate();
        }
    }

    private static List<SlotHolder> rows(Connection c, String sql, String arg) throws SQLException {
        List<SlotHolder> out = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement(sql)) {
            if (arg != null) {
                q.setString(1, arg);
            }
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(new SlotHolder(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), rs.getString(8), Instant.ofEpochMilli(rs.getLong(9)),
                            Instant.ofEpochMilli(rs.getLong(10))));
                }
            }
        }
        return out;
    }
}
