package dev.fleetroll.config;

import dev.fleetroll.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * The operator's state directory ({@code $FLEETROLL_HOME}, default {@code ~/.fleetroll}): store, audit log,
 * content stores, history, personal configuration and host lists.
 *
 * <p>Everything that reads or writes state takes a {@code FleetrollHome}; nothing reads the environment
 * directly, so tests run against a temporary home.
 */
public record FleetrollHome(Path dir) {

    public static final String ENV = "FLEETROLL_HOME";

    public FleetrollHome {
        dir = dir.toAbsolutePath().normalize();
    }

    /** {@code $FLEETROLL_HOME}, else {@code ~/.fleetroll}. */
    public static FleetrollHome fromEnvironment(Map<String, String> env) {
        String value = env.get(ENV);
        if (value != null && !value.isBlank()) {
            return new FleetrollHome(Path.of(expandTilde(value, env)));
        }
        String userHome = env.getOrDefault("HOME", System.getProperty("user.home"));
        return new FleetrollHome(Path.of(userHome, ".fleetroll"));
    }

    /** Creates the directory (mode 0700) if missing and returns this home. */
    public FleetrollHome ensureExists() {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                try {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                } catch (UnsupportedOperationException ignored) {
                    // non-POSIX file system: nothing more to do
                }
            }
        } catch (IOException e) {
            throw new UserError("cannot create FLEETROLL_HOME " + dir + ": " + e.getMessage()
                    + " (set FLEETROLL_HOME to a writable directory)", e);
        }
        return this;
    }

    public Path database() {
        return dir.resolve("fleetroll.db");
    }

    public Path auditLog() {
        return dir.resolve("audit.jsonl");
    }

    public Path overrides() {
        return dir.resolve("overrides");
    }

    public Path vaultYamls() {
        return dir.resolve("vault_yamls");
    }

    public Path hostLists() {
        return dir.resolve("host-lists");
    }

    /** The operator's own configuration file. */
    public Path configFile() {
        return dir.resolve("config.yaml");
    }

    /** Drop-in configuration fragments merged after {@link #configFile()}, in name order (the sandbox writes one). */
    public Path configDropIns() {
        return dir.resolve("config.d");
    }

    public Path history() {
        return dir.resolve("history");
    }

    public Path logs() {
        return dir.resolve("logs");
    }

    public Path sandbox() {
        return dir.resolve("sandbox");
    }

    static String expandTilde(String path, Map<String, String> env) {
        if (path.equals("~") || path.startsWith("~/")) {
            String userHome = env.getOrDefault("HOME", System.getProperty("user.home"));
            return userHome + path.substring(1);
        }
        return path;
    }
}
