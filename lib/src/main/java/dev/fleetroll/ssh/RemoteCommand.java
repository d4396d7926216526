package dev.fleetroll.ssh;

import java.time.Duration;
import java.util.Objects;

/**
 * A command for one host: POSIX {@code sh} text, optional bytes for its stdin, whether it needs root, an optional
 * per-command timeout (null = the configured command timeout), and whether it may run in the connection's resident
 * shell.
 *
 * <p>When {@code asRoot} is set and the login user is not root, the executor runs the script through
 * {@code sudo -n sh -c '...'} (quoted); the script itself never contains {@code sudo}.
 *
 * <p>{@code resident} asks the executor to run the script in a long-lived {@code sh -s} on the pooled connection
 * (one per connection and root-ness) instead of a new session channel, which saves the host a session, a login shell
 * and an {@code sh} per command. The script then runs in a subshell with stdin from {@code /dev/null}; {@code $$} is
 * the resident shell's PID and {@code $FLEETROLL_RESIDENT} a random id of that shell. A command with stdin bytes, or
 * one that finds the shell busy, runs on its own channel as usual. See docs/ssh-engine.md.
 */
public record RemoteCommand(String script, byte[] stdin, boolean asRoot, Duration timeout, boolean resident) {
    public RemoteCommand {
        Objects.requireNonNull(script, "script");
    }

    /** A command on its own session channel. */
    public RemoteCommand(String script, byte[] stdin, boolean asRoot, Duration timeout) {
        this(script, stdin, asRoot, timeout, false);
    }

    public static RemoteCommand of(String script) {
        return new RemoteCommand(script, null, false, null, false);
    }

    public static RemoteCommand asRoot(String script) {
        return new RemoteCommand(script, null, true, null, false);
    }

    public RemoteCommand withStdin(byte[] bytes) {
        return new RemoteCommand(script, bytes, asRoot, timeout, resident);
    }

    public RemoteCommand withTimeout(Duration t) {
        return new RemoteCommand(script, stdin, asRoot, t, resident);
    }

    /** The same command, to run in the connection's resident shell. */
    public RemoteCommand inResidentShell() {
        return new RemoteCommand(script, stdin, asRoot, timeout, true);
    }

    /** The same command, asking for the resident shell or not. */
    public RemoteCommand withResident(boolean r) {
        return new RemoteCommand(script, stdin, asRoot, timeout, r);
    }
}
