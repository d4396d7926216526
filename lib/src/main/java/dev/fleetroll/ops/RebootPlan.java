package dev.fleetroll.ops;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What {@code reboot(reason: ...)} / {@code fleetroll reboot} will do, shown before it happens: which hosts, each
 * host's reboot group and the group's slots (at most that many of its hosts down at once, counting other operators'
 * and FleetLock clients'), the rungs of the ladder each host may climb, the deadline per rung and the fan-out.
 *
 * @param groups host to reboot group
 * @param slots group to its number of slots
 * @param held group to the slots other holders have now
 * @param rungs host to the rung names that apply to it, in climbing order
 */
public record RebootPlan(List<String> hosts, Map<String, String> groups, Map<String, Integer> slots,
                         Map<String, Integer> held, Map<String, List<String>> rungs, Duration deadline, int fanout,
                         String reason) implements ActionPlan {
    public RebootPlan {
        hosts = List.copyOf(hosts);
        groups = Map.copyOf(groups);
        slots = Map.copyOf(slots);
        held = Map.copyOf(held);
        rungs = Map.copyOf(rungs);
    }

    @Override
    public String verb() {
        return "reboot";
    }

    @Override
    public String title() {
        return "reboot";
    }

    /** The audit log's {@code action} of the plan's decision (dry run, declined, refused). */
    public static final String AUDIT_ACTION = "host.reboot";
}
