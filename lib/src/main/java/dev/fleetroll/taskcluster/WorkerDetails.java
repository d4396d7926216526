package dev.fleetroll.taskcluster;

import java.time.Instant;
import java.util.List;

/**
 * The queue's view of one worker ({@code getWorker}, and the answer to {@code quarantineWorker}). Lists are empty,
 * never null; absent instants are null. {@code quarantineUntil} may lie in the past (a lifted quarantine).
 */
public record WorkerDetails(String provisionerId, String workerType, String workerGroup, String workerId,
                            List<RecentTask> recentTasks, Instant quarantineUntil,
                            List<QuarantineDetail> quarantineDetails, Instant firstClaim, Instant lastDateActive,
                            Instant expires) {
    public WorkerDetails {
        recentTasks = List.copyOf(recentTasks);
        quarantineDetails = List.copyOf(quarantineDetails);
    }

    /** True when the worker is quarantined at {@code now}. */
    public boolean quarantinedAt(Instant now) {
        return quarantineUntil != null && quarantineUntil.isAfter(now);
    }
}
