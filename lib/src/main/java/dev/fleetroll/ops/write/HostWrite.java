package dev.fleetroll.ops.write;

import dev.fleetroll.remote.WriteReply;
import dev.fleetroll.ssh.Outcome;
import java.time.Duration;

/**
 * One host's write.
 *
 * @param transport how the SSH command ended (ok, failed, unreachable, auth-failed, timed-out, ...)
 * @param reply what the host-side script reported (never null; {@code recognised} false when it did not report)
 * @param error one line for failed, blocked and unreachable hosts; null otherwise
 */
public record HostWrite(String host, WriteOutcome outcome, Outcome transport, Integer exitCode, WriteReply reply,
                        String error, Duration elapsed) {}
