package dev.fleetroll.reboot;

import java.util.List;

/**
 * How one host's climb up the reboot ladder ended.
 *
 * @param cameBack true when a rung brought the host down and back (its slot was given back)
 * @param attempts every rung tried, in order
 * @param summary one line for the operator
 */
public record ClimbResult(String host, boolean cameBack, List<RungAttempt> attempts, String summary) {
    public ClimbResult {
        attempts = List.copyOf(attempts);
    }

    /** The rung that brought the host back, or the last one tried (null when none applied). */
    public String lastRung() {
        return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1).rung();
    }
}
