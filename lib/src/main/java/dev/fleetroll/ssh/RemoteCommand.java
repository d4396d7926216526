package dev.fleetroll.ssh;

import java.time.Duration;
import java.util.Objects;

/**
 * A command for one host: POSIX {@code sh} text, optional bytes for its stdin, whether it needs root, an optional
 * per-command timeout (null = the configured command timeout), whether it may run in the connection's resident
 * shell, and an optional prelude.
 *
 * <p>When {@code asRoot} is set and the login user is not root, the executor runs the script through
 * {@code sudo -n sh -c '...'} (quoted); the script itself never contains {@code sudo}.
 *
 * <p>{@code resident} asks the executor to run the script in a long-lived {@code sh -s} on the pooled connection
 * (one per connection and root-ness) instead of a new session channel, which saves the host a session, a login shell
 * and an {@code sh} per command. The script then runs in a subshell with stdin from {@code /dev/null}; {@code $$} is
 * the resident shell's PID and {@code $FLEETROLL_RESIDENT} a random id of that shell. A command with stdin bytes, or
 * one that finds the shell busy, runs on its own channel as usual. See docs/ssh-engine.md.
 *
 * <p>{@code pty} asks for a pseudo-terminal on the command's channel (200x50, {@code TERM=xterm-256color}, as the established tool asks), so
 * that tools which colour only on a terminal (Puppet) do; stdout and stderr then arrive merged on stdout, with
 * {@code \r\n} line ends. A pty command never runs in the resident shell.
 *
 * <p>{@code prelude} is shell text that only defines functions the script calls. On a channel of its own it runs
 * just before the script ({@link #fullScript()}); in a resident shell it runs in the shell itself, once per shell and
 * prelude, so that a long script is sent and parsed once per connection instead of once per command.
 */
public record RemoteCommand(String script, byte[] stdin, boolean asRoot, Duration timeout, boolean resident,
                            String prelude, boolean pty) {
    public RemoteCommand {
        Objects.requireNonNull(script, "script");
    }

    /** A command without a pty. */
    public RemoteCommand(String script, byte[] stdin, boolean asRoot, Duration timeout, boolean resident, String prelude) {
        this(script, stdin, asRoot, timeout, resident, prelude, false);
    }

    /** A command on its own session channel. */
    public RemoteCommand(String script, byte[] stdin, boolean asRoot, Duration timeout) {
        this(script, stdin, asRoot, timeout, false, null);
    }

    public static RemoteCommand of(String script) {
        return new RemoteCommand(script, null, false, null, false, null);
    }

    public static RemoteCommand asRoot(String script) {
        return new RemoteCommand(script, null, true, null, false, null);
    }

    public RemoteCommand withStdin(byte[] bytes) {
        return new RemoteCommand(script, bytes, asRoot, timeout, resident, prelude, pty);
    }

    public RemoteCommand withTimeout(Duration t) {
        return new RemoteCommand(script, stdin, asRoot, t, resident, prelude, pty);
    }

    /** The same command, to run in the connection's resident shell. */
    public RemoteCommand inResidentShell() {
        return new RemoteCommand(script, stdin, asRoot, timeout, true, prelude, pty);
    }

    /** The same command, asking for the resident shell or not. */
    public RemoteCommand withResident(boolean r) {
        return new RemoteCommand(script, stdin, asRoot, timeout, r, prelude, pty);
    }

    /** The same command with {@code text} (function definitions only) as its prelude. */
    public RemoteCommand withPrelude(String text) {
        return new RemoteCommand(script, stdin, asRoot, timeout, resident, text, pty);
    }

    /** The same command on a channel with a pseudo-terminal (see the class comment). */
    public RemoteCommand withPty() {
        return new RemoteCommand(script, stdin, asRoot, timeout, false, prelude, true);
    }

    /** What runs on a channel of its own: the prelude, then the script. */
    public String fullScript() {
        return prelude == null || prelude.isEmpty() ? script : prelude + "\n" + script;
    }
}
