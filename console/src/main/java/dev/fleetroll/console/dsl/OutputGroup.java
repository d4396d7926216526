package dev.fleetroll.console.dsl;

import dev.fleetroll.ssh.Outcome;
import java.util.List;

/**
 * Hosts whose command ended identically: same outcome, exit code, stdout and stderr (ClusterShell's
 * {@code clush -b} gathering).
 *
 * @param hosts the hosts, naturally ordered
 * @param header the folded node set, e.g. {@code ms-[001-004,009]}
 * @param error for outcomes other than ok/failed: why (e.g. {@code connection refused})
 */
public record OutputGroup(List<String> hosts, String header, Outcome outcome, Integer exitCode, String stdout,
                          String stderr, String error) {
    public int size() {
        return hosts.size();
    }
}
