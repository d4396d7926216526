package dev.fleetroll.reboot;

import java.time.Instant;

/**
 * One rung tried on one host and how it ended.
 *
 * @param outcome {@link #CAME_BACK} (seen down and back: its uptime restarted), {@link #NOT_BACK} (not back within
 *     the deadline), {@link #FAILED} (the rung could not even be tried), {@link #HANDED_OVER} (a terminal rung: a
 *     human has it now)
 * @param detail one line: what the rung did or why it failed, and what the audits saw; no secret
 * @param bootedAt when the host booted, as its audit saw it afterwards (null unless it came back)
 */
public record RungAttempt(String rung, String outcome, String detail, Instant started, Instant ended, Instant bootedAt,
                          boolean seenDown) {
    public static final String CAME_BACK = "came-back";
    public static final String NOT_BACK = "not-back";
    public static final String FAILED = "failed";
    public static final String HANDED_OVER = "handed-over";
}
