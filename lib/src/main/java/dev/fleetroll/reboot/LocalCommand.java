package dev.fleetroll.reboot;

import dev.fleetroll.util.LocalProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
        LocalProcess.Result r;
        try {
            r = LocalProcess.run(argv, env, null, ceiling, null);
        } catch (IOException e) {
            throw new RebootStepFailed(argv.get(0) + " is not installed here (Debian package " + debianPackage + ")");
        }
        if (r.interrupted()) {
            throw new RebootStepFailed(argv.get(0) + " was interrupted");
        }
        return new LocalCommand(r.timedOut() ? -1 : r.exitCode(), r.stdout(), r.stderr());
    }
}
