package dev.fleetroll.sandbox;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

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
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().putAll(env);
        if (cwd != null) {
            pb.directory(cwd.toFile());
        }
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + argv.get(0) + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            if (stdin != null) {
                try (var in = p.getOutputStream()) {
                    in.write(stdin);
                } catch (IOException ignored) {
                    // the command exited without reading its input
                }
            }
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            int code = done ? p.exitValue() : 124;
            return new CommandResult(code, out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new CommandResult(130, "", "interrupted");
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return new CommandResult(p.isAlive() ? 124 : p.exitValue(), "", "output not captured: " + e);
        }
    }

    /** Runs {@code argv} and throws with its stderr when it fails. */
    static CommandResult check(List<String> argv, Map<String, String> env, Path cwd, byte[] stdin) {
        CommandResult r = run(argv, env, cwd, Duration.ofSeconds(120), stdin);
        if (!r.ok()) {
            throw new SandboxException(String.join(" ", argv) + " failed (exit " + r.exitCode() + "): "
                    + r.stderr().strip().lines().findFirst().orElse(""));
        }
        return r;
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
