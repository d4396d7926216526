package dev.fleetroll.ssh;

import java.time.Duration;
import java.util.Objects;

/**
 * A command for one host: POSIX {@code sh} text, optional bytes for its stdin, whether it needs root, and an
 * optional per-command timeout (null = the configured command timeout).
 *
 * <p>When {@code asRoot} is set and the login user is not root, the executor runs the script through
 * {@code sudo -n sh -c '...'} (quoted); the script itself never contains {@code sudo}.
 */
public record RemoteCommand(String script, byte[] stdin, boolean asRoot, Duration timeout) {
    public RemoteCommand {
        Objects.requireNonNull(script, "script");
    }

    public static RemoteCommand of(String script) {
        return new RemoteCommand(script, null, false, null);
    }

    public static RemoteCommand asRoot(String script) {
        return new RemoteCommand(script, null, true, null);
    }

    public RemoteCommand withStdin(byte[] bytes) {
        return new RemoteCommand(script, bytes, asRoot, timeout);
    }

    public RemoteCommand withTimeout(Duration t) {
        return new RemoteCommand(script, stdin, asRoot, t);
    }
}
