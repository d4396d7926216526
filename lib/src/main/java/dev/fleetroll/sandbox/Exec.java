package dev.fleetroll.sandbox;

import dev.fleetroll.util.LocalProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Runs short local commands (git, kill, mknod, nsenter, ssh) and captures their output. */
final class Exec {
    private Exec() {}

    static CommandResult run(List<String> argv) {
        return run(argv, Map.of(), null, Duration.ofSeconds(60), null);
    }

    /**
     * Runs {@code argv} with extra environment {@code env}, stdin from {@code stdin} (null: /dev/null), and kills it
     * after {@code timeout} (exit code 124, as timeout(1) reports it).
     */
    static CommandResult run(List<String> argv, Map<String, String> env, Path cwd, Duration timeout, byte[] stdin) {
        LocalProcess.Result r;
        try {
            r = LocalProcess.run(argv, env, cwd, timeout, stdin);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + argv.get(0) + ": " + e.getMessage(), e);
        }
        int code = r.interrupted() ? 130 : r.timedOut() ? 124 : r.exitCode();
        return new CommandResult(code, r.stdout(), r.stderr());
    }

    /** Runs {@code argv} and throws with its stderr when it fails. */
    static CommandResult check(List<String> argv, Map<String, String> env, Path cwd, byte[] stdin) {
        return check(argv, env, cwd, stdin, Duration.ofSeconds(120));
    }

    /** The same with another ceiling than two minutes. */
    static CommandResult check(List<String> argv, Map<String, String> env, Path cwd, byte[] stdin, Duration timeout) {
        CommandResult r = run(argv, env, cwd, timeout, stdin);
        if (!r.ok()) {
            throw new SandboxException(String.join(" ", argv) + " failed (exit " + r.exitCode() + "): "
                    + r.stderr().strip().lines().findFirst().orElse(""));
        }
        return r;
    }
}
