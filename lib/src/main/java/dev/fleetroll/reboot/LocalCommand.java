package dev.fleetroll.reboot;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one local client program of an out-of-band rung ({@code ipmitool}, {@code snmpset}) with extra environment
 * (where its secret goes, never the command line), no stdin, and a ceiling on its run time.
 *
 * @param exitCode the program's exit status; -1 when it was killed at the ceiling
 */
record LocalCommand(int exitCode, String stdout, String stderr) {
    boolean ok() {
        return exitCode == 0;
    }

    boolean timedOut() {
        return exitCode == -1;
    }

    /** stdout and stderr together, for classifying a failure. */
    String output() {
        return stdout + "\n" + stderr;
    }

    /**
     * Runs {@code argv}; a program that is missing is a {@link RebootStepFailed} naming its Debian package.
     */
    static LocalCommand run(List<String> argv, Map<String, String> env, Duration ceiling, String debianPackage)
            throws RebootStepFailed {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new RebootStepFailed(argv.get(0) + " is not installed here (Debian package " + debianPackage + ")");
        }
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            boolean done = p.waitFor(ceiling.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            return new LocalCommand(done ? p.exitValue() : -1, out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new RebootStepFailed(argv.get(0) + " was interrupted");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return new LocalCommand(p.isAlive() ? -1 : p.exitValue(), "", "");
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
