package dev.fleetroll.console.cli;

import dev.fleetroll.config.Workspace;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a command runs with: its streams, environment, whether stdout/stderr are terminals, and the workspace
 * (home, project, configuration), loaded on first use so {@code --help} and {@code --version} stay fast.
 */
public final class CliContext {
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final boolean stdinTty;
    private final boolean stdoutTty;
    private final boolean stderrTty;
    private final boolean debug;
    private final Supplier<Workspace> workspaceLoader;
    private Workspace workspace;

    public CliContext(InputStream in, PrintStream out, PrintStream err, Map<String, String> env,
                      boolean stdinTty, boolean stdoutTty, boolean stderrTty, boolean debug,
                      Supplier<Workspace> workspaceLoader) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.env = Map.copyOf(env);
        this.stdinTty = stdinTty;
        this.stdoutTty = stdoutTty;
        this.stderrTty = stderrTty;
        this.debug = debug;
        this.workspaceLoader = workspaceLoader;
    }

    public InputStream in() {
        return in;
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    public Map<String, String> env() {
        return env;
    }

    public boolean stdinIsTerminal() {
        return stdinTty;
    }

    public boolean stdoutIsTerminal() {
        return stdoutTty;
    }

    /** Progress lines and other animation go to stderr only when it is a terminal. */
    public boolean stderrIsTerminal() {
        return stderrTty;
    }

    /** Colour only on a terminal, and never when {@code NO_COLOR} is set. */
    public boolean colour() {
        return stdoutTty && !env.containsKey("NO_COLOR") && !"dumb".equals(env.get("TERM"));
    }

    public boolean debug() {
        return debug;
    }

    public synchronized Workspace workspace() {
        if (workspace == null) {
            workspace = workspaceLoader.get();
            workspace.home().ensureExists();
        }
        return workspace;
    }

    /** Drops the cached workspace so the next call reloads configuration (after the sandbox changed it). */
    public synchronized void reloadWorkspace() {
        workspace = null;
    }
}
