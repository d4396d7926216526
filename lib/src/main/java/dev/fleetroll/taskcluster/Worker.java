package dev.fleetroll.taskcluster;

import java.time.Instant;

/**
 * One entry of worker-manager's {@code listWorkers} for a provisioner/worker type. Only {@code workerGroup} and
 * {@code workerId} are always there; any other field the answer lacks is null.
 */
public record Worker(String workerPoolId, String workerGroup, String workerId, String state, Integer capacity,
                     String providerId, Instant firstClaim, Instant lastDateActive, Instant quarantineUntil,
                     LatestTask latestTask) {}
