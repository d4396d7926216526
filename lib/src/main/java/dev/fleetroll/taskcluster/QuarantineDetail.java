package dev.fleetroll.taskcluster;

import java.time.Instant;

/** One quarantine change of a worker: who set which end time when, and why. */
public record QuarantineDetail(String clientId, Instant quarantineUntil, Instant updatedAt, String quarantineInfo) {}
