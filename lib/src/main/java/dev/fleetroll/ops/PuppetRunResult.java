package dev.fleetroll.ops;

import dev.fleetroll.ssh.Outcome;
import dev.fleetroll.state.Observation;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One host's Puppet run.
 *
 * @param transport how the SSH command ended; {@link Outcome#OK} whenever the wrapper ran to its end, whatever its exit
 * @param puppetExit the wrapper's exit status (0 nothing to do, 2 changes applied, other: failure); null when it did
 *     not finish (unreachable, timed out, cancelled, killed)
 * @param output what the run printed (stdout and stderr merged by the pty), ANSI-sanitised, colours kept
 * @param log where the output is kept on this machine ({@code $FLEETROLL_HOME/puppet-runs/HOST/STAMP.log}); null if
 *     it could not be written
 * @param error one line when the run did not succeed
 * @param observation the host's re-audit after the run (stored); null when skipped or not reached
 */
public record PuppetRunResult(String host, Outcome transport, Integer puppetExit, String output, Path log, String error,
                              Duration elapsed, Observation observation) {

    /** Puppet's success: exit 0 (nothing to do) or 2 (changes applied). */
    public boolean ok() {
        return transport == Outcome.OK && puppetExit != null && (puppetExit == 0 || puppetExit == 2);
    }

    /** Exit 2: Puppet changed something. */
    public boolean changesApplied() {
        return ok() && puppetExit == 2;
    }

    /** The command never ran on the host (unreachable, authentication, host key). */
    public boolean unreachable() {
        return transport != null && transport.isConnectionProblem();
    }

    /** {@code ok}, {@code failed}, {@code unreachable}, {@code timed-out}, {@code cancelled}: for output and the audit log. */
    public String label() {
        if (ok()) {
            return "ok";
        }
        if (transport == Outcome.OK || transport == Outcome.FAILED) {
            return "failed";
        }
        return transport.isConnectionProblem() ? "unreachable" : transport.label();
    }

    PuppetRunResult withObservation(Observation o) {
        return new PuppetRunResult(host, transport, puppetExit, output, log, error, elapsed, o);
    }
}
