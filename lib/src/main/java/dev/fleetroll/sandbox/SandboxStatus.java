package dev.fleetroll.sandbox;

import java.nio.file.Path;
import java.util.List;

/**
 * A running sandbox as it is now.
 *
 * @param hostFilesBytes what the hosts' own files take (on tmpfs, where they normally live, this is memory too)
 * @param processes the fleet's long-lived processes (supervisors, namespace inits, sshds, generic-workers)
 * @param memoryBytes the memory those processes use: the sum of their proportional set sizes (shared pages are
 *     divided among the processes sharing them, so this does not over-count the way summed RSS does)
 */
public record SandboxStatus(Path dir, Path home, int slot, String loginUser, Path sshConfig, Path hostList,
                            List<HostStatus> hosts, int processes, long memoryBytes, long hostFilesBytes) {
    public long count(String state) {
        return hosts.stream().filter(h -> h.state().equals(state)).count();
    }
}
