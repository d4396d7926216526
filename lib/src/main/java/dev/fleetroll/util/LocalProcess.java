package dev.fleetroll.util;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one short local program and captures its output: extra environment (where a secret goes, never the command
 * line), stdin from bytes or {@code /dev/null}, and a ceiling on its run time after which it is killed. The one
 * process runner of the sandbox's plumbing and the reboot ladder's IPMI and SNMP clients.
 */
public final class LocalProcess {
    private LocalProcess() {}

    /**
     * @param timedOut killed at the ceiling (its exit code is then meaningless)
     * @param interrupted the waiting thread was interrupted (the process was killed; the interrupt flag is set again)
     */
    public record Result(int exitCode, String stdout, String stderr, boolean timedOut, boolean interrupted) {}

    /**
     * Runs {@code argv}; {@code cwd} and {@code stdin} may be null.
     *
     * @throws IOException when the program cannot be started (not installed, not executable)
     */
    public static Result run(List<String> argv, Map<String, String> env, Path cwd, Duration timeout, byte[] stdin)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().putAll(env);
        if (cwd != null) {
            pb.directory(cwd.toFile());
        }
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process p = pb.start();
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            if (stdin != null) {
                try (var in = p.getOutputStream()) {
                    in.write(stdin);
                } catch (IOException ignored) {
                    // the program exited without reading its input
                }
            }
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            return new Result(done ? p.exitValue() : -1, out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS),
                    !done, false);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(-1, "", "interrupted", false, true);
        } catch (ExecutionException | TimeoutException e) {
            boolean alive = p.isAlive();
            return new Result(alive ? -1 : p.exitValue(), "", "output not captured: " + e, alive, false);
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (in) {
                f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.complete("");
            }
        });
        return f;
    }
}
