package dev.fleetroll.state;

import dev.fleetroll.inventory.InventoryHost;
import dev.fleetroll.inventory.ProbeResult;
import java.util.Map;
import java.util.Set;

/**
 * The inventory's side of the host states: the hosts of record, the latest discovery probes, and the hosts that are
 * targets of a rollout still in progress (not rolled back or finalized) — what the drift columns compare the audits
 * with.
 *
 * @param hosts hosts of record by name
 * @param probes latest probe by host name (hosts of record or not)
 * @param rolloutTargets targets of every rollout that has not ended
 * @param loaded false for {@link #NONE}: nothing was read, so the drift columns are unknown (null), not "no"
 */
public record InventoryFacts(Map<String, InventoryHost> hosts, Map<String, ProbeResult> probes, Set<String> rolloutTargets,
                             boolean loaded) {

    /** Nothing known about the inventory. */
    public static final InventoryFacts NONE = new InventoryFacts(Map.of(), Map.of(), Set.of(), false);

    public InventoryFacts {
        hosts = Map.copyOf(hosts);
        probes = Map.copyOf(probes);
        rolloutTargets = Set.copyOf(rolloutTargets);
    }

    /** What the inventory says about {@code host}; null when nothing was loaded. */
    public HostState.InventoryState of(String host) {
        if (!loaded) {
            return null;
        }
        return new HostState.InventoryState(hosts.get(host), probes.get(host), rolloutTargets.contains(host));
    }
}
