package dev.fleetroll.reboot;

import dev.fleetroll.ops.RebootPlan;
import dev.fleetroll.ops.WriteGate;
import java.time.Duration;
import java.util.List;

/**
 * What {@link Reboots#run} did: the plan, the gate's decision, one result per host (in the plan's order; empty unless
 * the gate said write) and the wall time.
 */
public record RebootReport(RebootPlan plan, WriteGate.Decision decision, List<HostReboot> results, Duration elapsed) {
    public RebootReport {
        results = List.copyOf(results);
    }

    public boolean performed() {
        return decision != null && decision.verdict() == WriteGate.Verdict.WRITE;
    }

    /** True when every host came back (or nothing was done). */
    public boolean allOk() {
        return results.stream().allMatch(HostReboot::ok);
    }

    /** The hosts that did not come back and keep their slots. */
    public List<String> stuck() {
        return results.stream().filter(HostReboot::slotKept).map(HostReboot::host).toList();
    }
}
