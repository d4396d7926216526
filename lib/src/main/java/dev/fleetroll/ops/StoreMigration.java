package dev.fleetroll.ops;

import dev.fleetroll.UserError;
import dev.fleetroll.auditlog.AuditLog;
import dev.fleetroll.auditlog.AuditRecord;
import dev.fleetroll.config.FleetrollConfig;
import dev.fleetroll.config.FleetrollHome;
import dev.fleetroll.store.PostgresStore;
import dev.fleetroll.store.PostgresUrl;
import dev.fleetroll.store.SqliteStore;
import dev.fleetroll.store.StoreCopy;
import dev.fleetroll.store.Stores;
import java.nio.file.Files;
import java.util.Map;

/**
 * {@code fleetroll store migrate --to URL}: copies {@code $FLEETROLL_HOME}'s SQLite store into an empty PostgreSQL
 * database ({@link StoreCopy}: every table, one transaction; the target's schema is made first). The SQLite store is
 * left as it was. Recorded in the audit log (target without password, rows per table), failures too.
 */
public final class StoreMigration {
    private StoreMigration() {}

    /** What was copied where. */
    public record Report(String from, String to, StoreCopy.Result copied) {}

    public static Report toPostgres(FleetrollHome home, FleetrollConfig.Store config, String url, Map<String, String> env,
                                    AuditLog auditLog) {
        if (url == null || url.isBlank()) {
            throw new UserError("store migrate needs --to postgres://USER@HOST:PORT/DATABASE");
        }
        PostgresUrl target = Stores.postgresUrl(url.strip(), config == null ? null : config.passwordFile(), home, env);
        if (!Files.isRegularFile(home.database())) {
            throw new UserError("there is no SQLite store to migrate at " + home.database() + " (set FLEETROLL_HOME to the"
                    + " home whose store you mean)");
        }
        auditLog.checkWritable();
        AuditRecord.Builder r = AuditRecord.builder("fleetroll.store.migrate")
                .parameter("from", home.database().toString()).parameter("to", target.redacted());
        try (SqliteStore from = SqliteStore.open(home, config);
             PostgresStore to = PostgresStore.open(target, config == null ? 10 : config.retention())) {
            StoreCopy.Result copied = StoreCopy.copy(from, to);
            r.observed("rows", copied.rows()).observed("total_rows", copied.total()).ok(true).outcome("changed");
            return new Report(from.label(), to.label(), copied);
        } catch (RuntimeException e) {
            r.ok(false).outcome("failed").observed("error", e.getMessage());
            throw e;
        } finally {
            auditLog.append(r.build());
        }
    }
}
