package dev.fleetroll.reboot;

import dev.fleetroll.config.Workspace;
import dev.fleetroll.ops.Fleet;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place that says which rungs the reboot ladder climbs, in order: ssh {@code reboot}, then (when configured
 * for a host) IPMI chassis power reset, IPMI power cycle, PDU outlet cycle over SNMP ({@link OutOfBandRungs}), and
 * last filing a bug that says what was tried ({@link ClimbHistory}). Each rung says itself whether it
 * {@linkplain RebootStep#appliesTo applies} to a host.
 */
public final class RebootRungs {
    private RebootRungs() {}

    /** The ladder for {@code ws}'s fleet; the bug rung reads what was tried from {@code history}. */
    public static List<RebootStep> forWorkspace(Fleet fleet, Workspace ws, ClimbHistory history) {
        List<RebootStep> rungs = new ArrayList<>();
        rungs.add(new SshReboot(fleet));
        rungs.addAll(OutOfBandRungs.forWorkspace(ws, history::tried));
        return List.copyOf(rungs);
    }
}
