package dev.fleetroll.store;

import dev.fleetroll.UserError;
import dev.fleetroll.config.FleetrollConfig;
import dev.fleetroll.config.FleetrollHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Opens the store the configuration names: SQLite in {@code $FLEETROLL_HOME} unless {@code store.url} says otherwise. */
public final class Stores {
    static final String ENV_PASSWORD = "PGPASSWORD";

    private Stores() {}

    public static JdbcStore open(FleetrollHome home, FleetrollConfig.Store config) {
        return open(home, config, System.getenv());
    }

    static JdbcStore open(FleetrollHome home, FleetrollConfig.Store config, Map<String, String> env) {
        if (config == null || config.url() == null) {
            return SqliteStore.open(home, config);
        }
        return PostgresStore.open(postgresUrl(config.url(), config.passwordFile(), home, env), config.retention());
    }

    /**
     * {@code url} parsed, with its password: from {@code passwordFile} (relative to {@code $FLEETROLL_HOME}; its first
     * line), else {@code $PGPASSWORD}, else none (the driver then tries {@code ~/.pgpass}). Errors never quote the file.
     */
    public static PostgresUrl postgresUrl(String url, String passwordFile, FleetrollHome home, Map<String, String> env) {
        PostgresUrl parsed = PostgresUrl.parse(url);
        if (passwordFile != null) {
            Path file = home.dir().resolve(passwordFile);
            try {
                String first = Files.readAllLines(file).stream().findFirst().orElse("").strip();
                if (first.isEmpty()) {
                    throw new UserError("store.password_file " + file + " is empty; put the store's password on its first line");
                }
                return parsed.withPassword(first);
            } catch (IOException e) {
                throw new UserError("cannot read store.password_file " + file + " (" + e.getClass().getSimpleName()
                        + "); fix the path or its permissions");
            }
        }
        String fromEnv = env.get(ENV_PASSWORD);
        return parsed.withPassword(fromEnv == null || fromEnv.isEmpty() ? null : fromEnv);
    }
}
