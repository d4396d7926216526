package dev.fleetroll.ops;

import dev.fleetroll.UserError;
import dev.fleetroll.auditlog.AuditLog;
import dev.fleetroll.auditlog.AuditRecord;
import dev.fleetroll.inventory.Fact;
import dev.fleetroll.inventory.HostNames;
import dev.fleetroll.inventory.InventoryEntry;
import dev.fleetroll.inventory.InventoryFile;
import dev.fleetroll.inventory.InventoryHost;
import dev.fleetroll.inventory.InventoryStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The inventory's writes ({@code fleetroll inventory import|add|remove|disable|enable}): validated first, one store
 * transaction each, idempotent (importing a file twice, or disabling a disabled host, changes nothing and the audit log
 * says {@code unchanged}), and recorded in the audit log with actor and reason ({@code inventory.import},
 * {@code inventory.add}, {@code inventory.remove}, {@code inventory.disable}, {@code inventory.enable}) — the audit
 * log is the inventory's history. The audit log is checked writable before the store is touched.
 */
public final class HostsOfRecord {
    private final InventoryStore store;
    private final AuditLog auditLog;
    private final Clock clock;

    public HostsOfRecord(InventoryStore store, AuditLog auditLog, Clock clock) {
        this.store = store;
        this.auditLog = auditLog;
        this.clock = clock;
    }

    /** What an import or add did: hosts added, updated (facts changed) and unchanged. */
    public record Result(List<String> added, List<String> updated, List<String> unchanged) {
        public Result {
            added = List.copyOf(added);
            updated = List.copyOf(updated);
            unchanged = List.copyOf(unchanged);
        }

        public String summary() {
            return added.size() + " added, " + updated.size() + " updated, " + unchanged.size() + " unchanged";
        }
    }

    /** Every host of record, naturally sorted. */
    public List<InventoryHost> list() {
        return store.all();
    }

    /**
     * Imports host list or CSV files ({@link InventoryFile}) in one transaction: every file is parsed first, so a bad
     * line anywhere is an error naming {@code FILE:LINE} and nothing is imported.
     */
    public Result importFiles(List<Path> files) {
        if (files.isEmpty()) {
            throw new UserError("inventory import: name at least one host list or CSV file");
        }
        List<InventoryEntry> entries = InventoryFile.read(files);
        if (entries.isEmpty()) {
            throw new UserError("inventory import: no hosts in " + files.stream().map(Path::toString).toList());
        }
        auditLog.checkWritable();
        Instant now = clock.instant();
        Result r = result(store.apply(entries, auditLog.actor(), now, "import:", false, h -> {}));
        auditLog.append(AuditRecord.builder("inventory.import").ts(now).hosts(changedHosts(r)).ok(true)
                .outcome(r.added().isEmpty() && r.updated().isEmpty() ? "unchanged" : "changed")
                .parameter("files", files.stream().map(p -> p.toAbsolutePath().toString()).toList())
                .observed("added", r.added().size()).observed("updated", r.updated().size())
                .observed("unchanged", r.unchanged().size()).build());
        return r;
    }

    /**
     * Adds one host with {@code facts} (keys of {@link Fact}); a host already in the inventory is an error (use
     * {@link #set} to change facts).
     */
    public Result add(String host, Map<String, String> facts) {
        InventoryEntry e = entry(host, facts);
        auditLog.checkWritable();
        Instant now = clock.instant();
        Result r = result(store.apply(List.of(e), auditLog.actor(), now, "", true, had -> {
            throw new UserError("host " + had.host() + " is already in the inventory" + (had.enabled() ? "" : " (disabled)")
                    + "; change its facts with fleetroll inventory set " + had.host() + " KEY=VALUE");
        }));
        auditLog.append(AuditRecord.builder("inventory.add").ts(now).host(e.host()).ok(true).outcome("changed")
                .parameters(keyed(e.facts())).build());
        return r;
    }

    /** Sets facts of a host of record (idempotent); an unknown host is an error naming the nearest known one. */
    public Result set(String host, Map<String, String> facts) {
        InventoryEntry e = entry(host, facts);
        if (e.facts().isEmpty()) {
            throw new UserError("inventory set " + e.host() + ": give at least one KEY=VALUE (keys: "
                    + String.join(", ", Fact.keys()) + ")");
        }
        require(e.host());
        auditLog.checkWritable();
        Instant now = clock.instant();
        Result r = result(store.apply(List.of(e), auditLog.actor(), now, "", false, h -> {}));
        auditLog.append(AuditRecord.builder("inventory.set").ts(now).host(e.host()).ok(true)
                .outcome(r.updated().isEmpty() ? "unchanged" : "changed").parameters(keyed(e.facts())).build());
        return r;
    }

    /** Removes a host of record; removing one that is not there changes nothing. Returns whether it was there. */
    public boolean remove(String host, String reason) {
        String h = name(host);
        String why = Notes.checkText(reason, "reason");
        auditLog.checkWritable();
        Instant now = clock.instant();
        Optional<InventoryHost> had = store.remove(h);
        AuditRecord.Builder r = AuditRecord.builder("inventory.remove").ts(now).host(h).ok(true).reason(why)
                .outcome(had.isPresent() ? "changed" : "unchanged");
        had.ifPresent(x -> r.observed("facts", keyed(plain(x))).observed("enabled", x.enabled()));
        auditLog.append(r.build());
        return had.isPresent();
    }

    /** Disables a host of record ({@code reason} required); disabling a disabled host keeps its first reason. */
    public boolean disable(String host, String reason) {
        String h = name(host);
        if (reason == null || reason.isBlank()) {
            throw new UserError("inventory disable " + h + ": give a --reason (why it is out of service, e.g. 'disk failing, RELOPS-123')");
        }
        return setEnabled(h, false, Notes.checkText(reason, "reason"));
    }

    /** Enables a host of record; enabling an enabled host changes nothing. */
    public boolean enable(String host, String reason) {
        String h = name(host);
        return setEnabled(h, true, reason == null || reason.isBlank() ? null : Notes.checkText(reason, "reason"));
    }

    private boolean setEnabled(String h, boolean enabled, String why) {
        require(h);
        auditLog.checkWritable();
        Instant now = clock.instant();
        InventoryHost had = store.setEnabled(h, enabled, why, auditLog.actor(), now).orElseThrow(() -> unknown(h));
        boolean changed = had.enabled() != enabled;
        AuditRecord.Builder r = AuditRecord.builder(enabled ? "inventory.enable" : "inventory.disable").ts(now).host(h)
                .ok(true).reason(why).outcome(changed ? "changed" : "unchanged");
        if (!changed && !enabled) {
            r.observed("disabled_reason", had.disabledReason()).observed("disabled_by", had.disabledBy());
        }
        auditLog.append(r.build());
        return changed;
    }

    private InventoryHost require(String h) {
        return store.get(h).orElseThrow(() -> unknown(h));
    }

    private UserError unknown(String h) {
        String near = dev.fleetroll.util.EditDistance.closest(h, store.all().stream().map(InventoryHost::host).toList());
        return new UserError("host " + h + " is not in the inventory" + (near == null ? "" : " (did you mean " + near + "?)")
                + "; add it with fleetroll inventory add " + h);
    }

    private static InventoryEntry entry(String host, Map<String, String> facts) {
        String h = name(host);
        Map<Fact, String> typed = new LinkedHashMap<>();
        facts.forEach((k, v) -> {
            Fact f = Fact.of(k);
            typed.put(f, f.check(v));
        });
        return new InventoryEntry(h, typed, "command");
    }

    private static String name(String host) {
        String h = host == null ? "" : host.strip().toLowerCase(Locale.ROOT);
        String problem = HostNames.problem(h);
        if (h.isEmpty() || problem != null) {
            throw new UserError("bad host name '" + host + "'" + (problem == null ? "" : ": " + problem));
        }
        return h;
    }

    private static Result result(Map<String, InventoryStore.Change> changes) {
        List<String> added = new ArrayList<>();
        List<String> updated = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        changes.forEach((h, c) -> (switch (c) {
            case ADDED -> added;
            case UPDATED -> updated;
            case UNCHANGED -> unchanged;
        }).add(h));
        return new Result(added, updated, unchanged);
    }

    private static List<String> changedHosts(Result r) {
        List<String> out = new ArrayList<>(r.added());
        out.addAll(r.updated());
        return out;
    }

    private static Map<Fact, String> plain(InventoryHost h) {
        Map<Fact, String> out = new LinkedHashMap<>();
        h.facts().forEach((k, v) -> out.put(k, v.value()));
        return out;
    }

    private static Map<String, String> keyed(Map<Fact, String> facts) {
        Map<String, String> out = new LinkedHashMap<>();
        facts.forEach((k, v) -> out.put(k.key(), v));
        return out;
    }
}
