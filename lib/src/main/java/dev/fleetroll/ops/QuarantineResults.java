package dev.fleetroll.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * How a quarantine (or its lifting) went.
 *
 * @param decision the gate's decision; nothing was sent unless it was WRITE
 * @param done hosts whose worker Taskcluster changed, with the quarantine end it now reports (null: none)
 * @param failed hosts whose request failed, with why (one line, never a credential)
 * @param warnings what went wrong around the change (the audit log could not be written)
 */
public record QuarantineResults(QuarantinePlan plan, WriteGate.Decision decision, Map<String, Instant> done,
                                Map<String, String> failed, List<String> warnings, Duration elapsed) {

    public boolean sent() {
        return decision.verdict() == WriteGate.Verdict.WRITE;
    }

    public List<String> doneHosts() {
        return List.copyOf(done.keySet());
    }

    public boolean allOk() {
        return failed.isEmpty();
    }
}
