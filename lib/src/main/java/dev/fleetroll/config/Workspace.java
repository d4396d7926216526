package dev.fleetroll.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where fleetroll runs: the operator's home directory, the project checkout (host lists, filters, overrides,
 * scripts), the merged configuration and the environment it was started with.
 *
 * @param projectDir the checkout holding {@code configs/} and {@code scripts/}; may be {@code null}
 */
public record Workspace(FleetrollHome home, Path projectDir, FleetrollConfig config, Map<String, String> env) {

    public static final String PROJECT_ENV = "FLEETROLL_PROJECT";

    public Workspace {
        env = Map.copyOf(env);
    }

    /**
     * Resolves home and project from the environment ({@code FLEETROLL_HOME}, {@code FLEETROLL_PROJECT}, else the
     * current directory when it has a {@code configs/} directory) and loads the configuration.
     */
    public static Workspace fromEnvironment(Map<String, String> env) {
        FleetrollHome home = FleetrollHome.fromEnvironment(env);
        Path project = projectDir(env);
        return new Workspace(home, project, ConfigLoader.load(home, project), env);
    }

    /** A workspace for tests and embedding: explicit home and project, configuration loaded from them. */
    public static Workspace of(FleetrollHome home, Path projectDir, Map<String, String> env) {
        return new Workspace(home, projectDir, ConfigLoader.load(home, projectDir), env);
    }

    /** Reloads the configuration (after the sandbox wrote a drop-in, for example). */
    public Workspace reload() {
        return of(home, projectDir, env);
    }

    static Path projectDir(Map<String, String> env) {
        String p = env.get(PROJECT_ENV);
        if (p != null && !p.isBlank()) {
            return Path.of(p).toAbsolutePath().normalize();
        }
        Path cwd = Path.of("").toAbsolutePath();
        return Files.isDirectory(cwd.resolve("configs")) ? cwd : null;
    }

    /** Expands a leading {@code ~} against this workspace's {@code HOME}. */
    public Path path(String configured) {
        return Path.of(FleetrollHome.expandTilde(configured, env));
    }
}
