package dev.fleetroll.ops;

import dev.fleetroll.auditlog.AuditLog;
import dev.fleetroll.auditlog.AuditRecord;
import dev.fleetroll.config.FleetrollConfig;
import dev.fleetroll.config.FleetrollHome;
import dev.fleetroll.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * {@code fleetroll maintain}: keeps {@code $FLEETROLL_HOME} small. Observations older than {@code store.keep_days}
 * are pruned (each host keeps its newest observation, its newest successful one and the first failure after that);
 * the store's write-ahead log is folded in and the database vacuumed; {@code audit.jsonl} is rotated once it reaches
 * {@code maintain.large_mb} (or always with force), keeping the hash chain verifiable across files. Notes are kept.
 * Without {@code confirm} it only reports what it would do.
 */
public final class Maintenance {
    private final Store store;
    private final AuditLog auditLog;
    private final FleetrollConfig.Store storeConfig;
    private final FleetrollConfig.Maintain config;
    private final FleetrollHome home;
    private final Clock clock;

    public Maintenance(Store store, AuditLog auditLog, FleetrollHome home, FleetrollConfig.Store storeConfig,
                       FleetrollConfig.Maintain config, Clock clock) {
        this.store = store;
        this.auditLog = auditLog;
        this.storeConfig = storeConfig;
        this.config = config;
        this.home = home;
        this.clock = clock;
    }

    /**
     * The sizes the monitor header and {@code maintain} show, in bytes (no store needed: three file sizes).
     *
     * @param auditLog the current {@code audit.jsonl} (what rotation looks at)
     * @param database {@code fleetroll.db} plus its write-ahead log
     * @param largeBytes {@code maintain.large_mb} in bytes
     */
    public record Sizes(long auditLog, long database, long largeBytes) {
        /** True when the audit log or the store has reached the size at which {@code fleetroll maintain} is due. */
        public boolean large() {
            return auditLog >= largeBytes || database >= largeBytes;
        }

        /** {@code Large logs: audit: 120M, db: 4M (run 'fleetroll maintain')}, or null when neither is large. */
        public String warning() {
            return large() ? "Large logs: audit: " + human(auditLog) + ", db: " + human(database) + " (run 'fleetroll maintain')"
                    : null;
        }
    }

    /** The sizes of {@code home}'s audit log and store. */
    public static Sizes sizes(FleetrollHome home, FleetrollConfig.Maintain config) {
        Path db = home.database();
        return new Sizes(size(home.auditLog()), size(db) + size(db.resolveSibling(db.getFileName() + "-wal")), config.largeBytes());
    }

    /**
     * What maintain did, or would do.
     *
     * @param cutoff observations older than this are pruned; null when {@code store.keep_days} is 0
     * @param pruned observations deleted (or that would be)
     * @param compaction the database and write-ahead log sizes before and after; null in a dry run
     * @param rotation what happened to the audit log; in a dry run whether it would rotate
     */
    public record Report(boolean confirmed, Sizes before, Instant cutoff, int pruned, Store.Compaction compaction,
                         AuditLog.Rotation rotation, boolean wouldRotate) {}

    public Report run(boolean confirm, boolean forceRotate) {
        Sizes before = sizes(home, config);
        Instant now = clock.instant();
        Instant cutoff = storeConfig.keepDays() == 0 ? null : now.minus(Duration.ofDays(storeConfig.keepDays()));
        long logBytes = auditLog.size();
        boolean wouldRotate = logBytes > 0 && (forceRotate || logBytes >= config.largeBytes());
        if (!confirm) {
            int pruned = cutoff == null ? 0 : store.pruneObservations(cutoff, true);
            return new Report(false, before, cutoff, pruned, null, null, wouldRotate);
        }
        auditLog.checkWritable();
        int pruned = cutoff == null ? 0 : store.pruneObservations(cutoff, false);
        AuditRecord.Builder r = AuditRecord.builder("fleetroll.maintain").forced(forceRotate)
                .parameter("keep_days", storeConfig.keepDays()).parameter("large_mb", config.largeMb())
                .observed("observations_pruned", pruned);
        // rotate before compacting (a busy store must not stop the log from rotating), and record what was done
        // even when a step fails: pruned rows are gone either way
        AuditLog.Rotation rotation = null;
        Store.Compaction compaction = null;
        try {
            rotation = auditLog.rotate(config.largeBytes(), forceRotate);
            r.observed("audit_log_rotated", rotation.rotated());
            if (rotation.rotated()) {
                r.observed("rotated_to", rotation.rotatedTo().getFileName().toString())
                        .observed("rotated_bytes", rotation.bytes());
            }
            compaction = store.compact();
            r.observed("db_bytes_before", compaction.before()).observed("db_bytes_after", compaction.after());
            r.ok(true).outcome("changed");
        } catch (RuntimeException e) {
            r.ok(false).outcome("failed").observed("error", e.getMessage());
            throw e;
        } finally {
            auditLog.append(r.build());
        }
        return new Report(true, before, cutoff, pruned, compaction, rotation, rotation.rotated());
    }

    private static long size(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** {@code 512B}, {@code 4.2K}, {@code 120M}, {@code 1.5G}: binary units as {@code ls -h} prints them. */
    public static String human(long bytes) {
        String[] units = {"B", "K", "M", "G", "T"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + "B" : v < 10 ? String.format(Locale.ROOT, "%.1f%s", v, units[u])
                : String.format(Locale.ROOT, "%.0f%s", v, units[u]);
    }
}
