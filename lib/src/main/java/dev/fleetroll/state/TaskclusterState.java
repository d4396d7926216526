package dev.fleetroll.state;

import java.time.Instant;

/**
 * What Taskcluster knows about a host's worker. Filled by the Taskcluster issue; until then every
 * {@link HostState#tc()} is null.
 *
 * @param state worker state as reported by worker-manager (e.g. {@code running}, {@code stopped})
 * @param lastActive when the worker last claimed or resolved work
 * @param quarantinedUntil end of a quarantine; null when not quarantined
 * @param pool provisioner/worker-type the host maps to
 * @param latestTask the most recent task id
 * @param latestTaskState {@code completed}, {@code failed}, {@code exception} or {@code running}
 */
public record TaskclusterState(String state, Instant lastActive, Instant quarantinedUntil, String pool,
                               String latestTask, String latestTaskState) {}
