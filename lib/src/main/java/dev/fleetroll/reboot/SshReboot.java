package dev.fleetroll.reboot;

import dev.fleetroll.ops.Fleet;
import dev.fleetroll.ssh.BatchListener;
import dev.fleetroll.ssh.ExecResult;
import dev.fleetroll.ssh.Outcome;
import dev.fleetroll.ssh.RemoteCommand;
import java.time.Duration;
import java.util.List;

/**
 * The first rung: {@code reboot} as root over the fleet's SSH engine. The command only has to start: a host that goes
 * down may cut the session before {@code reboot} exits, which counts as started; a host we cannot reach, or whose
 * {@code reboot} exits non-zero, is a {@link RebootStepFailed} (the ladder goes on to the next rung at once).
 */
public final class SshReboot implements RebootStep {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Fleet fleet;

    public SshReboot(Fleet fleet) {
        this.fleet = fleet;
    }

    @Override
    public String name() {
        return "ssh";
    }

    @Override
    public boolean appliesTo(String host) {
        return true;
    }

    @Override
    public String attempt(String host, String reason) throws RebootStepFailed {
        ExecResult r = fleet.exec(List.of(host), RemoteCommand.asRoot("reboot").withTimeout(TIMEOUT), BatchListener.NONE,
                null).results().get(0);
        if (r.outcome() == Outcome.OK) {
            String said = oneLine(r.stdoutText());
            return "ssh reboot on " + host + (said.isEmpty() ? "" : ": " + said);
        }
        if (r.outcome().isConnectionProblem() || r.outcome() == Outcome.CANCELLED) {
            throw new RebootStepFailed("ssh reboot on " + host + ": " + r.outcome().label()
                    + (r.error() == null ? "" : ": " + oneLine(r.error())));
        }
        if (r.exitCode() != null) {
            String why = oneLine(r.stderrText().isBlank() ? r.stdoutText() : r.stderrText());
            throw new RebootStepFailed("ssh reboot on " + host + " exited " + r.exitCode() + (why.isEmpty() ? "" : ": " + why));
        }
        // connected and started, then the session ended without an exit status: the host going down does that
        return "ssh reboot on " + host + ": session ended (" + r.outcome().label() + ") as the host went down";
    }

    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String t = s.strip();
        int nl = t.indexOf('\n');
        return (nl < 0 ? t : t.substring(0, nl)).strip();
    }
}
