package dev.fleetroll.store;

import dev.fleetroll.UserError;
import dev.fleetroll.store.SqliteStore.Migration;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Applies {@link SqliteStore#MIGRATIONS} with Flyway, on either database: each {@link Migration} becomes one Flyway
 * {@link JavaMigration} (so one list is the schema of both), its statements passed through {@link Dialect#schema}.
 * Flyway keeps its history in {@code flyway_schema_history}; each step also records its version where
 * {@link JdbcStore#schemaVersion()} reads it without Flyway ({@code PRAGMA user_version} on SQLite).
 *
 * <p>A SQLite store made by an older fleetroll (schema steps applied by its own migrator, {@code user_version} N, no
 * Flyway history) is baselined at N: Flyway records N as done and applies only the newer steps. All pending steps run
 * in one transaction, so a failure leaves the store as it was.
 *
 * <p>Only loaded when the store is behind: the up-to-date check is {@link JdbcStore#migrate}'s.
 */
final class FlywayMigrations {
    static final String HISTORY_TABLE = "flyway_schema_history";

    private FlywayMigrations() {}

    static void apply(JdbcStore store, List<Migration> migrations, int current) {
        JavaMigration[] steps = migrations.stream().sorted(Comparator.comparingInt(Migration::version))
                .map(m -> new Step(store, m)).toArray(JavaMigration[]::new);
        try {
            Flyway.configure(FlywayMigrations.class.getClassLoader())
                    .dataSource(store.dataSource())
                    .table(HISTORY_TABLE)
                    .locations(new String[0])
                    .javaMigrations(steps)
                    .baselineOnMigrate(current > 0)
                    .baselineVersion(Integer.toString(Math.max(1, current)))
                    .baselineDescription("schema made by the fleetroll migrator before Flyway")
                    .group(true)
                    .cleanDisabled(true)
                    .loggers("slf4j")
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new UserError("cannot migrate the schema of the store " + store.label() + ": " + reason(e), e);
        }
    }

    /** The database's own complaint when there is one (Flyway's message is a multi-line report). */
    private static String reason(Throwable e) {
        String found = null;
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof java.sql.SQLException) {
                found = t.getMessage();
            }
        }
        return oneLine(found != null ? found : e.getMessage());
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }

    /** One fleetroll schema step as a Flyway migration. */
    private record Step(JdbcStore store, Migration migration) implements JavaMigration {
        @Override
        public MigrationVersion getVersion() {
            return MigrationVersion.fromVersion(Integer.toString(migration.version()));
        }

        @Override
        public String getDescription() {
            return migration.description();
        }

        /** Over the statements as written (not as translated), so both databases record the same checksum. */
        @Override
        public Integer getChecksum() {
            CRC32 crc = new CRC32();
            migration.statements().forEach(s -> crc.update(s.getBytes(StandardCharsets.UTF_8)));
            return (int) crc.getValue();
        }

        @Override
        public boolean canExecuteInTransaction() {
            return true;
        }

        @Override
        public void migrate(Context context) throws Exception {
            Connection c = context.getConnection();
            try (Statement s = c.createStatement()) {
                for (String sql : migration.statements()) {
                    String translated = store.dialect().schema(sql);
                    if (translated != null) {
                        s.execute(translated);
                    }
                }
            }
            store.markSchemaVersion(c, migration.version());
        }
    }
}
