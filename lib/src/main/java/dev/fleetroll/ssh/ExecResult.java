package dev.fleetroll.ssh;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * What one host's command produced.
 *
 * @param exitCode the remote exit status; null when the command did not run to completion
 * @param stdout captured stdout, at most the configured cap
 * @param stderr captured stderr, at most the configured cap
 * @param truncated true when output beyond the cap was written to {@code spillFile} instead
 * @param spillFile per-host log holding the full output when truncated; null otherwise
 * @param error one-line reason for any outcome other than OK (for FAILED: the first stderr line or "exit N")
 * @param attempts connection attempts made (retries happen only for connect-phase failures)
 */
public record ExecResult(
        String host,
        Outcome outcome,
        Integer exitCode,
        byte[] stdout,
        byte[] stderr,
        boolean truncated,
        Path spillFile,
        String error,
        Instant started,
        Duration elapsed,
        int attempts) {

    public String stdoutText() {
        return stdout == null ? "" : new String(stdout, StandardCharsets.UTF_8);
    }

    public String stderrText() {
        return stderr == null ? "" : new String(stderr, StandardCharsets.UTF_8);
    }

    public boolean ok() {
        return outcome == Outcome.OK;
    }

    /** A result for a host that was never tried because the batch was cancelled or its deadline passed. */
    public static ExecResult cancelled(String host, String why) {
        return new ExecResult(host, Outcome.CANCELLED, null, new byte[0], new byte[0], false, null, why,
                Instant.now(), Duration.ZERO, 0);
    }
}
