package dev.fleetroll.state;

import java.time.Duration;
import java.time.Instant;

/**
 * What Taskcluster said about a host's worker at the last scan ({@code gather-tc}). A host whose pool listing had no
 * worker of its name is stored as {@linkplain #present() absent}, so an old record never stands in for a worker
 * that is gone; a host whose role maps to no pool is stored with {@code pool == null} and a {@code problem}.
 *
 * @param scannedAt when the pool was listed
 * @param pool {@code provisionerId/workerType} the host maps to; null when its role maps to none
 * @param present Taskcluster lists a worker with the host's short name in that pool
 * @param workerGroup the worker's group (data centre), when present
 * @param workerId the short host name Taskcluster knows the worker by
 * @param state worker-manager state: {@code running}, {@code stopped}, {@code standalone}, ...
 * @param firstClaim when the worker first claimed a task
 * @param lastActive {@code lastDateActive}: when the worker last claimed or reclaimed work (up to 30 min coarse)
 * @param quarantinedUntil end of the worker's quarantine, as listed (null: none, or one that has ended)
 * @param quarantineReason the newest quarantine's {@code quarantineInfo}, when the worker is quarantined
 * @param latestTask the most recent task id
 * @param latestTaskRunId which run of it the worker ran
 * @param latestTaskState {@code running}, {@code completed}, {@code failed}, {@code exception}, ...
 * @param taskStarted when the latest task's run started
 * @param taskResolved when it was resolved; null while it runs
 * @param problem why the host has no worker record (no pool for its role); null otherwise
 */
public record TaskclusterState(Instant scannedAt, String pool, boolean present, String workerGroup, String workerId,
                               String state, Instant firstClaim, Instant lastActive, Instant quarantinedUntil,
                               String quarantineReason, String latestTask, Integer latestTaskRunId, String latestTaskState,
                               Instant taskStarted,
                               Instant taskResolved, String problem) {

    /** A host Taskcluster does not list in {@code pool} (or, with {@code pool == null}, one fleetroll cannot map). */
    public static TaskclusterState absent(Instant scannedAt, String pool, String workerId, String problem) {
        return new TaskclusterState(scannedAt, pool, false, null, workerId, null, null, null, null, null, null, null,
                null, null, null, problem);
    }

    /**
     * How long the latest task ran: resolved - started, or, while it still runs, {@code asOf - started}. Null when
     * nothing is known.
     */
    public Duration taskDuration(Instant asOf) {
        if (taskStarted == null) {
            return null;
        }
        Instant end = taskResolved != null ? taskResolved : asOf;
        return end.isBefore(taskStarted) ? Duration.ZERO : Duration.between(taskStarted, end);
    }

    /** The latest task has started and not been resolved. */
    public boolean taskRunning() {
        return taskStarted != null && taskResolved == null;
    }
}
