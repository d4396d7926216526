package dev.fleetroll.sandbox;

/**
 * One host as it is now.
 *
 * @param state {@code up}; {@code sshd-stopped} (host up, connections refused); {@code tarpit} (sshd accepts TCP and
 *     never speaks); {@code booting}; {@code rebooting}; {@code halted}; {@code down} (its processes are gone)
 * @param uptimeSeconds the host's own uptime; null when it is not running
 * @param acceptedConnections connections its sshd has accepted since {@code up} (all boots)
 * @param puppetFailing whether the host's fail-puppet fault is on (every run fails)
 */
public record HostStatus(SandboxHost host, String state, Long uptimeSeconds, long acceptedConnections,
                         boolean puppetFailing) {}
